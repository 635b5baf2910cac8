"""A stream's mail outbox, on PostgreSQL or SQLite: what is queued, claimed, sent or given up.

Queueing writes the new rows and the mailer's tracking position in one transaction, and a row's
key is (notification id, kind): however often or concurrently mail is derived from the same
events, each mail is queued once. Sending claims due rows with a lease (their next attempt moves
to the lease's end and their attempt count goes up), so two dispatchers never send the same mail
at once, and a dispatcher that dies mid-send leaves its mail due again when the lease ends.

Rows hold no rendered mail (it is composed when sent), but a refusal's text kept in `last_error`
may quote the recipient's address: `forget` clears that, and drops what is still pending, when a
member is erased.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.sqlite import SQLiteDatastore, SQLiteProcessRecorder
from psycopg import sql

from infra.eventstore.postgres import PostgresProcessRecorder
from infra.eventstore.postgres_server import PostgresServer
from infra.eventstore.streams import EventStream

__all__ = ["DueMail", "MailStatus", "Outbox", "QueuedMail"]

TRACKING_NAME = "mailer"
"""The mailer's row in the stream's tracking table."""


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DROPPED = "dropped"  # no longer needed (address verified, link expired, person erased)
    FAILED = "failed"  # given up after the last attempt, or refused for good by the server


class QueuedMail(msgspec.Struct, frozen=True, kw_only=True):
    """A mail an event asks for. `payload` holds what its links need; never personal data."""

    notification_id: int
    kind: str
    member_id: UUID
    payload: dict[str, str] = {}


class DueMail(QueuedMail, frozen=True, kw_only=True):
    attempts: int
    """Attempts so far, this one included."""


class Outbox(ABC):
    @staticmethod
    def of(stream: EventStream) -> Outbox:
        if isinstance(stream.events, PostgresProcessRecorder):
            return _PostgresOutbox(stream.events.server, stream.events.schema)
        if isinstance(stream.events, SQLiteProcessRecorder):
            return _SQLiteOutbox(stream.events.datastore)
        msg = f"no mail outbox for {type(stream.events).__name__}"
        raise TypeError(msg)

    @abstractmethod
    def position(self) -> int:
        """The stream position up to which mail has been derived."""

    @abstractmethod
    def queue(self, mails: Sequence[QueuedMail], position: int, now: datetime) -> None:
        """Adds the mails (those not there yet) and moves the position, in one transaction."""

    @abstractmethod
    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[DueMail]:
        """Pending mail due by `now`, leased to the caller until `lease_until`."""

    @abstractmethod
    def settle(self, mail: QueuedMail, status: MailStatus, now: datetime, error: str = "") -> None:
        """Sent, dropped or failed for good."""

    @abstractmethod
    def retry_at(self, mail: QueuedMail, at: datetime, error: str) -> None: ...

    @abstractmethod
    def statuses(self) -> dict[tuple[str, MailStatus], int]:
        """How many mails of each kind are in each status."""

    @abstractmethod
    def forget(self, member_id: UUID, now: datetime) -> int:
        """An erased member's mail: pending mail dropped, error texts (which may quote the
        address) cleared. Answers how many rows were the member's."""


def _payload(mail: QueuedMail) -> str:
    return msgspec.json.encode(mail.payload).decode()


def _due(row: Sequence[Any]) -> DueMail:
    member_id = row[2] if isinstance(row[2], UUID) else UUID(row[2])
    return DueMail(
        notification_id=row[0], kind=row[1], member_id=member_id,
        payload=msgspec.json.decode(row[3], type=dict[str, str]), attempts=row[4],
    )


