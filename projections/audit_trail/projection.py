"""The audit trail: every staff action and every auditor's read in a tenant's stream, one row each.

Consumes (the staff actions, listed one by one in `ACTIONS`):

- accounts: `Member.RolesChanged`, `Member.Suspended`, `Member.Reinstated`, `Member.Erased`;
- moderation: `Report.Dismissed`, `Report.Warned`, `Report.Suspended` (the decisions);
- matching: `MatchingConfiguration.WeightsChanged`;
- programme: `ProgrammeConfiguration.SettingsChanged`, `Questionnaire.Published`;
- nudges: `NudgeConfiguration.Switched`, `NudgeConfiguration.WordsEdited`;

and the auditors' reads, `AuditorRead.Recorded` (`services.audit_log`). Answers: who did what to
which record, when, why, in which request (correlation id); who looked at what. Operator and
tenant-admin actions on the tenant itself (provisioning, brand, domains, language, suspension)
live in the platform stream; the trail's readers merge them in (`projections.audit_trail.platform`).

A row keeps the event's position and time, the actor's kind and id, the action (the event's
type, such as `Member.Suspended`), the subject (the record's kind and id; for a read, the first
id in the path read), the reason as the staff member typed it, the correlation id, a read's path
and query, and a few non-personal details (the new roles, weights or settings). It keeps no
personal data of members: decision notes, which are the reported member's, stay sealed in the
write side; a decision's reason is the report's category. Reasons are staff's own words, stored
as the write side stores them (plain text, not sealed), so what they say is the staff member's
responsibility, as it is in the events themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any
from uuid import UUID

import msgspec

from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Row, Table
from services.accounts.domain import Member
from services.actor import Actor
from services.audit_log.domain import AuditorRead
from services.matching.domain import MatchingConfiguration
from services.moderation.domain import Report
from services.nudge_settings.domain import NudgeConfiguration
from services.programme.domain import ProgrammeConfiguration, Questionnaire

__all__ = [
    "ACTIONS",
    "AUDIT_TRAIL",
    "ENTRIES",
    "READ_ACTION",
    "AuditTrailProjection",
    "EntryKind",
    "action_name",
]


class EntryKind(StrEnum):
    ACTION = "action"
    READ = "read"


def action_name(event_class: type) -> str:
    """An event's type as the trail names it: `Member.Suspended`."""
    return event_class.__qualname__


_UUID_IN_PATH = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)

ENTRIES = Table(
    "audit_trail_entries",
    columns=(
        Column("position", ColumnType.INT),
        Column("at", ColumnType.TIMESTAMP),
        Column("kind", ColumnType.TEXT),
        Column("actor_kind", ColumnType.TEXT),
        Column("actor_id", ColumnType.TEXT),
        Column("action", ColumnType.TEXT),
        Column("subject_kind", ColumnType.TEXT),
        Column("subject_id", ColumnType.UUID, nullable=True),
        Column("reason", ColumnType.TEXT),
        Column("correlation_id", ColumnType.TEXT),
        Column("path", ColumnType.TEXT, nullable=True),
        Column("query", ColumnType.TEXT, nullable=True),
        Column("details", ColumnType.JSON, nullable=True),
    ),
    key=("position",),
    indexes=(
        ("at",), ("actor_kind", "actor_id", "position"), ("action", "position"),
        ("subject_id", "position"), ("correlation_id",), ("kind", "position"),
    ),
)
"""One row per staff action or auditor's read, keyed by its position in the tenant's stream."""


def _nothing(_: Any) -> dict[str, Any] | None:
    return None


def _asdict(value: Any) -> dict[str, Any]:
    converted: dict[str, Any] = msgspec.to_builtins(value)
    return converted


ACTIONS: dict[type, Callable[[Any], dict[str, Any] | None]] = {
    Member.RolesChanged: lambda e: {"roles": sorted(str(role) for role in e.roles)},
    Member.Suspended: _nothing,
    Member.Reinstated: _nothing,
    Member.Erased: lambda e: {"certificateId": str(e.certificate_id)},
    Report.Dismissed: lambda e: {"reportedMemberId": str(e.reported_member_id)},
    Report.Warned: lambda e: {"reportedMemberId": str(e.reported_member_id)},
    Report.Suspended: lambda e: {"reportedMemberId": str(e.reported_member_id)},
    MatchingConfiguration.WeightsChanged: lambda e: {"weights": _asdict(e.weights)},
    ProgrammeConfiguration.SettingsChanged: lambda e: {"settings": _asdict(e.settings)},
    Questionnaire.Published: lambda e: {"version": e.version},
    NudgeConfiguration.Switched: lambda e: {"nudge": e.nudge, "on": e.on},
    NudgeConfiguration.WordsEdited: lambda e: {"nudge": e.nudge, "locale": e.locale},
}
"""The staff actions of a tenant's stream, each with the non-personal details worth showing."""

READ_ACTION = action_name(AuditorRead.Recorded)


class AuditTrailProjection(Projection):
    name = "audit_trail"
    version = 1
    tables = (ENTRIES,)
    event_classes = (*ACTIONS, AuditorRead.Recorded)

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        for position, event in events:
            rows.put(ENTRIES, self._row(position, event))

    @staticmethod
    def _row(position: int, event: Any) -> Row:
        actor: Actor = event.actor
        row: Row = {
            "position": position, "at": event.timestamp, "actor_kind": actor.kind,
            "actor_id": actor.id, "action": action_name(type(event)),
            "correlation_id": actor.correlation_id, "path": None, "query": None,
        }
        if isinstance(event, AuditorRead.Recorded):
            found = _UUID_IN_PATH.search(event.path)
            row.update(kind=EntryKind.READ.value, subject_kind="path",
                       subject_id=UUID(found.group(0)) if found else None, reason="",
                       path=event.path, query=event.query, details=None)
            return row
        row.update(
            kind=EntryKind.ACTION.value, subject_kind=type(event).__qualname__.split(".")[0],
            subject_id=event.originator_id, reason=getattr(event, "reason", "") or "",
            details=ACTIONS[type(event)](event),
        )
        return row


AUDIT_TRAIL = AuditTrailProjection()
