"""Wire shapes of the audit trail API."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from projections.tables import Row
from services.schemas import CamelStruct

__all__ = ["Trail", "TrailEntry"]


class TrailEntry(CamelStruct):
    """One staff action or auditor's read."""

    stream: str
    """`tenant`, or `platform` for actions on the tenant recorded in the platform stream."""
    position: int | None
    """The position in the tenant's stream (None for platform actions)."""
    at: datetime
    kind: str
    """`action` or `read`."""
    actor: str
    """`member:<id>`, `operator:<name>`, `cli:<user>`..."""
    action: str
    """The event's type: `Member.Suspended`, `AuditorRead.Recorded`..."""
    subject_kind: str
    """The kind of record acted on (`Member`, `Report`, `Tenant`...); `path` for a read."""
    subject_id: UUID | None
    """Its id (for a read, the first id in the path read, if any)."""
    reason: str
    correlation_id: str
    """The request's id: every event one request caused carries the same."""
    path: str | None = None
    """For a read: the path read (without a `/t/{slug}` prefix)."""
    query: str | None = None
    details: dict[str, Any] | None = None
    """What changed, where it says something without personal data (roles, weights...)."""

    @classmethod
    def of(cls, row: Row) -> TrailEntry:
        return cls(
            stream="tenant" if row["position"] is not None else "platform",
            position=row["position"], at=row["at"], kind=row["kind"],
            actor=f"{row['actor_kind']}:{row['actor_id']}", action=row["action"],
            subject_kind=row["subject_kind"], subject_id=row["subject_id"],
            reason=row["reason"], correlation_id=row["correlation_id"], path=row["path"],
            query=row["query"], details=row["details"],
        )


class Trail(CamelStruct):
    entries: list[TrailEntry]
    """Newest first."""
    next_before: int | None
    """Pass as `before` for the next (older) page; null on the last page."""
    position: int
    """The stream position the trail was read at."""
