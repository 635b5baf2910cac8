"""Keeps the web process's match indexes loaded, so no member's request pays for loading one.

Loading a tenant's index from scratch reads every mentor and entrepreneur row (17 s at 300,000
members, `bench.matching`), and a rebuild swapped in by a worker makes the next query reload it.
The warmer loads the index of every tenant that is not suspended when the web app starts, then
refreshes them at an interval, in a background thread; a request finds its index current and
only applies what arrived since the last round. Tenants beyond the open-stream capacity are
left to load on their first request (their streams would be closed again anyway).
"""

from __future__ import annotations

import threading

from infra.container import Ithaca
from infra.logging import get_logger
from projections.matching.index import index_for
from projections.matching.projection import MATCHING
from projections.reading import open_read_model

__all__ = ["MatchIndexWarmer"]

_log = get_logger("ithaca.matching")


class MatchIndexWarmer:
    def __init__(self, ithaca: Ithaca, interval_seconds: float) -> None:
        self.ithaca = ithaca
        self.interval_seconds = interval_seconds
        self.rounds = 0
        """Rounds over every tenant completed (tests wait on it)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="match-index-warmer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh_all()
            self.rounds += 1
            self._stop.wait(self.interval_seconds)

    def refresh_all(self) -> None:
        tenants = [tenant for tenant in self.ithaca.directory.all() if not tenant.suspended]
        for tenant in tenants[:self.ithaca.settings.open_tenants]:
            if self._stop.is_set():
                return
            try:
                model = open_read_model(self.ithaca, tenant, MATCHING)
                index_for(model.stream.events).warm(model.store)
            except Exception as error:  # one tenant's failure must not stop the others
                _log.warning("match_index_refresh_failed", tenant=tenant.slug, error=repr(error))
