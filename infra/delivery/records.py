"""What the platform told whom: one row per piece of work and channel (`deliveries`), and the
notification centre's lines (`notification_centre`), beside the tenant's stream.

A delivery is recorded after its channel accepted it; a crash in between sends it again when
the work's lease ends (at most one duplicate per crash), and a channel already recorded for a
piece of work is never used for it again. Rows held for a digest keep the line and link the
digest will list (`detail`); erasure clears those and deletes the member's centre lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from infra.eventstore.streams import EventStream
from infra.scheduling.beside import BesideStream, Writes, instant, member_id
from services.notifications.values import Category, Channel

if TYPE_CHECKING:  # the records are read by the write side's data download, which must not
    # reach the composition root that work's context names
    from infra.scheduling.work import DueWork

__all__ = ["CentreLine", "Delivery", "DeliveryRecords", "HeldLine", "NotificationCentre", "Outcome"]

_KEY = "notification_id = %s AND kind = %s AND member_id = %s"


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    REFUSED = "refused"
    """The address or number was refused for good."""
    HELD_BACK = "held_back"
    """Not sent: the address refused mail before and was not confirmed since."""
    OFF = "off"
    """The member turned this category off on this channel."""
    NO_NUMBER = "no_number"
    HELD = "held"
    """Kept for the member's next digest."""
    DIGESTED = "digested"
    CAPPED = "capped"
    """A nudge over the weekly limit."""


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    notification_id: int
    kind: str
    member_id: UUID
    channel: Channel
    category: Category
    outcome: Outcome
    at: datetime


class HeldLine(msgspec.Struct, frozen=True, kw_only=True):
    notification_id: int
    kind: str
    category: Category
    line: str
    link: str
    at: datetime


