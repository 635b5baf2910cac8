"""What the match index reads from the read model: the rows that changed beyond its position, and
at query time who may not be matched with a member (blocked either way, or already asked or
mentoring)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.matching.projection import BLOCKS, RELATIONSHIPS
from projections.store import ReadModelStore
from projections.tables import Row, Table
from services.mentoring.values import CURRENT, RelationshipStatus

__all__ = ["blocked_for", "changed_rows", "excluded_for"]

_REFRESH_PAGE = 1000
_OPEN_OR_CURRENT = (str(RelationshipStatus.REQUESTED), *sorted(str(s) for s in CURRENT))


def excluded_for(store: ReadModelStore, member_id: UUID, *, mentee: bool) -> list[UUID]:
    """The members this one may not be matched with again: blocked either way, or already
    asked or mentoring (an open request or a current relationship); one query."""
    mine, theirs = ("mentee_id", "mentor_id") if mentee else ("mentor_id", "mentee_id")
    marks = ", ".join("%s" for _ in _OPEN_OR_CURRENT)
    found = store.select(
        f"SELECT {theirs} FROM {{r}} WHERE {mine} = %s AND status IN ({marks})"
        " UNION ALL SELECT member_b FROM {b} WHERE member_a = %s AND in_force"
        " UNION ALL SELECT member_a FROM {b} WHERE member_b = %s AND in_force",
        [member_id, *_OPEN_OR_CURRENT, member_id, member_id],
        r=RELATIONSHIPS.name, b=BLOCKS.name)
    return _uuids(found)


def blocked_for(store: ReadModelStore, member_id: UUID) -> list[UUID]:
    """The members blocked by this one or blocking them."""
    found = store.select(
        "SELECT member_b FROM {b} WHERE member_a = %s AND in_force"
        " UNION ALL SELECT member_a FROM {b} WHERE member_b = %s AND in_force",
        [member_id, member_id], b=BLOCKS.name)
    return _uuids(found)


def _uuids(found: list[tuple[Any, ...]]) -> list[UUID]:
    return [value if isinstance(value, UUID) else UUID(value) for value, *_ in found]


def changed_rows(store: ReadModelStore, table: Table, since: int) -> list[Row]:
    """Every row (since < 0), or the rows beyond `since`, a page at a time in position
    order: a range that small must be read through the position index, and `ORDER BY ...
    LIMIT` keeps the planner on it even before it has statistics for the table."""
    if since < 0:
        return store.rows(table)
    found: list[Row] = []
    while True:
        page = store.rows(table, where="position > %s", params=[since],
                          order_by="position", limit=_REFRESH_PAGE)
        found += page
        if len(page) < _REFRESH_PAGE:
            return found
        since = page[-1]["position"]
        # One event may have changed several rows: the rest of this position's rows.
        found += store.rows(table, where="position = %s", params=[since])
