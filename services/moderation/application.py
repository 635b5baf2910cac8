"""Moderation: filing reports, the review queue, decisions, suspension and reinstatement.

Members live in the same tenant stream, so a suspension records the report's decision, the
queue's change and the member's suspension in one append: a suspended member is never left in
the queue's eyes undecided, nor decided without being suspended. Their open mentoring requests
are then withdrawn by mentoring (a second append; the guard already refuses them by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import BaseAggregate

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.application import Caller, require_rank_over
from services.accounts.domain import Member
from services.actor import Actor
from services.application import TenantApplication
from services.errors import InvalidInputError, NotFoundError
from services.moderation.domain import (
    Decision,
    IssuedWarning,
    MemberStanding,
    ModerationQueue,
    Report,
    ReportReason,
)

__all__ = ["Conversations", "Moderation", "OpenRequests"]


class _Message(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def sender_id(self) -> UUID: ...


class Conversations(Protocol):
    """What moderation needs of mentoring to check a message report (mentoring's `Mentoring`)."""

    def messages(self, relationship_id: UUID, viewer: Caller) -> Sequence[_Message]: ...


class OpenRequests(Protocol):
    """What moderation needs of mentoring when it suspends someone (mentoring's `Mentoring`)."""

    def withdraw_open_requests_of(self, member_id: UUID, actor: Actor) -> int: ...


class Moderation(TenantApplication):
    name = "moderation"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)
        """When things happen; tests set their own."""

    # Queries --------------------------------------------------------------------------------

    def get_report(self, report_id: UUID) -> Report:
        return self.get(report_id, Report, field="reportId")

    def open_reports(self) -> list[Report]:
        queue = self.find(ModerationQueue.create_id(), ModerationQueue)
        if queue is None:
            return []
        return [self.get_report(report_id) for report_id in queue.open_report_ids]

    def warnings_of(self, member_id: UUID) -> list[IssuedWarning]:
        standing = self.find(MemberStanding.create_id(member_id), MemberStanding)
        return list(standing.warnings) if standing else []

    # Commands -------------------------------------------------------------------------------

    def file_report(
        self, *, reporter: Caller, member_id: UUID, reason: ReportReason, details: str,
        relationship_id: UUID | None, message_number: int | None, actor: Actor,
        conversations: Conversations,
    ) -> tuple[Report, int]:
        if member_id == reporter.member_id:
            raise InvalidInputError("you cannot report yourself", field="memberId")
        if (relationship_id is None) != (message_number is None):
            missing = "messageNumber" if message_number is None else "relationshipId"
            raise InvalidInputError(
                "a message report names both the relationship and the message number",
                field=missing,
            )
        self.get(member_id, Member, field="memberId")
        if relationship_id is not None:
            # Mentoring answers 404 for a relationship the reporter is not a member of.
            messages = conversations.messages(relationship_id, reporter)
            message = next((m for m in messages if m.number == message_number), None)
            if message is None:
                raise NotFoundError(
                    "no message %(number)s in this relationship", field="messageNumber",
                    values={"number": message_number},
                )
            if message.sender_id != member_id:
                raise InvalidInputError(
                    "message %(number)s was not written by this member", field="memberId",
                    values={"number": message_number},
                )

        def command() -> tuple[Report, int]:
            report = Report(
                reporter_id=reporter.member_id,
                reported_member_id=member_id, reason=reason, details=details,
                relationship_id=relationship_id,
                message_number=message_number, filed_at=self.clock(), actor=actor,
            )
            queue = self._queue(actor)
            queue.enqueue(report_id=report.id, actor=actor)
            return report, self.record(report, queue)

        return self.retrying(command)

    def decide(
        self, report_id: UUID, decision: Decision, note: str, actor: Actor,
        open_requests: OpenRequests,
    ) -> tuple[Report, int]:
        """Dismisses the report, warns the reported member or suspends them."""

        def command() -> tuple[Report, int]:
            report = self.get_report(report_id)
            reported = self.get(report.reported_member_id, Member, field="memberId")
            if decision is not Decision.DISMISS:  # a dismissal does nothing to the member
                require_rank_over(self, reported, actor)
            report.decide(decision, note=note, at=self.clock(), actor=actor)
            queue = self._queue(actor)
            queue.dequeue(report_id=report.id, actor=actor)
            changed: list[BaseAggregate[UUID]] = [report, queue]
            if decision is Decision.WARN:
                changed.append(self._warn(report, note, actor))
            elif decision is Decision.SUSPEND:
                member = reported
                # A member suspended on an earlier report stays so; this report just closes.
                if not member.suspended:
                    # The member's event keeps a reference, not the note: the note is personal.
                    member.suspend(reason=f"report {report.id} ({report.reason})", actor=actor)
                    changed.append(member)
            return report, self.record(*changed)

        report, position = self.retrying(command)
        if decision is Decision.SUSPEND:
            withdrawn = open_requests.withdraw_open_requests_of(report.reported_member_id, actor)
            position = max(position, withdrawn)
        return report, position

    def suspend_member(
        self, member_id: UUID, reason: str, actor: Actor, open_requests: OpenRequests
    ) -> int:
        """Suspends a member without a report (the admin's own finding); as a report's
        suspension, their open requests are then withdrawn."""

        def command() -> int:
            member = self.get(member_id, Member, field="memberId")
            require_rank_over(self, member, actor)
            member.suspend(reason=reason, actor=actor)
            return self.record(member)

        position = self.retrying(command)
        return max(position, open_requests.withdraw_open_requests_of(member_id, actor))

    def reinstate(self, member_id: UUID, reason: str, actor: Actor) -> int:
        def command() -> int:
            member = self.get(member_id, Member, field="memberId")
            require_rank_over(self, member, actor)
            member.reinstate(reason=reason, actor=actor)
            return self.record(member)

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _queue(self, actor: Actor) -> ModerationQueue:
        queue = self.find(ModerationQueue.create_id(), ModerationQueue)
        if queue is None:
            # Two first reports racing both try to open it; the loser reruns and finds it.
            queue = ModerationQueue(actor=actor)
        return queue

    def _warn(self, report: Report, note: str, actor: Actor) -> MemberStanding:
        member_id = report.reported_member_id
        standing = self.find(MemberStanding.create_id(member_id), MemberStanding)
        if standing is None:
            standing = MemberStanding(member_id=member_id, actor=actor)
        standing.warn(
            member_id=member_id, report_id=report.id, reason=report.reason, note=note,
            warned_at=self.clock(), actor=actor,
        )
        return standing