class CentreLine(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    """`<position>-<kind>`: names the line in the centre (the member is the reader)."""
    kind: str
    category: Category
    line: str
    link: str
    created_at: datetime
    read: bool


def _key(work: DueWork) -> tuple[int, str, UUID]:
    return (work.notification_id, work.kind, work.member_id)


class DeliveryRecords:
    def __init__(self, stream: EventStream) -> None:
        self.tables = BesideStream(stream)

    def recorded(self, work: DueWork) -> dict[Channel, Outcome]:
        rows = self.tables.run(
            f"SELECT channel, outcome FROM {{schema}}.deliveries WHERE {_KEY}", _key(work))
        return {Channel(row[0]): Outcome(row[1]) for row in rows}

    @staticmethod
    def record(
        into: Writes, work: DueWork, channel: Channel, category: Category, outcome: Outcome,
        at: datetime, held: tuple[str, str, str] | None = None, about: str = "",
    ) -> None:
        """Kept `into` the writes committed when the work settles. `held`: the line, link and
        digest frequency of a notification held for a digest; `about`: the ids of the members
        its words speak of."""
        detail = ""
        if held is not None:
            line, link, frequency = held
            detail = msgspec.json.encode(
                {"line": line, "link": link, "frequency": frequency, "about": about}).decode()
        into.add(
            "INSERT INTO {schema}.deliveries (notification_id, kind, member_id, channel,"
            " category, outcome, at, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (notification_id, kind, member_id, channel) DO UPDATE"
            " SET outcome = excluded.outcome, at = excluded.at, detail = excluded.detail",
            (*_key(work), str(channel), str(category), str(outcome), at, detail),
        )

    def held_for(self, member: UUID, frequency: str) -> list[HeldLine]:
        rows = self.tables.run(
            "SELECT notification_id, kind, category, detail, at FROM {schema}.deliveries"
            " WHERE member_id = %s AND outcome = 'held' ORDER BY at, notification_id",
            (member,))
        lines = []
        for row in rows:
            detail = msgspec.json.decode(row[3] or "{}", type=dict[str, str])
            if detail.get("frequency") != frequency:
                continue
            lines.append(HeldLine(
                notification_id=int(row[0]), kind=row[1], category=Category(row[2]),
                line=detail.get("line", ""), link=detail.get("link", ""), at=instant(row[4])))
        return lines

    @staticmethod
    def mark_digested(
        into: Writes, member: UUID, lines: Sequence[HeldLine], at: datetime
    ) -> None:
        into.add_many(
            "UPDATE {schema}.deliveries SET outcome = 'digested', at = %s, detail = ''"
            " WHERE notification_id = %s AND kind = %s AND member_id = %s AND channel = %s",
            [(at, line.notification_id, line.kind, member, str(Channel.EMAIL)) for line in lines],
        )

    def sent_since(self, member: UUID, category: Category, since: datetime) -> int:
        """How many pieces of work of the category reached the member on any channel since."""
        rows = self.tables.run(
            "SELECT count(DISTINCT notification_id) FROM {schema}.deliveries"
            " WHERE member_id = %s AND category = %s AND outcome = 'sent' AND at >= %s",
            (member, str(category), since))
        return int(rows[0][0])

    def of_member(self, member: UUID, limit: int = 200) -> list[Delivery]:
        rows = self.tables.run(
            "SELECT notification_id, kind, member_id, channel, category, outcome, at"
            " FROM {schema}.deliveries WHERE member_id = %s ORDER BY at DESC LIMIT %s",
            (member, limit))
        return [_delivery(row) for row in rows]

    def recent(self, limit: int = 200) -> list[Delivery]:
        rows = self.tables.run(
            "SELECT notification_id, kind, member_id, channel, category, outcome, at"
            " FROM {schema}.deliveries ORDER BY at DESC, notification_id DESC LIMIT %s",
            (limit,))
        return [_delivery(row) for row in rows]

    def counts(self) -> dict[tuple[Channel, Outcome], int]:
        rows = self.tables.run(
            "SELECT channel, outcome, count(*) FROM {schema}.deliveries GROUP BY channel, outcome")
        return {(Channel(row[0]), Outcome(row[1])): int(row[2]) for row in rows}

    def forget(self, member: UUID) -> int:
        """The held lines the erased member got, or that speak of them, are cleared (what was
        told whom stays: kinds, times and outcomes say nothing about the person)."""
        with self.tables.transaction() as statements:
            statements.run(
                "UPDATE {schema}.deliveries SET detail = '' WHERE detail <> ''"
                " AND (member_id = %s OR detail LIKE %s)", (member, f"%{member}%"))
            return statements.changed()


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(
        notification_id=int(row[0]), kind=row[1], member_id=member_id(row[2]),
        channel=Channel(row[3]), category=Category(row[4]), outcome=Outcome(row[5]),
        at=instant(row[6]),
    )


class NotificationCentre:
    """The in-app notifications: a line and a link each, read or not."""

    def __init__(self, stream: EventStream) -> None:
        self.tables = BesideStream(stream)

    @staticmethod
    def add(
        into: Writes, work: DueWork, category: Category, line: str, link: str, at: datetime,
        about: str = "",
    ) -> None:
        """Kept `into` the writes committed when the work settles. `about`: the ids of the
        members the line speaks of (erasing one deletes it)."""
        into.add(
            "INSERT INTO {schema}.notification_centre (notification_id, kind, member_id,"
            " category, line, link, about, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (*_key(work), str(category), line, link, about, at),
        )

    def unread(self, member: UUID) -> int:
        rows = self.tables.run(
            "SELECT count(*) FROM {schema}.notification_centre"
            " WHERE member_id = %s AND read_at IS NULL", (member,))
        return int(rows[0][0])

    def lines(self, member: UUID, limit: int = 50, offset: int = 0) -> list[CentreLine]:
        rows = self.tables.run(
            "SELECT notification_id, kind, category, line, link, created_at, read_at"
            " FROM {schema}.notification_centre WHERE member_id = %s"
            " ORDER BY created_at DESC, notification_id DESC LIMIT %s OFFSET %s",
            (member, limit, offset))
        return [
            CentreLine(key=f"{row[0]}-{row[1]}", kind=row[1], category=Category(row[2]),
                       line=row[3], link=row[4], created_at=instant(row[5]),
                       read=row[6] is not None)
            for row in rows
        ]

    def mark_read(self, member: UUID, keys: Sequence[str], at: datetime) -> int:
        """Marks these lines (all of the member's when `keys` is empty) read; answers how many
        changed. Keys that are not the member's change nothing."""
        with self.tables.transaction() as statements:
            if not keys:
                statements.run(
                    "UPDATE {schema}.notification_centre SET read_at = %s"
                    " WHERE member_id = %s AND read_at IS NULL", (at, member))
                return statements.changed()
            changed = 0
            for key in keys:
                position, _, kind = key.partition("-")
                statements.run(
                    f"UPDATE {{schema}}.notification_centre SET read_at = %s WHERE {_KEY}"
                    " AND read_at IS NULL", (at, int(position), kind, member))
                changed += statements.changed()
            return changed

    def forget(self, member: UUID) -> int:
        with self.tables.transaction() as statements:
            statements.run(
                "DELETE FROM {schema}.notification_centre WHERE member_id = %s OR about LIKE %s",
                (member, f"%{member}%"))
            return statements.changed()
