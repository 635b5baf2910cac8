"""Wire shapes of the moderation API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from services.moderation.domain import IssuedWarning, Report, ReportReason, ReportStatus
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "Decide",
    "Decided",
    "FileReport",
    "Queue",
    "QueueEntry",
    "Reinstate",
    "ReportFiled",
    "ReportView",
    "Suspend",
    "WarningView",
    "Warnings",
]

Note = Annotated[str, Meta(
    min_length=1, max_length=2000,
    examples=["Asked two mentees for money transfers; confirmed from the messages."],
)]


class FileReport(CamelBody):
    member_id: Annotated[UUID, Meta(
        description="The member reported (for a message: its author)",
        examples=["0b7e2a64-55c1-5b6e-9d0f-2a7c3f1e8b41"],
    )]
    reason: Annotated[ReportReason, Meta(examples=["asking_for_money"])]
    details: Annotated[str, Meta(
        min_length=1, max_length=4000,
        examples=["He asked me to send 200 USD to his personal account before our next call."],
    )]
    relationship_id: Annotated[UUID, Meta(
        description="For a message report: the relationship the message was sent in",
        examples=["5e0f3c2a-8d1b-4a6e-b2f7-1c9d0e4a7b35"],
    )] | None = None
    message_number: Annotated[int, Meta(
        ge=1, description="For a message report: the message's number in that relationship",
        examples=[3],
    )] | None = None


class ReportFiled(CamelStruct):
    report_id: UUID
    position: int


class Decide(CamelBody):
    note: Note


class Reinstate(CamelBody):
    reason: Annotated[str, Meta(
        min_length=1, max_length=500, examples=["Appeal accepted after a call with the member"],
    )]


class Suspend(CamelBody):
    reason: Annotated[str, Meta(
        min_length=1, max_length=500,
        examples=["Shared a mentee's contact details publicly; confirmed by two members"],
    )]


class ReportView(CamelStruct):
    report_id: UUID
    status: ReportStatus
    reporter_id: UUID
    member_id: UUID
    reason: ReportReason
    details: str
    relationship_id: UUID | None
    message_number: int | None
    filed_at: datetime
    note: str | None
    decided_at: datetime | None
    decided_by: str | None

    @classmethod
    def of(cls, report: Report) -> ReportView:
        return cls(
            report_id=report.id, status=report.status, reporter_id=report.reporter_id,
            member_id=report.reported_member_id, reason=report.reason, details=report.details,
            relationship_id=report.relationship_id, message_number=report.message_number,
            filed_at=report.filed_at, note=report.note or None, decided_at=report.decided_at,
            decided_by=report.decided_by,
        )


class Decided(CamelStruct):
    report_id: UUID
    status: ReportStatus
    position: int


class QueueEntry(CamelStruct):
    report_id: UUID
    member_id: UUID
    reporter_id: UUID
    reason: ReportReason
    message_report: bool
    filed_at: datetime

    @classmethod
    def of(cls, report: Report) -> QueueEntry:
        return cls(
            report_id=report.id, member_id=report.reported_member_id,
            reporter_id=report.reporter_id, reason=report.reason,
            message_report=report.relationship_id is not None, filed_at=report.filed_at,
        )


class Queue(CamelStruct):
    """Open reports, oldest first."""

    reports: list[QueueEntry]


class WarningView(CamelStruct):
    report_id: UUID
    reason: ReportReason
    note: str
    warned_at: datetime

    @classmethod
    def of(cls, warning: IssuedWarning) -> WarningView:
        return cls(
            report_id=warning.report_id, reason=warning.reason, note=warning.note,
            warned_at=warning.warned_at,
        )


class Warnings(CamelStruct):
    warnings: list[WarningView]
