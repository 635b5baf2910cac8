"""`Scheduler`: turns tenants' events into due work, exactly once, and carries it out when due.

For one tenant, `run_once` does two things:

* queue: reads the tenant's stream after the scheduler's tracking position (only the topics
  sources care about), derives work from the events, and writes the new rows and the new
  position in one transaction (see `due_work`): an event's work is queued once, however often
  this runs, in however many processes, and a replay or rebuild of read models never touches it;
* carry out: claims the work that is due (under a lease) and hands each piece to its source,
  then what it answers to the `Teller` (the deliverer). A channel that is down is
  retried with exponential backoff (30 s doubling up to an hour) until `mail_max_attempts`;
  quiet hours defer without counting an attempt; work no longer needed is dropped.

What fell due while nothing ran is carried out on the next run. The web app runs one scheduler
thread per process (`start`/`stop` in its lifespan), and `ithaca projections run` one beside
the projections: this process's appends `kick` their tenant, served at once; it wakes when a
tenant's earliest pending work falls due; a sweep of every tenant every `mail_sweep_seconds`
(and at start) does the rest (work queued by other processes). One thread, one tenant at a
time, bounded batches: it never competes with requests for more than one connection.

A crash between a channel accepting a notification and its delivery being recorded sends it
again on that channel when the lease ends: at most one duplicate per crash, nothing lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication, listen_to_appends
from infra.logging import get_logger
from infra.scheduling.beside import Writes
from infra.scheduling.due_work import DueWorkTable, WorkStatus
from infra.scheduling.work import (
    ClaimedWork,
    DeliveryPostponedError,
    DueWork,
    DueWorkSource,
    QuietHoursError,
    Teller,
    WorkContext,
)
from infra.settings import Settings
from tenants.directory import TenantRecord

__all__ = ["Scheduler", "backoff"]

READ_BATCH = 500
CARRY_OUT_BATCH = 50
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)

_log = get_logger("ithaca.scheduler")


INVOLVES = "involves"
"""The payload entry naming the ids the event that asked for the work carries."""


def _ids_in(event: DomainEventProtocol[UUID]) -> set[str]:
    ids: set[str] = set()
    for value in vars(event).values():
        values = value if isinstance(value, list | tuple | set | frozenset) else (value,)
        ids.update(str(item) for item in values if isinstance(item, UUID))
    return ids


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


class _SchedulerReader(StreamApplication):
    """Reads and decodes a tenant's events for the scheduler."""

    name = "mailer"


