"""Moderation: members report members or messages; programme admins decide each report.

A `Report` is filed by one member about another and decided once: dismissed, the member warned,
or the member suspended. The tenant's one `ModerationQueue` lists the open reports, oldest first;
it is saved in the same append as the report it gains or loses, so the queue and the reports
never disagree. A member's `MemberStanding` (id derived from their member id) holds the warnings
they have been given, which they can read.

The reporter's details are the reporter's personal data; an admin's decision note is about the
reported member, so it is sealed with that member's key. Reasons and states are not personal: a
decision records the report's category as its `reason`, which the audit trail shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError
from services.personal_data import PersonalText

__all__ = [
    "Decision",
    "IssuedWarning",
    "MemberStanding",
    "ModerationQueue",
    "Report",
    "ReportReason",
    "ReportStatus",
]

_NAMESPACE = UUID("9b6f2d0e-4c1a-4e8b-a7d3-51c0e8f2a6b4")


class ReportReason(StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    ASKING_FOR_MONEY = "asking_for_money"
    OFF_PLATFORM_SOLICITATION = "off_platform_solicitation"
    OTHER = "other"


class ReportStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    WARNED = "warned"
    SUSPENDED = "suspended"


class Decision(StrEnum):
    """What an admin can decide about an open report; each closes it in the matching status."""

    DISMISS = "dismiss"
    WARN = "warn"
    SUSPEND = "suspend"


class Report(Aggregate):
    """One member's report about another member, or about one of their messages."""

    class Filed(Aggregate.Created):
        personal_data_subject: ClassVar[str] = "reporter_id"
        reporter_id: UUID
        reported_member_id: UUID
        reason: ReportReason
        details: PersonalText
        relationship_id: UUID | None
        message_number: int | None
        filed_at: datetime
        actor: Actor

    # The three decisions repeat their fields on purpose: each is a stored topic of its own,
    # whose schema must never change because another's does.
    class Dismissed(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "reported_member_id"
        reported_member_id: UUID
        note: PersonalText
        decided_at: datetime
        actor: Actor
        reason: str = ""
        """The report's category, the decision's reason in words that are nobody's personal
        data (the note is the reported member's); empty on decisions recorded before."""

    class Warned(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "reported_member_id"
        reported_member_id: UUID
        note: PersonalText
        decided_at: datetime
        actor: Actor
        reason: str = ""
        """The report's category, the decision's reason in words that are nobody's personal
        data (the note is the reported member's); empty on decisions recorded before."""

    class Suspended(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "reported_member_id"
        reported_member_id: UUID
        note: PersonalText
        decided_at: datetime
        actor: Actor
        reason: str = ""
        """The report's category, the decision's reason in words that are nobody's personal
        data (the note is the reported member's); empty on decisions recorded before."""

    @event(Filed)
    def __init__(
        self, reporter_id: UUID, reported_member_id: UUID, reason: ReportReason, details: str,
        relationship_id: UUID | None, message_number: int | None, filed_at: datetime,
        actor: Actor,
    ) -> None:
        self.reporter_id, self.reported_member_id = reporter_id, reported_member_id
        self.reason, self.details = reason, details
        self.relationship_id, self.message_number = relationship_id, message_number
        self.filed_at = filed_at
        self.status = ReportStatus.OPEN
        self.note = ""
        self.decided_at: datetime | None = None
        self.decided_by: str | None = None

    def decide(self, decision: Decision, note: str, at: datetime, actor: Actor) -> None:
        if self.status is not ReportStatus.OPEN:
            raise ConflictError("the report is already %(status)s", field="status",
                                values={"status": self.status})
        decide = {
            Decision.DISMISS: self._dismiss, Decision.WARN: self._warn,
            Decision.SUSPEND: self._suspend,
        }[decision]
        decide(reported_member_id=self.reported_member_id, note=note, decided_at=at, actor=actor,
               reason=str(self.reason))

    @event(Dismissed)
    def _dismiss(
        self, reported_member_id: UUID, note: str, decided_at: datetime, actor: Actor,
        reason: str = "",
    ) -> None:
        self._close(ReportStatus.DISMISSED, note, decided_at, actor)

    @event(Warned)
    def _warn(
        self, reported_member_id: UUID, note: str, decided_at: datetime, actor: Actor,
        reason: str = "",
    ) -> None:
        self._close(ReportStatus.WARNED, note, decided_at, actor)

    @event(Suspended)
    def _suspend(
        self, reported_member_id: UUID, note: str, decided_at: datetime, actor: Actor,
        reason: str = "",
    ) -> None:
        self._close(ReportStatus.SUSPENDED, note, decided_at, actor)

    def _close(self, status: ReportStatus, note: str, at: datetime, actor: Actor) -> None:
        self.status, self.note, self.decided_at, self.decided_by = status, note, at, str(actor)


class ModerationQueue(Aggregate):
    """The tenant's open reports, oldest first. One per tenant stream, so its id is fixed."""

    class Opened(Aggregate.Created):
        actor: Actor

    class ReportQueued(Aggregate.Event):
        report_id: UUID
        actor: Actor

    class ReportDequeued(Aggregate.Event):
        report_id: UUID
        actor: Actor

    @staticmethod
    def create_id() -> UUID:
        return uuid5(_NAMESPACE, "moderation-queue")

    @event(Opened)
    def __init__(self, actor: Actor) -> None:
        self.open_report_ids: list[UUID] = []

    @event(ReportQueued)
    def enqueue(self, report_id: UUID, actor: Actor) -> None:
        self.open_report_ids.append(report_id)

    def dequeue(self, report_id: UUID, actor: Actor) -> None:
        if report_id in self.open_report_ids:
            self._dequeue(report_id=report_id, actor=actor)

    @event(ReportDequeued)
    def _dequeue(self, report_id: UUID, actor: Actor) -> None:
        self.open_report_ids.remove(report_id)


@dataclass(frozen=True)
class IssuedWarning:
    report_id: UUID
    reason: ReportReason
    note: str
    warned_at: datetime
    warned_by: str


class MemberStanding(Aggregate):
    """What moderation has told one member: the warnings they were given."""

    class Opened(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class WarningIssued(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "member_id"
        member_id: UUID
        report_id: UUID
        reason: ReportReason
        note: PersonalText
        warned_at: datetime
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"standing/{member_id}")

    @event(Opened)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.warnings: list[IssuedWarning] = []

    @event(WarningIssued)
    def warn(
        self, member_id: UUID, report_id: UUID, reason: ReportReason, note: str,
        warned_at: datetime, actor: Actor,
    ) -> None:
        self.warnings.append(IssuedWarning(
            report_id=report_id, reason=reason, note=note, warned_at=warned_at,
            warned_by=str(actor),
        ))
