"""A stream's due work, on PostgreSQL or SQLite: what is pending, claimed, done or given up.

Queueing writes the new rows and the scheduler's tracking position in one transaction, and a
row's key is (event position, kind, member): however often or concurrently work is derived from
the same events, each piece is queued once; a piece whose `batch` key is already pending is
absorbed into that one. Carrying out claims due rows with a lease (their next attempt moves to
the lease's end), so two schedulers never carry out the same work at once, and one that dies
mid-way leaves it due again when the lease ends: what was sent and not yet recorded is sent
again, once (at most one duplicate per crash; nothing is lost). Only failed attempts count
towards giving up: a crash costs the work it had claimed nothing but the lease's wait.

Rows hold ids and instants only, but an error text kept in `last_error` may quote a member's
address: `forget` clears that and drops what is still pending, when a member is erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import msgspec

from infra.eventstore.streams import EventStream
from infra.scheduling.beside import BesideStream, Writes, instant, member_id
from infra.scheduling.work import ClaimedWork, DueWork

__all__ = ["DueWorkTable", "WorkStatus"]

TRACKING_NAME = "mailer"
"""The scheduler's row in the stream's tracking table (named when it only sent mail)."""

_KEY = "notification_id = %s AND kind = %s AND member_id = %s"
_RETURNED = "notification_id, kind, member_id, payload, attempts + 1, due_at"
"""A row as claimed: its attempts so far are the failed ones, this one is the next."""


class WorkStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DROPPED = "dropped"
    """No longer needed: the request was answered, the meeting moved, the member was erased."""
    FAILED = "failed"
    """Given up after the last attempt, or refused for good."""


def _key(work: DueWork) -> tuple[int, str, UUID]:
    return (work.notification_id, work.kind, work.member_id)


_INSERT = (
    "INSERT INTO {schema}.due_work (notification_id, kind, member_id, payload, batch, due_at,"
    " next_attempt_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def _row(work: DueWork, now: datetime) -> tuple[Any, ...]:
    due_at = work.due_at or now
    return (*_key(work), msgspec.json.encode(work.payload).decode(), work.batch, due_at, due_at)


def _claimed(row: Sequence[Any]) -> ClaimedWork:
    return ClaimedWork(
        notification_id=int(row[0]), kind=row[1], member_id=member_id(row[2]),
        payload=msgspec.json.decode(row[3], type=dict[str, str]), attempts=int(row[4]),
        due_at=instant(row[5]),
    )


class DueWorkTable:
    def __init__(self, stream: EventStream) -> None:
        self.tables = BesideStream(stream)

    def position(self) -> int:
        rows = self.tables.run(
            "SELECT notification_id FROM {schema}.tracking WHERE application_name = %s",
            (TRACKING_NAME,))
        return int(rows[0][0]) if rows else 0

    def queue(self, works: Sequence[DueWork], position: int, now: datetime) -> None:
        """Adds the work (what is not there yet) and moves the position, in one transaction."""
        with self.tables.transaction() as statements:
            statements.run_many(_INSERT, [_row(work, now) for work in works])
            statements.run(
                "INSERT INTO {schema}.tracking (application_name, notification_id)"
                " VALUES (%s, %s) ON CONFLICT (application_name) DO UPDATE SET notification_id ="
                " CASE WHEN excluded.notification_id > tracking.notification_id"
                " THEN excluded.notification_id ELSE tracking.notification_id END",
                (TRACKING_NAME, position),
            )

    def add(self, works: Sequence[DueWork], now: datetime, writes: Writes | None = None) -> None:
        """Adds work decided while carrying out other work (a digest), not derived from events;
        with `writes`, kept there (committed with the work that decided it)."""
        kept = Writes() if writes is None else writes
        kept.add_many(_INSERT, [_row(work, now) for work in works])
        if writes is None:
            self.tables.commit(kept)

    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[ClaimedWork]:
        """Pending work due by `now`, leased to the caller until `lease_until`."""
        locking = " FOR UPDATE SKIP LOCKED" if self.tables.on_postgres else ""
        rows = self.tables.run(
            "UPDATE {schema}.due_work SET next_attempt_at = %s"
            " WHERE (notification_id, kind, member_id) IN (SELECT notification_id, kind,"
            " member_id FROM {schema}.due_work WHERE status = 'pending' AND next_attempt_at <= %s"
            f" ORDER BY next_attempt_at LIMIT %s{locking})"
            f" RETURNING {_RETURNED}",
            (lease_until, now, limit),
        )
        return sorted((_claimed(row) for row in rows), key=lambda work: work.notification_id)

    def settle(
        self, work: DueWork, status: WorkStatus, now: datetime, error: str = "",
        writes: Writes | None = None,
    ) -> None:
        """Done, dropped or failed for good. Each of these three commits `writes` (what carrying
        the work out recorded) in the same transaction."""
        self._commit(writes, "UPDATE {schema}.due_work SET status = %s, settled_at = %s,"
                     f" last_error = %s WHERE {_KEY}", (str(status), now, error, *_key(work)))

    def retry_at(
        self, work: DueWork, at: datetime, error: str, writes: Writes | None = None
    ) -> None:
        """The attempt failed: counted, and tried again at `at`."""
        self._commit(writes, "UPDATE {schema}.due_work SET next_attempt_at = %s,"
                     f" last_error = %s, attempts = attempts + 1 WHERE {_KEY}",
                     (at, error, *_key(work)))

    def defer(self, work: DueWork, until: datetime, writes: Writes | None = None) -> None:
        """Not now (quiet hours): due again at `until`."""
        self._commit(writes, f"UPDATE {{schema}}.due_work SET next_attempt_at = %s WHERE {_KEY}",
                     (until, *_key(work)))

    def _commit(self, writes: Writes | None, statement: str, parameters: Sequence[Any]) -> None:
        self.tables.commit((Writes() if writes is None else writes).followed_by(
            statement, parameters))

    def next_due(self) -> datetime | None:
        """When the earliest pending work falls due (or is tried again), if any is pending."""
        rows = self.tables.run(
            "SELECT min(next_attempt_at) FROM {schema}.due_work WHERE status = 'pending'")
        return instant(rows[0][0]) if rows and rows[0][0] is not None else None

    def statuses(self) -> dict[tuple[str, WorkStatus], int]:
        """How many pieces of each kind are in each status."""
        rows = self.tables.run(
            "SELECT kind, status, count(*) FROM {schema}.due_work GROUP BY kind, status")
        return {(row[0], WorkStatus(row[1])): int(row[2]) for row in rows}

    def pending_for(self, member: UUID) -> list[ClaimedWork]:
        rows = self.tables.run(
            f"SELECT {_RETURNED} FROM {{schema}}.due_work"
            " WHERE member_id = %s AND status = 'pending' ORDER BY next_attempt_at",
            (member,))
        return [_claimed(row) for row in rows]

    def forget(self, member: UUID, now: datetime) -> int:
        """An erased member's work: what is pending dropped, error texts (which may quote the
        address) cleared. Answers how many rows were the member's."""
        with self.tables.transaction() as statements:
            statements.run(
                "UPDATE {schema}.due_work SET last_error = '',"
                " status = CASE WHEN status = 'pending' THEN 'dropped' ELSE status END,"
                " settled_at = CASE WHEN status = 'pending' THEN %s ELSE settled_at END"
                " WHERE member_id = %s",
                (now, member),
            )
            return statements.changed()
