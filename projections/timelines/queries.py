"""The timelines read model's queries: a relationship's summary and a page of its timeline, a
member's relationships a page at a time. Portable SQL over `ReadModelStore`."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from projections.store import ReadModelStore
from projections.tables import Row
from projections.timelines.projection import ENTRIES, MESSAGE_WEEKS, RELATIONSHIPS

__all__ = [
    "MessageTotals",
    "TimelinePage",
    "member_relationships",
    "message_totals",
    "relationship_summary",
    "timeline_page",
]


def relationship_summary(store: ReadModelStore, relationship_id: UUID) -> Row | None:
    found = store.rows(RELATIONSHIPS, "relationship_id = %s", [relationship_id])
    return found[0] if found else None


class TimelinePage:
    """Up to `limit` steps and message weeks after `cursor`, merged in stream order."""

    def __init__(self, entries: list[Row], weeks: list[Row], limit: int) -> None:
        merged = sorted(
            [(row["position"], False, row) for row in entries]
            + [(row["first_position"], True, row) for row in weeks],
            key=lambda item: item[0],
        )
        self.has_more = len(merged) > limit
        self.items: list[tuple[bool, Row]] = [(is_week, row) for _, is_week, row in
                                              merged[:limit]]
        self.last_position = merged[min(limit, len(merged)) - 1][0] if merged else None


def timeline_page(
    store: ReadModelStore, relationship_id: UUID, cursor: int, limit: int
) -> TimelinePage:
    # Each source is cut at limit + 1: the merge needs no more, and one over says "more".
    entries = store.rows(ENTRIES, "relationship_id = %s AND position > %s",
                         [relationship_id, cursor], order_by="position", limit=limit + 1)
    weeks = store.rows(MESSAGE_WEEKS, "relationship_id = %s AND first_position > %s",
                       [relationship_id, cursor], order_by="first_position", limit=limit + 1)
    return TimelinePage(entries, weeks, limit)


def member_relationships(
    store: ReadModelStore, member_id: UUID, before: int | None, limit: int
) -> list[Row]:
    """The member's relationships on either side, newest request first; `limit + 1` rows at
    most, so the caller can tell whether there are more."""
    where = "(mentee_id = %s OR mentor_id = %s)"
    params: list[object] = [member_id, member_id]
    if before is not None:
        where += " AND requested_position < %s"
        params.append(before)
    return store.rows(RELATIONSHIPS, where, params, order_by="requested_position DESC",
                      limit=limit + 1)


class MessageTotals(NamedTuple):
    messages: int
    last_message_at: datetime


def message_totals(
    store: ReadModelStore, relationship_ids: list[UUID]
) -> dict[UUID, MessageTotals]:
    """Each relationship's message total and last message, summed from its weeks (two queries
    whatever the number of relationships); a relationship with no message has none."""
    if not relationship_ids:
        return {}
    marks = ", ".join("%s" for _ in relationship_ids)
    sums = store.select(
        "SELECT relationship_id, SUM(messages), MAX(first_position) FROM {weeks}"
        f" WHERE relationship_id IN ({marks}) GROUP BY relationship_id",
        relationship_ids, weeks=MESSAGE_WEEKS.name,
    )
    if not sums:
        return {}
    # Raw values: the id is text on SQLite, and PostgreSQL sums a bigint as numeric.
    totals = {UUID(str(found)): int(total) for found, total, _ in sums}
    latest = [int(first_position) for _, _, first_position in sums]
    last_weeks = store.rows(
        MESSAGE_WEEKS,
        f"relationship_id IN ({marks}) AND first_position IN"
        f" ({', '.join('%s' for _ in latest)})",
        [*relationship_ids, *latest],
    )
    return {
        week["relationship_id"]: MessageTotals(totals[week["relationship_id"]], week["last_at"])
        for week in last_weeks
    }
