"""Wire shapes of the mentoring API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from services.accounts.application import Caller
from services.mentoring.domain import Relationship
from services.mentoring.values import (
    INTRODUCTION_MAX,
    INTRODUCTION_MIN,
    MESSAGE_MAX,
    NOTE_MAX,
    CaseEntry,
    DeclineReason,
    Message,
    RelationshipStatus,
    Side,
    WithdrawalCause,
)
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "BlockMember",
    "Blocked",
    "CaseEntryView",
    "Decline",
    "End",
    "MarkRead",
    "MessageSent",
    "MessageView",
    "Messages",
    "MyRelationships",
    "RelationshipChanged",
    "RelationshipView",
    "RequestMentor",
    "SendMessage",
]

_EXAMPLE_ID = "5f0c4b8e-2d1a-4c3b-9e8f-7a6b5c4d3e2f"
_INTRODUCTION_EXAMPLE = (
    "I run a small bakery in Porto and want to open a second shop next year; I would value "
    "your experience with retail expansion and cash-flow planning."
)


class RequestMentor(CamelBody):
    mentor_id: Annotated[UUID, Meta(examples=[_EXAMPLE_ID])]
    introduction: Annotated[str, Meta(
        min_length=INTRODUCTION_MIN, max_length=INTRODUCTION_MAX,
        examples=[_INTRODUCTION_EXAMPLE],
        description="Who you are and what you hope for from this mentor; the mentor reads it.",
    )]


class Decline(CamelBody):
    reason: Annotated[DeclineReason, Meta(examples=["too_busy"])]
    note: Annotated[str, Meta(
        max_length=NOTE_MAX, examples=["Fully booked until March."],
        description="Seen by you and programme admins, never by the entrepreneur.",
    )] = ""


class End(CamelBody):
    reason: Annotated[str, Meta(
        min_length=1, max_length=NOTE_MAX, examples=["We agreed the goals no longer fit."]
    )]


class SendMessage(CamelBody):
    body: Annotated[str, Meta(
        min_length=1, max_length=MESSAGE_MAX, examples=["Shall we meet on Tuesday at 10?"]
    )]


class MarkRead(CamelBody):
    up_to: Annotated[int, Meta(
        ge=1, examples=[3], description="Marks the other member's messages up to this number."
    )]


class BlockMember(CamelBody):
    member_id: Annotated[UUID, Meta(examples=[_EXAMPLE_ID])]


class RelationshipChanged(CamelStruct):
    id: UUID
    status: RelationshipStatus
    position: int


class Blocked(CamelStruct):
    """What the block did: open requests between you were withdrawn; current relationships
    carry on until one of you ends them."""

    position: int
    withdrawn_requests: list[UUID]
    current_relationships: list[UUID]


class MessageSent(CamelStruct):
    number: int
    position: int


class RelationshipView(CamelStruct):
    id: UUID
    mentee_id: UUID
    mentor_id: UUID
    status: RelationshipStatus
    introduction: str
    requested_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    activated_at: datetime | None
    paused_at: datetime | None
    closed_at: datetime | None
    decline_reason: DeclineReason | None
    """Shown to the mentor and programme admins; the entrepreneur sees only "declined"."""
    decline_note: str | None
    withdrawal_cause: WithdrawalCause | None
    ended_by: UUID | None
    end_reason: str | None

    @classmethod
    def of(cls, relationship: Relationship, viewer: Caller, now: datetime) -> RelationshipView:
        sees_why = viewer.member_id != relationship.mentee_id
        declined = relationship.status is RelationshipStatus.DECLINED
        ended = relationship.status is RelationshipStatus.ENDED
        return cls(
            id=relationship.id, mentee_id=relationship.mentee_id,
            mentor_id=relationship.mentor_id, status=relationship.status_at(now),
            introduction=relationship.introduction, requested_at=relationship.requested_at,
            expires_at=relationship.expires_at, answered_at=relationship.answered_at,
            activated_at=relationship.activated_at, paused_at=relationship.paused_at,
            closed_at=relationship.closed_at,
            decline_reason=relationship.decline_reason if sees_why else None,
            decline_note=relationship.decline_note if declined and sees_why else None,
            withdrawal_cause=relationship.withdrawal_cause,
            ended_by=relationship.ended_by,
            end_reason=relationship.end_reason if ended else None,
        )


class CaseEntryView(CamelStruct):
    relationship_id: UUID
    side: Side
    """Which side you are on: mentee (you asked) or mentor (you were asked)."""
    counterpart_id: UUID
    status: RelationshipStatus
    changed_at: datetime

    @classmethod
    def of(cls, entry: CaseEntry, now: datetime) -> CaseEntryView:
        return cls(
            relationship_id=entry.relationship_id, side=entry.side,
            counterpart_id=entry.counterpart_id, status=entry.status_at(now),
            changed_at=entry.changed_at,
        )


class MyRelationships(CamelStruct):
    relationships: list[CaseEntryView]


class MessageView(CamelStruct):
    number: int
    sender_id: UUID
    body: str
    sent_at: datetime
    read_at: datetime | None
    """When the other member marked it read; null until then."""

    @classmethod
    def of(cls, message: Message) -> MessageView:
        return cls(
            number=message.number, sender_id=message.sender_id, body=message.body,
            sent_at=message.sent_at, read_at=message.read_at,
        )


class Messages(CamelStruct):
    messages: list[MessageView]