class _PostgresOutbox(Outbox):
    def __init__(self, server: PostgresServer, schema: str) -> None:
        self.server, self.schema = server, schema

    def _sql(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(schema=sql.Identifier(self.schema))

    def position(self) -> int:
        with self.server.connection() as conn:
            row = conn.execute(
                self._sql("SELECT notification_id FROM {schema}.tracking"
                          " WHERE application_name = %s"),
                (TRACKING_NAME,),
            ).fetchone()
        return int(row[0]) if row else 0

    def queue(self, mails: Sequence[QueuedMail], position: int, now: datetime) -> None:
        with self.server.connection() as conn, conn.transaction():
            if mails:
                conn.cursor().executemany(
                    self._sql(
                        "INSERT INTO {schema}.mail_outbox"
                        " (notification_id, kind, member_id, payload, next_attempt_at)"
                        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
                    ),
                    [(m.notification_id, m.kind, m.member_id, _payload(m), now) for m in mails],
                )
            conn.execute(
                self._sql(
                    "INSERT INTO {schema}.tracking AS t (application_name, notification_id)"
                    " VALUES (%s, %s) ON CONFLICT (application_name) DO UPDATE"
                    " SET notification_id = greatest(t.notification_id, excluded.notification_id)"
                ),
                (TRACKING_NAME, position),
            )

    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[DueMail]:
        with self.server.connection() as conn:
            rows = conn.execute(
                self._sql(
                    "UPDATE {schema}.mail_outbox AS o"
                    " SET attempts = o.attempts + 1, next_attempt_at = %s"
                    " FROM (SELECT notification_id, kind FROM {schema}.mail_outbox"
                    "  WHERE status = 'pending' AND next_attempt_at <= %s"
                    "  ORDER BY next_attempt_at LIMIT %s FOR UPDATE SKIP LOCKED) AS due"
                    " WHERE o.notification_id = due.notification_id AND o.kind = due.kind"
                    " RETURNING o.notification_id, o.kind, o.member_id, o.payload, o.attempts"
                ),
                (lease_until, now, limit),
            ).fetchall()
        return sorted((_due(row) for row in rows), key=lambda mail: mail.notification_id)

    def settle(self, mail: QueuedMail, status: MailStatus, now: datetime, error: str = "") -> None:
        with self.server.connection() as conn:
            conn.execute(
                self._sql(
                    "UPDATE {schema}.mail_outbox SET status = %s, settled_at = %s,"
                    " last_error = %s WHERE notification_id = %s AND kind = %s"
                ),
                (str(status), now, error, mail.notification_id, mail.kind),
            )

    def retry_at(self, mail: QueuedMail, at: datetime, error: str) -> None:
        with self.server.connection() as conn:
            conn.execute(
                self._sql(
                    "UPDATE {schema}.mail_outbox SET next_attempt_at = %s, last_error = %s"
                    " WHERE notification_id = %s AND kind = %s"
                ),
                (at, error, mail.notification_id, mail.kind),
            )

    def statuses(self) -> dict[tuple[str, MailStatus], int]:
        with self.server.connection() as conn:
            rows = conn.execute(self._sql(
                "SELECT kind, status, count(*) FROM {schema}.mail_outbox GROUP BY kind, status"
            )).fetchall()
        return {(row[0], MailStatus(row[1])): int(row[2]) for row in rows}

    def forget(self, member_id: UUID, now: datetime) -> int:
        with self.server.connection() as conn:
            return conn.execute(
                self._sql(
                    "UPDATE {schema}.mail_outbox SET last_error = '',"
                    " status = CASE WHEN status = 'pending' THEN 'dropped' ELSE status END,"
                    " settled_at = CASE WHEN status = 'pending' THEN %s ELSE settled_at END"
                    " WHERE member_id = %s"
                ),
                (now, member_id),
            ).rowcount


def _micros(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1_000_000)


class _SQLiteOutbox(Outbox):
    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    def position(self) -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT notification_id FROM tracking WHERE application_name = ?",
                (TRACKING_NAME,),
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def queue(self, mails: Sequence[QueuedMail], position: int, now: datetime) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for mail in mails:
                cursor.execute(
                    "INSERT INTO mail_outbox"
                    " (notification_id, kind, member_id, payload, next_attempt_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (mail.notification_id, mail.kind, str(mail.member_id), _payload(mail),
                     _micros(now)),
                )
            cursor.execute(
                "INSERT INTO tracking (application_name, notification_id) VALUES (?, ?)"
                " ON CONFLICT (application_name) DO UPDATE"
                " SET notification_id = max(notification_id, excluded.notification_id)",
                (TRACKING_NAME, position),
            )

    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[DueMail]:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?"
                " WHERE (notification_id, kind) IN (SELECT notification_id, kind FROM mail_outbox"
                "  WHERE status = 'pending' AND next_attempt_at <= ?"
                "  ORDER BY next_attempt_at LIMIT ?)"
                " RETURNING notification_id, kind, member_id, payload, attempts",
                (_micros(lease_until), _micros(now), limit),
            )
            rows = cursor.fetchall()
        return sorted((_due(row) for row in rows), key=lambda mail: mail.notification_id)

    def settle(self, mail: QueuedMail, status: MailStatus, now: datetime, error: str = "") -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE mail_outbox SET status = ?, settled_at = ?, last_error = ?"
                " WHERE notification_id = ? AND kind = ?",
                (str(status), _micros(now), error, mail.notification_id, mail.kind),
            )

    def retry_at(self, mail: QueuedMail, at: datetime, error: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE mail_outbox SET next_attempt_at = ?, last_error = ?"
                " WHERE notification_id = ? AND kind = ?",
                (_micros(at), error, mail.notification_id, mail.kind),
            )

    def statuses(self) -> dict[tuple[str, MailStatus], int]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT kind, status, count(*) FROM mail_outbox GROUP BY kind, status"
            )
            rows = cursor.fetchall()
        return {(row[0], MailStatus(row[1])): int(row[2]) for row in rows}

    def forget(self, member_id: UUID, now: datetime) -> int:
        # The library's cursor wrapper, entered, is sqlite3's own cursor (with `rowcount`).
        with self.datastore.transaction(commit=True) as wrapper, wrapper as cursor:
            cursor.execute(
                "UPDATE mail_outbox SET last_error = '',"
                " status = CASE WHEN status = 'pending' THEN 'dropped' ELSE status END,"
                " settled_at = CASE WHEN status = 'pending' THEN ? ELSE settled_at END"
                " WHERE member_id = ?",
                (_micros(now), str(member_id)),
            )
            return int(cursor.rowcount)
