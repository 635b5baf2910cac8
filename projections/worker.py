"""`ProjectionWorker`: one process (or a thread of the web app) serving every tenant's read models.

* Wake-ups: on PostgreSQL one LISTEN connection per server hears `ithaca_events`, whose payload
  names the stream that changed; on the embedded default, appends in this process wake it
  directly (`listen_to_appends`). Every `projection_poll_seconds` it visits every tenant anyway,
  in case a wake-up was lost; a visit to an idle tenant costs two small queries (its head and its
  projections' positions) and nothing else.
* Work: `projection_threads` threads take due tenants; for each projection behind the head they
  take its lease (`projections.leases`), catch it up in batches (`Projector`) and give the lease
  back. A lease held by another worker means that worker is on it: the tenant is looked at again
  a second later, so a worker that dies is replaced within seconds.
* Failures: a projection that fails on an event is recorded (`projection_state`) and retried after
  a backoff (5 s doubling to 10 min), for that tenant only; the others go on.
* A projection whose `version` changed is rebuilt into shadow tables and swapped in (`rebuild`).
* Sealing: each visit also chains the tenant's new events and signs checkpoints
  (`infra.eventstore.chain.seal_stream`), under a lease of its own, so two workers never seal one
  stream at once; a tenant whose chain is found broken is logged and retried with the same
  backoff, and its projections go on.
* Connections: the process's pool (bounded by `pool_size`), plus one LISTEN and one lease
  connection per PostgreSQL server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from infra.container import Ithaca
from infra.eventstore.chain import ChainBrokenError, seal_stream
from infra.eventstore.postgres_server import NOTIFY_CHANNEL
from infra.eventstore.streams import PLATFORM_STREAM, EventStream, listen_to_appends
from infra.logging import get_logger
from infra.signing import SigningKey
from projections.engine import Projection, ProjectionFailedError
from projections.leases import Leases, leases_for
from projections.reading import open_read_model
from projections.rebuild import rebuild_under_lease
from projections.runtime import projector_for
from tenants.directory import TenantRecord

__all__ = ["ProjectionWorker", "WorkerCounters"]

_log = get_logger("ithaca.projections")

LEASE_BUSY_RETRY_SECONDS = 1.0
FIRST_BACKOFF_SECONDS = 5.0
LONGEST_BACKOFF_SECONDS = 600.0
SEALER_LEASE = "@chain-sealer"
"""The sealer's lease name, beside the projections' (no projection name starts with `@`)."""


@dataclass
class WorkerCounters:
    """What a worker has done (for tests, logs and status)."""

    batches: int = 0
    events: int = 0
    superseded: int = 0
    lease_busy: int = 0
    failures: int = 0
    sealed: int = 0
    by_projection: dict[tuple[str, str], int] = field(default_factory=dict)


class ProjectionWorker:
    def __init__(
        self, ithaca: Ithaca, projections: Sequence[Projection] | None = None,
        *, threads: int | None = None, poll_seconds: float | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.ithaca = ithaca
        self.projections = list(ithaca.projections if projections is None else projections)
        settings = ithaca.settings
        self.threads = threads or settings.projection_threads
        self.poll_seconds = poll_seconds or settings.projection_poll_seconds
        self.batch_size = batch_size or settings.projection_batch
        self.counters = WorkerCounters()
        self._leases: dict[str, Leases] = {}
        self._wake = threading.Condition()
        self._due: dict[str, float] = {}
        self._busy: set[str] = set()
        self._retry_at: dict[tuple[str, str], float] = {}
        self._failures: dict[tuple[str, str], int] = {}
        self._signing_keys: dict[str, SigningKey] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._stop_listening: Callable[[], None] = lambda: None

    # Life -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop_listening = listen_to_appends(self.kick)
        self._spawn(self._poll, "ithaca-projections-poll")
        for url in self.ithaca.servers:
            self._spawn(self._listen, "ithaca-projections-listen", url)
        for number in range(self.threads):
            self._spawn(self._work, f"ithaca-projections-{number}")
        _log.info("projection_worker_started", threads=self.threads,
                  projections=[p.name for p in self.projections])

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop_listening()
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        for leases in self._leases.values():
            leases.close()
        _log.info("projection_worker_stopped")

    def run_until(self, stop: threading.Event) -> None:
        """Serves until `stop` is set (the CLI sets it on SIGTERM/SIGINT)."""
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()

    # Wake-ups -------------------------------------------------------------------------------

    def kick(self, stream_name: str, delay: float = 0.0) -> None:
        """Asks for a visit of the stream's tenant (at once, or after `delay` seconds)."""
        if stream_name == PLATFORM_STREAM:
            self.ithaca.directory.refresh()
            self.kick_all()
            return
        at = time.monotonic() + delay
        with self._wake:
            if stream_name not in self._due or self._due[stream_name] > at:
                self._due[stream_name] = at
            self._wake.notify()

    def kick_all(self) -> None:
        for tenant in self.ithaca.directory.all():
            self.kick(tenant.stream_name)

    def _poll(self) -> None:
        while not self._stopping.is_set():
            try:
                self.ithaca.directory.refresh()
                self.kick_all()
            except Exception as error:  # a poll that fails is tried again
                _log.warning("projection_poll_failed", error=str(error))
            self._stopping.wait(self.poll_seconds)

    def _listen(self, url: str) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(url, autocommit=True,
                                     application_name="ithaca:projections-listen") as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_CHANNEL)))
                    self.kick_all()  # anything appended before LISTEN took effect
                    while not self._stopping.is_set():
                        for notify in conn.notifies(timeout=0.5, stop_after=64):
                            self.kick(notify.payload)
            except psycopg.Error as error:
                _log.warning("projection_listen_failed", error=str(error))
                self._stopping.wait(1.0)

    # Work -----------------------------------------------------------------------------------

    def _next_due(self) -> str | None:
        with self._wake:
            while not self._stopping.is_set():
                now = time.monotonic()
                ready = [(at, name) for name, at in self._due.items()
                         if at <= now and name not in self._busy]
                if ready:
                    _, name = min(ready)
                    del self._due[name]
                    self._busy.add(name)
                    return name
                waiting = [at for name, at in self._due.items() if name not in self._busy]
                self._wake.wait(timeout=min(waiting) - now if waiting else None)
        return None

    def _work(self) -> None:
        while (stream_name := self._next_due()) is not None:
            try:
                tenant = self._tenant(stream_name)
                if tenant is not None:
                    self.serve(tenant)
            except Exception as error:  # one tenant's trouble stops nobody else
                _log.error("projection_visit_failed", stream=stream_name, error=str(error))
                self.kick(stream_name, delay=FIRST_BACKOFF_SECONDS)
            finally:
                with self._wake:
                    self._busy.discard(stream_name)
                    self._wake.notify_all()

    def _tenant(self, stream_name: str) -> TenantRecord | None:
        for tenant in self.ithaca.directory.all():
            if tenant.stream_name == stream_name:
                return tenant
        return None

    def _leases_for(self, tenant: TenantRecord) -> Leases:
        """One lease connection per location for the worker's life."""
        leases = self._leases.get(tenant.location)
        if leases is None:
            storage = self.ithaca.locations[tenant.location]
            leases = self._leases.setdefault(
                tenant.location, leases_for(storage, "ithaca:projections"))
        return leases

    def serve(self, tenant: TenantRecord) -> None:
        """Brings every projection of the tenant that is behind up to date (under its lease)."""
        model = open_read_model(self.ithaca, tenant, self.projections[0])
        stream, store = model.stream, model.store
        head = store.head(stream)
        states = {state.name: state for state in store.states()}
        leases = self._leases_for(tenant)
        for projection in self.projections:
            state = states.get(projection.name)
            if state is not None and state.position >= head and \
                    state.version == projection.version:
                continue
            key = (tenant.stream_name, projection.name)
            if self._retry_at.get(key, 0.0) > time.monotonic():
                continue
            if not leases.try_acquire(*key):
                self.counters.lease_busy += 1
                self.kick(tenant.stream_name, delay=LEASE_BUSY_RETRY_SECONDS)
                continue
            try:
                self._catch_up(tenant, projection, state is not None and
                               state.version != projection.version)
            finally:
                leases.release(*key)
        self._seal(tenant, stream, head, leases)

    def _seal(self, tenant: TenantRecord, stream: EventStream, head: int,
              leases: Leases) -> None:
        """Chains the tenant's events appended since the last visit and signs the checkpoints
        due (an idle tenant costs one small query)."""
        key = (tenant.stream_name, SEALER_LEASE)
        if self._retry_at.get(key, 0.0) > time.monotonic():
            return
        if not leases.try_acquire(*key):
            self.counters.lease_busy += 1
            self.kick(tenant.stream_name, delay=LEASE_BUSY_RETRY_SECONDS)
            return
        settings = self.ithaca.settings
        try:
            signing_key = self._signing_keys.get(tenant.stream_name)
            if signing_key is None:
                signing_key = self._signing_keys[tenant.stream_name] = \
                    self.ithaca.signing_keys.for_tenant(tenant.id)
            self.counters.sealed += seal_stream(
                stream, signing_key, checkpoint_every=settings.checkpoint_events,
                checkpoint_seconds=settings.checkpoint_seconds, head=head,
            )
        except ChainBrokenError as error:
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            delay = min(FIRST_BACKOFF_SECONDS * 2 ** (failures - 1), LONGEST_BACKOFF_SECONDS)
            self._retry_at[key] = time.monotonic() + delay
            _log.error("chain_sealing_refused", stream=tenant.stream_name, problem=str(error))
            return
        finally:
            leases.release(*key)
        self._failures.pop(key, None)
        self._retry_at.pop(key, None)

    def _catch_up(self, tenant: TenantRecord, projection: Projection, outdated: bool) -> None:
        key = (tenant.stream_name, projection.name)
        try:
            if outdated:
                rebuild_under_lease(self.ithaca, tenant, projection)
            projector = projector_for(self.ithaca, tenant, projection)
            projector.batch_size = self.batch_size
            result = projector.catch_up()
        except ProjectionFailedError:
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            self.counters.failures += 1
            delay = min(FIRST_BACKOFF_SECONDS * 2 ** (failures - 1), LONGEST_BACKOFF_SECONDS)
            self._retry_at[key] = time.monotonic() + delay
            self.kick(tenant.stream_name, delay=delay)
            return
        self._failures.pop(key, None)
        self._retry_at.pop(key, None)
        self.counters.batches += result.batches
        self.counters.events += result.events
        self.counters.superseded += projector.superseded
        done = self.counters.by_projection
        done[key] = done.get(key, 0) + result.batches