class Scheduler:
    def __init__(
        self, ithaca: Ithaca, open_teller: Callable[[Settings], AbstractContextManager[Teller]],
        settings: Settings | None = None, sources: Sequence[DueWorkSource] | None = None,
    ) -> None:
        """`open_teller` gives what tells members for one batch of work (the composition root
        passes `infra.delivery.deliverer.open_deliverer`)."""
        self.ithaca = ithaca
        self.settings = settings or ithaca.settings
        self.sources = list(
            sources if sources is not None
            else [source for feature in ithaca.features for source in feature.due_work])
        self._topics = sorted({topic for source in self.sources for topic in source.topics})
        self._by_kind = {kind: source for source in self.sources for kind in source.kinds}
        self.open_teller = open_teller
        self.clock = ithaca.clock
        self._running = threading.Lock()
        self._wake = threading.Condition()
        self._kicked: set[str] = set()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._stop_listening: Callable[[], None] = lambda: None
        self._next_due: dict[str, datetime] = {}
        """Per tenant, when its earliest pending work falls due: the thread wakes for it."""

    def _appended(self, stream_name: str) -> None:
        """This process appended to a stream: its tenant may have new work."""
        for tenant in self.ithaca.directory.all():
            if tenant.stream_name == stream_name:
                self.kick(tenant.slug)

    # Driving it -----------------------------------------------------------------------------

    def run_once(self, slugs: Iterable[str] | None = None) -> int:
        """Queues and carries out the due work of these tenants (default: every tenant);
        returns how many pieces were carried out. A tenant that fails is logged and skipped."""
        with self._running:
            if slugs is None:
                tenants = self.ithaca.directory.all()
            else:
                found = (self.ithaca.directory.by_slug(slug) for slug in set(slugs))
                tenants = [tenant for tenant in found if tenant is not None]
            done = 0
            for tenant in tenants:
                with self._wake:  # set again by a visit that succeeds: no retrying in a loop
                    self._next_due.pop(tenant.slug, None)
                if tenant.suspended:
                    continue  # its members cannot use the links; the work waits
                try:
                    self.queue(tenant)
                    done += self.carry_out(tenant)
                except Exception:
                    _log.exception("scheduler_run_failed", tenant=tenant.slug)
            return done

    def kick(self, slug: str) -> None:
        """Asks the scheduler thread to serve this tenant now (a command just asked for work)."""
        with self._wake:
            self._kicked.add(slug)
            self._wake.notify()

    def start(self) -> None:
        with self._wake:
            if self._thread is not None:
                return
            self._stop_listening = listen_to_appends(self._appended)
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="ithaca-scheduler",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop_listening()
        with self._wake:
            self._stopping = True
            self._wake.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=self.settings.mail_timeout + 5)

    def table(self, tenant: TenantRecord) -> DueWorkTable:
        return DueWorkTable(self._reader(tenant).stream)

    # The two steps --------------------------------------------------------------------------

    def queue(self, tenant: TenantRecord) -> int:
        """Derives work from the tenant's events since the last time; returns how many."""
        reader = self._reader(tenant)
        table = DueWorkTable(reader.stream)
        position, stop = table.position(), reader.position
        queued = 0
        while position < stop:
            notifications = reader.recorder.select_notifications(
                position, READ_BATCH, stop=stop, topics=self._topics, inclusive_of_start=False
            )
            works: list[DueWork] = []
            for notification in notifications:
                event = reader.mapper.to_domain_event(notification)
                works.extend(self._derive(event, notification.id))
            reached = notifications[-1].id if len(notifications) == READ_BATCH else stop
            table.queue(works, reached, self.clock())
            queued += len(works)
            position = reached
        return queued

    def backfill(self, tenant: TenantRecord) -> int:
        """Queues what events older than the scheduler still ask for: every action (a request's
        expiry, a follow-up schedule) and the notifications that are not yet due (a reminder
        of a meeting booked before, a nudge still ahead). A release that had no such work
        derived nothing from them; what was due before now is old news and is not sent. Work
        already queued is not queued twice. Answers how many pieces it found (queued now or
        before)."""
        reader = self._reader(tenant)
        table = DueWorkTable(reader.stream)
        now = self.clock()
        position, stop = 0, table.position()
        found = 0
        while self._topics and position < stop:
            notifications = reader.recorder.select_notifications(
                position, READ_BATCH, stop=stop, topics=self._topics, inclusive_of_start=False)
            works = [
                work for notification in notifications
                for work in self._derive(reader.mapper.to_domain_event(notification),
                                         notification.id)
                if self._by_kind[work.kind].kinds[work.kind] is None
                or (work.due_at is not None and work.due_at > now)
            ]
            table.add(works, now)
            found += len(works)
            position = notifications[-1].id if len(notifications) == READ_BATCH else stop
        return found

    def carry_out(self, tenant: TenantRecord) -> int:
        """Carries out the tenant's work that is due; returns how many pieces were done."""
        table = self.table(tenant)
        done = 0
        with self.open_teller(self.settings) as teller:
            while True:
                now = self.clock()
                lease = timedelta(seconds=self.settings.work_lease_seconds)
                due = table.claim(now, now + lease, CARRY_OUT_BATCH)
                context = WorkContext(self.ithaca, tenant, self.settings, now)
                for work in due:
                    done += self._carry_out(work, context, table, teller)
                if len(due) < CARRY_OUT_BATCH:
                    break
        next_due = table.next_due()
        if next_due is not None:
            with self._wake:
                self._next_due[tenant.slug] = next_due
        return done

    # ----------------------------------------------------------------------------------------

    def _reader(self, tenant: TenantRecord) -> _SchedulerReader:
        return self.ithaca.tenant_application(tenant, _SchedulerReader)

    def _derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        works = [work for source in self.sources for work in source.derive(event, notification_id)]
        if not works:
            return works
        # Whoever the event involves may be named in the words: erasing them must find the
        # copies kept of those words (the centre's lines, a digest's).
        involves = " ".join(sorted(_ids_in(event)))
        return [msgspec.structs.replace(work, payload={**work.payload, INVOLVES: involves})
                for work in works]

    def _carry_out(
        self, work: ClaimedWork, context: WorkContext, table: DueWorkTable, teller: Teller
    ) -> int:
        where = {"tenant": context.tenant.slug, "kind": work.kind, "member": str(work.member_id),
                 "attempt": work.attempts}
        writes = Writes()  # what the teller records, committed with the work's new state
        try:
            told = self._tell(work, context, teller, writes)
        except QuietHoursError as deferred:
            table.defer(work, deferred.until, writes)
            _log.info("work_deferred", until=deferred.until.isoformat(), **where)
            return 0
        except DeliveryPostponedError as error:
            problem = str(error)[:500]
            if work.attempts >= self.settings.mail_max_attempts:
                table.settle(work, WorkStatus.FAILED, context.now, problem, writes)
                _log.error("work_failed", error=problem, **where)
            else:
                retry_at = context.now + backoff(work.attempts)
                table.retry_at(work, retry_at, problem, writes)
                _log.warning("work_retry_later", error=problem, retry_at=retry_at.isoformat(),
                             **where)
            return 0
        table.settle(work, WorkStatus.DONE if told else WorkStatus.DROPPED, self.clock(),
                     writes=writes)
        _log.info("work_done" if told else "work_dropped", **where)
        return 1 if told else 0

    def _tell(
        self, work: ClaimedWork, context: WorkContext, teller: Teller, writes: Writes
    ) -> bool:
        """Carries the work out; answers whether it did anything (False: dropped)."""
        if work.kind in teller.own_kinds:
            return teller.carry_out_own(work, context, writes)
        source = self._by_kind.get(work.kind)
        if source is None:
            _log.error("work_kind_unknown", tenant=context.tenant.slug, kind=work.kind)
            return False
        category = source.kinds[work.kind]
        notification = source.carry_out(work, context)
        if category is None:  # an action: it recorded what it had to
            return True
        if notification is None:
            return False
        return teller.deliver(work, category, notification, context, writes)

    def _seconds_to_next_due(self) -> float:
        """Until the earliest pending work of any tenant falls due (called holding `_wake`)."""
        if not self._next_due:
            return float("inf")
        return (min(self._next_due.values()) - self.clock()).total_seconds()

    def _fallen_due(self) -> set[str]:
        now = self.clock()
        return {slug for slug, at in self._next_due.items() if at <= now}

    def _run(self) -> None:
        next_sweep = 0.0  # at start: work that fell due while nothing ran goes at once
        while True:
            with self._wake:
                while (not self._stopping and not self._kicked
                       and time.monotonic() < next_sweep and self._seconds_to_next_due() > 0):
                    self._wake.wait(min(next_sweep - time.monotonic(),
                                        self._seconds_to_next_due()))
                if self._stopping:
                    return
                kicked, self._kicked = self._kicked | self._fallen_due(), set()
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.settings.mail_sweep_seconds
                    self.run_once()
                else:
                    self.run_once(kicked)
            except Exception:  # e.g. the platform database is down: try again next round
                _log.exception("scheduler_failed")
