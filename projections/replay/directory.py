"""The member directory of a replay: every member as they stood at the replay's position.

Consumes `Member.SignedUp` (the name, opened), `Member.RolesChanged`, `Member.Suspended` and
`Member.Reinstated`; answers "who were the tenant's members then, with which roles, and were
they suspended?". Countries and the other profile dimensions come from the replay's
`dashboards_members` rows, joined at read time (`projections.replay.views`).

This projection runs only into replays (`projections.replay.engine`), never into the live read
models: the live members page reads the accounts service. It keeps one personal field, the
name, because a directory as of a moment must say who was there; a replay is a cache, dropped
when a member is erased (`drop_replays`), and one built afterwards reads the name as
"[erased]" since the person's key is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Table
from services.accounts.domain import Member, MemberStatus
from services.personal_data import Personal

__all__ = ["DIRECTORY", "DIRECTORY_MEMBERS", "DirectoryProjection"]

_T = ColumnType

DIRECTORY_MEMBERS = Table(
    "replay_members",
    (
        Column("member_id", _T.UUID), Column("name", _T.TEXT, personal=Personal()),
        Column("roles", _T.JSON),
        Column("status", _T.TEXT), Column("joined_at", _T.TIMESTAMP),
        Column("changed_at", _T.TIMESTAMP), Column("position", _T.INT),
    ),
    key=("member_id",),
    subject="member_id",
)
"""One row per member: name (as signed up), roles and status (`active`, `suspended`) at the
replay's position, when they joined and when the row last changed."""


class DirectoryProjection(Projection):
    name = "replay_directory"
    version = 1
    tables = (DIRECTORY_MEMBERS,)
    event_classes = (Member.SignedUp, Member.RolesChanged, Member.Suspended, Member.Reinstated)
    reads_personal_data = frozenset({"name"})

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        rows.load(DIRECTORY_MEMBERS, [(projected.event.originator_id,) for projected in events
                                      if type(projected.event) is not Member.SignedUp])
        for projected in events:
            event: Any = projected.event
            if type(event) is Member.SignedUp:
                rows.put(DIRECTORY_MEMBERS, {
                    "member_id": event.originator_id, "name": event.name,
                    "roles": sorted(str(role) for role in event.roles),
                    "status": str(MemberStatus.ACTIVE), "joined_at": event.timestamp,
                    "changed_at": event.timestamp, "position": projected.position,
                })
                continue
            row = rows.get(DIRECTORY_MEMBERS, event.originator_id)
            if row is None:  # an event of a member the log never signed up: nothing to show
                continue
            row = dict(row)
            if type(event) is Member.RolesChanged:
                row["roles"] = sorted(str(role) for role in event.roles)
            elif type(event) is Member.Suspended:
                row["status"] = str(MemberStatus.SUSPENDED)
            else:
                row["status"] = str(MemberStatus.ACTIVE)
            row["changed_at"], row["position"] = event.timestamp, projected.position
            rows.put(DIRECTORY_MEMBERS, row)


DIRECTORY = DirectoryProjection()
