"""Reading the audit trail: the filters, checked, and one page of entries, newest first.

The tenant's entries come from the `audit_trail` read model a page at a time (`before`: the
position of the last entry of the previous page). The tenant's platform-stream actions (a
handful, `platform.platform_actions`) are merged in by time: a page shows those that happened
between its oldest entry and the previous page's oldest (the last page: all older ones too), so
each shows up exactly once while paging and a page may hold a few more than `limit` entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from projections.audit_trail.platform import PLATFORM_ACTIONS
from projections.audit_trail.projection import ACTIONS, ENTRIES, READ_ACTION, EntryKind, action_name
from projections.store import ReadModelStore
from projections.tables import Row
from services.errors import InvalidInputError

__all__ = ["DEFAULT_LIMIT", "KNOWN_ACTIONS", "MAX_LIMIT", "TrailFilters", "TrailPage", "read_trail"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
_TEXT_MAX = 200

KNOWN_ACTIONS = tuple(sorted(
    {action_name(kind) for kind in (*ACTIONS, *PLATFORM_ACTIONS)} | {READ_ACTION}
))
"""Every action the trail can show, as the `action` filter takes them."""


@dataclass(frozen=True)
class TrailFilters:
    """What to list; every field optional. `since` is inclusive, `until` exclusive."""

    actor_kind: str | None = None
    actor_id: str | None = None
    kind: EntryKind | None = None
    action: str | None = None
    subject: UUID | None = None
    correlation_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = DEFAULT_LIMIT
    before: int | None = None

    @classmethod
    def parse(cls, given: Mapping[str, str | None]) -> TrailFilters:
        """The filters as a query string gives them (`actor`, `kind`, `action`, `subject`,
        `correlationId`, `from`, `to`, `limit`, `before`; blank means not given); a bad one is
        a 422 naming it."""
        values = {name: value.strip() for name, value in given.items()
                  if value is not None and value.strip()}
        actor_kind = actor_id = None
        if "actor" in values:
            actor_kind, _, actor_id = values["actor"].partition(":")
            if not actor_kind or not actor_id or len(values["actor"]) > _TEXT_MAX:
                raise InvalidInputError(
                    "name the actor as kind:id, e.g. member:<id>, operator:<name> or cli:<user>",
                    field="actor")
        kind = None
        if "kind" in values:
            try:
                kind = EntryKind(values["kind"])
            except ValueError:
                raise InvalidInputError("must be action or read", field="kind") from None
        action = values.get("action")
        if action is not None and action not in KNOWN_ACTIONS:
            raise InvalidInputError("unknown action '%(action)s'; known: %(known)s",
                                    field="action",
                                    values={"action": action, "known": ", ".join(KNOWN_ACTIONS)})
        subject = None
        if "subject" in values:
            try:
                subject = UUID(values["subject"])
            except ValueError:
                raise InvalidInputError("must be a record's id (a UUID)", field="subject") from None
        correlation_id = values.get("correlationId")
        if correlation_id is not None and len(correlation_id) > _TEXT_MAX:
            raise InvalidInputError("must be at most %(most)s characters", field="correlationId",
                                    values={"most": _TEXT_MAX})
        since = _moment(values.get("from"), "from", end_of_day=False)
        until = _moment(values.get("to"), "to", end_of_day=True)
        if since is not None and until is not None and until <= since:
            raise InvalidInputError("must be after from", field="to")
        return cls(
            actor_kind=actor_kind, actor_id=actor_id, kind=kind, action=action, subject=subject,
            correlation_id=correlation_id, since=since, until=until,
            limit=_whole(values.get("limit"), "limit", 1, MAX_LIMIT) or DEFAULT_LIMIT,
            before=_whole(values.get("before"), "before", 1, None),
        )

    def where(self) -> tuple[list[str], list[Any]]:
        """SQL conditions (and their parameters) on `audit_trail_entries`."""
        conditions: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("actor_kind", self.actor_kind), ("actor_id", self.actor_id),
            ("kind", self.kind.value if self.kind else None), ("action", self.action),
            ("subject_id", self.subject), ("correlation_id", self.correlation_id),
        ):
            if value is not None:
                conditions.append(f"{column} = %s")
                params.append(value)
        if self.since is not None:
            conditions.append("at >= %s")
            params.append(self.since)
        if self.until is not None:
            conditions.append("at < %s")
            params.append(self.until)
        return conditions, params

    def admits(self, row: Row) -> bool:
        """Whether a row (a platform action, which has no table to query) passes the filters."""
        return (
            (self.actor_kind is None or row["actor_kind"] == self.actor_kind)
            and (self.actor_id is None or row["actor_id"] == self.actor_id)
            and (self.kind is None or row["kind"] == self.kind.value)
            and (self.action is None or row["action"] == self.action)
            and (self.subject is None or row["subject_id"] == self.subject)
            and (self.correlation_id is None or row["correlation_id"] == self.correlation_id)
            and (self.since is None or row["at"] >= self.since)
            and (self.until is None or row["at"] < self.until)
        )


def _moment(value: str | None, field: str, *, end_of_day: bool) -> datetime | None:
    """An ISO date or date-time; a date means its start (`from`) or its end (`to`, so that
    `to=2026-06-30` includes that day); a time without an offset is UTC."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time(), tzinfo=UTC)
            return moment + timedelta(days=1) if end_of_day else moment
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            "'%(value)s' is not an ISO date or date-time (2026-06-30 or 2026-06-30T12:00Z)",
            field=field, values={"value": value}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _whole(value: str | None, field: str, least: int, most: int | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        number = least - 1
    if number < least or (most is not None and number > most):
        if most is None:
            raise InvalidInputError("must be a whole number from %(least)s", field=field,
                                    values={"least": least})
        raise InvalidInputError("must be a whole number from %(least)s to %(most)s",
                                field=field, values={"least": least, "most": most})
    return number


@dataclass(frozen=True)
class TrailPage:
    entries: list[Row]
    """Newest first; platform actions have `position` None."""
    next_before: int | None
    """The `before` of the next page, None on the last."""
    position: int
    """The position the read model had reached."""


def read_trail(
    store: ReadModelStore, position: int, filters: TrailFilters,
    platform: Sequence[Row],
) -> TrailPage:
    """One page of the trail (see the module docstring for how platform actions are merged)."""
    conditions, params = filters.where()
    if filters.before is not None:
        conditions.append("position < %s")
        params.append(filters.before)
    rows = store.rows(ENTRIES, " AND ".join(conditions), params, order_by="position DESC",
                      limit=filters.limit + 1)
    more = len(rows) > filters.limit
    page = rows[:filters.limit]
    newest: datetime | None = None
    if filters.before is not None:
        anchor = store.rows(ENTRIES, "position <= %s", [filters.before],
                            order_by="position DESC", limit=1)
        # No entry at or before the cursor: everything older was on earlier pages.
        newest = anchor[0]["at"] if anchor else datetime.min.replace(tzinfo=UTC)
    oldest = page[-1]["at"] if more else None
    merged = page + [
        row for row in platform
        if filters.admits(row) and (newest is None or row["at"] <= newest)
        and (oldest is None or row["at"] > oldest)
    ]
    merged.sort(key=lambda row: (row["at"], row["position"] or 0), reverse=True)
    return TrailPage(entries=merged, next_before=page[-1]["position"] if more else None,
                     position=position)
