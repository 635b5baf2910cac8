"""Two hundred tenants, eight writers, one bounded pool (PostgreSQL only: the pool is the point).

A provisioned tenant costs a schema, not a pool: whatever the number of tenants and writer
threads, the server never sees more connections from the process than `pool_size`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from eventsourcing.domain import Aggregate, event

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.settings import Settings
from services.actor import Actor

POOL_SIZE = 4
TENANTS = 200
WRITERS = 8
EVENTS_PER_TENANT = 3

pytestmark = pytest.mark.postgres_only


class Goal(Aggregate):
    @event("Set")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Revised")
    def revise(self, text: str) -> None:
        self.text = text


class Goals(StreamApplication):
    name = "goals"

    def set_goal(self, text: str) -> UUID:
        goal = Goal(text)
        self.save(goal)
        return goal.id

    def revise_goal(self, goal_id: UUID, text: str) -> None:
        goal: object = self.repository.get(goal_id)
        assert isinstance(goal, Goal)
        goal.revise(text)
        self.save(goal)


class ConnectionMonitor:
    """Samples, from a connection of its own, how many server connections the database has."""

    def __init__(self, database_url: str) -> None:
        self._conn = psycopg.connect(database_url, autocommit=True)
        self._stop = threading.Event()
        self.samples: list[int] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def count(self) -> int:
        row = self._conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.count())

    @contextmanager
    def sampling(self) -> Iterator[ConnectionMonitor]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=30)

    def close(self) -> None:
        self._conn.close()


def test_two_hundred_tenants_and_eight_writers_share_one_bounded_pool(
    postgres_url: str, tmp_path: Path, operator_actor: Actor
) -> None:
    ithaca: Ithaca = bootstrap(Settings.from_env(
        {}, database_url=postgres_url, data_dir=str(tmp_path), pool_size=POOL_SIZE,
        tenant_cache_seconds=0.0, log_format="console",
    ))
    monitor = ConnectionMonitor(postgres_url)
    try:
        slugs = [f"tenant-{number:03d}" for number in range(TENANTS)]
        for slug in slugs:
            ithaca.registry.provision_tenant(slug=slug, display_name=slug, actor=operator_actor)
        assert monitor.count() <= POOL_SIZE

        # Eight writers share the tenants out; each tenant gets one goal, then two revisions.
        written: dict[str, list[tuple[UUID, int]]] = {}
        errors: list[BaseException] = []

        def write(my_slugs: list[str]) -> None:
            try:
                for slug in my_slugs:
                    goals = ithaca.tenant_application(ithaca.tenant(slug), Goals)
                    goal_id = goals.set_goal(f"{slug}: first export order")
                    for revision in range(2, EVENTS_PER_TENANT + 1):
                        goals.revise_goal(goal_id, f"{slug}: revision {revision}")
                    written[slug] = [(goal_id, v) for v in range(1, EVENTS_PER_TENANT + 1)]
            except BaseException as error:  # handed to the test thread below
                errors.append(error)

        writers = [
            threading.Thread(target=write, args=(slugs[number::WRITERS],))
            for number in range(WRITERS)
        ]
        with monitor.sampling():
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join(timeout=120)
        assert not errors, errors
        assert not any(writer.is_alive() for writer in writers)

        # The pool was used (the monitor saw it) and never exceeded, during or after the writes.
        assert monitor.samples, "the monitor took no samples"
        assert 1 <= max(monitor.samples) <= POOL_SIZE, max(monitor.samples)
        assert monitor.count() <= POOL_SIZE

        # Every tenant's stream holds exactly its own goal's events, in order.
        assert sorted(written) == slugs
        for slug in slugs:
            goals = ithaca.tenant_application(ithaca.tenant(slug), Goals)
            log = goals.recorder.select_notifications(start=None, limit=EVENTS_PER_TENANT + 5)
            assert [(n.originator_id, n.originator_version) for n in log] == written[slug], slug
    finally:
        monitor.close()
        ithaca.close()
