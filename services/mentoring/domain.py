"""Mentoring relationships, the caseloads that keep their rules, blocks, and conversations.

A `Relationship` is one entrepreneur's request to one mentor and, if accepted, the mentoring that
follows. Its rules that span relationships (a mentor's capacity, a mentee's open requests, one
open request per pair) are kept by each member's `Caseload`, whose id derives from the member's
id: every change of a relationship is recorded together with both members' caseloads, so two
commands that would break a rule between them collide on a caseload's version and the second is
checked again (see `TenantApplication.retrying`).

A `Block` is one aggregate per unordered pair of members; a `Conversation` holds a relationship's
messages apart from it, so loading a relationship stays cheap however long the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, InvalidInputError
from services.mentoring.values import (
    CURRENT,
    CaseEntry,
    DeclineReason,
    Message,
    RelationshipStatus,
    Side,
    WithdrawalCause,
    check_decline_note,
    check_end_reason,
    check_message_body,
    require_status,
    status_as_of,
)
from services.personal_data import PersonalText

__all__ = ["Block", "Caseload", "Conversation", "Relationship"]

_NAMESPACE = UUID("9a4c2f6e-1d3b-4b8a-8e5f-7c2d1a0b3e64")

class Relationship(Aggregate):
    """An entrepreneur's request to a mentor, and the mentoring that follows if accepted."""

    class Requested(Aggregate.Created):
        mentee_id: UUID
        mentor_id: UUID
        introduction: PersonalText
        requested_at: datetime
        expires_at: datetime
        actor: Actor
        personal_data_subject: ClassVar[str] = "mentee_id"

    class Accepted(Aggregate.Event):
        at: datetime
        actor: Actor

    class Declined(Aggregate.Event):
        by: UUID
        reason: DeclineReason
        note: PersonalText
        at: datetime
        actor: Actor
        personal_data_subject: ClassVar[str] = "by"

    class Withdrawn(Aggregate.Event):
        cause: WithdrawalCause
        at: datetime
        actor: Actor

    class Expired(Aggregate.Event):
        at: datetime
        actor: Actor

    class Started(Aggregate.Event):
        at: datetime
        actor: Actor

    class Paused(Aggregate.Event):
        at: datetime
        actor: Actor

    class Resumed(Aggregate.Event):
        at: datetime
        actor: Actor

    class Completed(Aggregate.Event):
        at: datetime
        actor: Actor

    class Ended(Aggregate.Event):
        by: UUID
        reason: PersonalText
        at: datetime
        actor: Actor
        personal_data_subject: ClassVar[str] = "by"

    @event(Requested)
    def __init__(
        self, mentee_id: UUID, mentor_id: UUID, introduction: str, requested_at: datetime,
        expires_at: datetime, actor: Actor,
    ) -> None:
        self.mentee_id, self.mentor_id = mentee_id, mentor_id
        self.introduction = introduction
        self.status = RelationshipStatus.REQUESTED
        self.requested_at, self.expires_at = requested_at, expires_at
        self.answered_at: datetime | None = None
        self.activated_at: datetime | None = None
        self.paused_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.decline_reason: DeclineReason | None = None
        self.decline_note = ""
        self.withdrawal_cause: WithdrawalCause | None = None
        self.ended_by: UUID | None = None
        self.end_reason = ""

    # Queries --------------------------------------------------------------------------------

    def member_ids(self) -> tuple[UUID, UUID]:
        return self.mentee_id, self.mentor_id

    def involves(self, member_id: UUID) -> bool:
        return member_id in (self.mentee_id, self.mentor_id)

    def side_of(self, member_id: UUID) -> Side | None:
        if member_id == self.mentee_id:
            return Side.MENTEE
        if member_id == self.mentor_id:
            return Side.MENTOR
        return None

    def counterpart_of(self, member_id: UUID) -> UUID:
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id

    def is_overdue(self, now: datetime) -> bool:
        return self.status is RelationshipStatus.REQUESTED and now >= self.expires_at

    def status_at(self, now: datetime) -> RelationshipStatus:
        return status_as_of(self.status, self.expires_at, now)

    @property
    def is_open_for_meetings(self) -> bool:
        return self.status in CURRENT

    # Commands -------------------------------------------------------------------------------

    def accept(self, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "accepted", RelationshipStatus.REQUESTED)
        self._accept(at=at, actor=actor)

    def decline(
        self, by: UUID, reason: DeclineReason, note: str, at: datetime, actor: Actor
    ) -> None:
        require_status(self.status_at(at), "declined", RelationshipStatus.REQUESTED)
        self._decline(by=by, reason=reason, note=check_decline_note(note), at=at, actor=actor)

    def withdraw(self, cause: WithdrawalCause, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "withdrawn", RelationshipStatus.REQUESTED)
        self._withdraw(cause=cause, at=at, actor=actor)

    def expire(self, at: datetime, actor: Actor) -> None:
        if not self.is_overdue(at):
            raise ConflictError(
                "the relationship is %(status)s, not an overdue request", field="status",
                values={"status": self.status},
            )
        self._expire(at=at, actor=actor)

    def start(self, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "started", RelationshipStatus.ACCEPTED)
        self._start(at=at, actor=actor)

    def pause(self, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "paused", RelationshipStatus.ACTIVE)
        self._pause(at=at, actor=actor)

    def resume(self, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "resumed", RelationshipStatus.PAUSED)
        self._resume(at=at, actor=actor)

    def complete(self, at: datetime, actor: Actor) -> None:
        require_status(
            self.status_at(at), "completed", RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED
        )
        self._complete(at=at, actor=actor)

    def end(self, by: UUID, reason: str, at: datetime, actor: Actor) -> None:
        require_status(self.status_at(at), "ended", *CURRENT)
        self._end(by=by, reason=check_end_reason(reason), at=at, actor=actor)

    @event(Accepted)
    def _accept(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.ACCEPTED
        self.answered_at = at

    @event(Declined)
    def _decline(
        self, by: UUID, reason: DeclineReason, note: str, at: datetime, actor: Actor
    ) -> None:
        self.status = RelationshipStatus.DECLINED
        self.answered_at = self.closed_at = at
        self.decline_reason, self.decline_note = reason, note

    @event(Withdrawn)
    def _withdraw(self, cause: WithdrawalCause, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.WITHDRAWN
        self.closed_at = at
        self.withdrawal_cause = cause

    @event(Expired)
    def _expire(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.EXPIRED
        self.closed_at = at

    @event(Started)
    def _start(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.ACTIVE
        self.activated_at = at

    @event(Paused)
    def _pause(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.PAUSED
        self.paused_at = at

    @event(Resumed)
    def _resume(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.ACTIVE
        self.paused_at = None

    @event(Completed)
    def _complete(self, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.COMPLETED
        self.closed_at = at

    @event(Ended)
    def _end(self, by: UUID, reason: str, at: datetime, actor: Actor) -> None:
        self.status = RelationshipStatus.ENDED
        self.closed_at = at
        self.ended_by, self.end_reason = by, reason


class Caseload(Aggregate):
    """Every relationship of one member, on both sides, with its current status: it keeps the
    rules between a member's relationships and lists them without a read model."""

    class Started(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class RelationshipNoted(Aggregate.Event):
        relationship_id: UUID
        side: Side
        counterpart_id: UUID
        status: RelationshipStatus
        expires_at: datetime
        at: datetime
        actor: Actor

    class StatusNoted(Aggregate.Event):
        relationship_id: UUID
        status: RelationshipStatus
        at: datetime
        actor: Actor
        # Whose caseload, their side and the status before: what a notification derives from
        # this event alone (services.mentoring.notifications). None in events recorded earlier.
        member_id: UUID | None = None
        side: Side | None = None
        previous: RelationshipStatus | None = None

    class BlockNoted(Aggregate.Event):
        """Either member blocked the other (`blocked`), or the last block between them lifted.
        Kept here as well as on the `Block` so that a block and a request collide on it."""

        other_id: UUID
        blocked: bool
        at: datetime
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"caseload/{member_id}")

    @event(Started)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.entries: dict[UUID, CaseEntry] = {}
        self.blocked_with: set[UUID] = set()

    # Queries --------------------------------------------------------------------------------

    def open_requests(self, now: datetime) -> list[CaseEntry]:
        """Unanswered requests this member made that have not run out."""
        return [
            entry for entry in self.entries.values()
            if entry.side is Side.MENTEE and entry.status_at(now) is RelationshipStatus.REQUESTED
        ]

    def overdue_requests(self, now: datetime) -> list[CaseEntry]:
        """Requests by or to this member that ran out without their expiry being recorded."""
        return [
            entry for entry in self.entries.values()
            if entry.status is RelationshipStatus.REQUESTED
            and entry.status_at(now) is RelationshipStatus.EXPIRED
        ]

    def unanswered(self) -> list[CaseEntry]:
        """Requests by or to this member still recorded as requested (overdue ones included)."""
        return [e for e in self.entries.values() if e.status is RelationshipStatus.REQUESTED]

    def mentees(self) -> list[CaseEntry]:
        """The relationships that take a place in this member's capacity as a mentor."""
        return [e for e in self.entries.values() if e.side is Side.MENTOR and e.status in CURRENT]

    def with_member(self, member_id: UUID, now: datetime) -> list[CaseEntry]:
        """Open requests and current relationships between this member and another."""
        return [
            entry for entry in self.entries.values()
            if entry.counterpart_id == member_id
            and (entry.status in CURRENT or entry.status_at(now) is RelationshipStatus.REQUESTED)
        ]

    # Commands -------------------------------------------------------------------------------

    def note(self, relationship: Relationship, at: datetime, actor: Actor) -> None:
        """Records a relationship's current status: the first time, who it is with."""
        if relationship.id not in self.entries:
            self._note_relationship(
                relationship_id=relationship.id,
                side=Side.MENTEE if relationship.mentee_id == self.member_id else Side.MENTOR,
                counterpart_id=relationship.counterpart_of(self.member_id),
                status=relationship.status, expires_at=relationship.expires_at, at=at,
                actor=actor,
            )
        elif (entry := self.entries[relationship.id]).status is not relationship.status:
            self._note_status(
                relationship_id=relationship.id, status=relationship.status, at=at, actor=actor,
                member_id=self.member_id, side=entry.side, previous=entry.status,
            )

    def note_block(self, other_id: UUID, blocked: bool, at: datetime, actor: Actor) -> None:
        if blocked != (other_id in self.blocked_with):
            self._note_block(other_id=other_id, blocked=blocked, at=at, actor=actor)

    @event(BlockNoted)
    def _note_block(self, other_id: UUID, blocked: bool, at: datetime, actor: Actor) -> None:
        if blocked:
            self.blocked_with.add(other_id)
        else:
            self.blocked_with.discard(other_id)

    @event(RelationshipNoted)
    def _note_relationship(
        self, relationship_id: UUID, side: Side, counterpart_id: UUID,
        status: RelationshipStatus, expires_at: datetime, at: datetime, actor: Actor,
    ) -> None:
        self.entries[relationship_id] = CaseEntry(
            relationship_id=relationship_id, side=side, counterpart_id=counterpart_id,
            status=status, expires_at=expires_at, changed_at=at,
        )

    @event(StatusNoted)
    def _note_status(
        self, relationship_id: UUID, status: RelationshipStatus, at: datetime, actor: Actor,
        member_id: UUID, side: Side, previous: RelationshipStatus,
    ) -> None:
        entry = self.entries[relationship_id]
        entry.status, entry.changed_at = status, at


class Block(Aggregate):
    """Whether either of two members has blocked the other; one aggregate per unordered pair,
    so the two members' blocks and a request between them are checked on one record."""

    class Opened(Aggregate.Created):
        member_ids: list[UUID]
        actor: Actor

    class Imposed(Aggregate.Event):
        by: UUID
        at: datetime
        actor: Actor

    class Lifted(Aggregate.Event):
        by: UUID
        at: datetime
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID, other_id: UUID) -> UUID:
        first, second = sorted((member_id, other_id))
        return uuid5(_NAMESPACE, f"block/{first}/{second}")

    @event(Opened)
    def __init__(self, id: UUID, member_ids: list[UUID], actor: Actor) -> None:
        # `id` is the pair's `create_id`, given by the caller (the library keeps it).
        self.member_ids = list(member_ids)
        self.blockers: set[UUID] = set()

    @property
    def in_force(self) -> bool:
        return bool(self.blockers)

    def impose(self, by: UUID, at: datetime, actor: Actor) -> None:
        if by in self.blockers:
            raise ConflictError("you have already blocked this member", field="memberId")
        self._impose(by=by, at=at, actor=actor)

    def lift(self, by: UUID, at: datetime, actor: Actor) -> None:
        if by not in self.blockers:
            raise ConflictError("you have not blocked this member", field="memberId")
        self._lift(by=by, at=at, actor=actor)

    @event(Imposed)
    def _impose(self, by: UUID, at: datetime, actor: Actor) -> None:
        self.blockers.add(by)

    @event(Lifted)
    def _lift(self, by: UUID, at: datetime, actor: Actor) -> None:
        self.blockers.discard(by)


class Conversation(Aggregate):
    """The messages of one relationship between its two members, numbered from 1."""

    class Opened(Aggregate.Created):
        relationship_id: UUID
        member_ids: list[UUID]
        actor: Actor

    class MessageSent(Aggregate.Event):
        number: int
        sender_id: UUID
        body: PersonalText
        sent_at: datetime
        actor: Actor
        personal_data_subject: ClassVar[str] = "sender_id"
        recipient_id: UUID | None = None
        """The other member, told of the message (None in messages recorded earlier)."""

    class MessagesRead(Aggregate.Event):
        reader_id: UUID
        up_to: int
        read_at: datetime
        actor: Actor

    @staticmethod
    def create_id(relationship_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"conversation/{relationship_id}")

    @event(Opened)
    def __init__(self, relationship_id: UUID, member_ids: list[UUID], actor: Actor) -> None:
        self.relationship_id = relationship_id
        self.member_ids = list(member_ids)
        self.messages: list[Message] = []

    def send(self, sender_id: UUID, body: str, sent_at: datetime, actor: Actor) -> int:
        number = len(self.messages) + 1
        [recipient_id] = [m for m in self.member_ids if m != sender_id]
        self._send(number=number, sender_id=sender_id, body=check_message_body(body),
                   sent_at=sent_at, actor=actor, recipient_id=recipient_id)
        return number

    def unread_for(self, reader_id: UUID, up_to: int) -> list[Message]:
        return [
            m for m in self.messages[:up_to] if m.sender_id != reader_id and m.read_at is None
        ]

    def mark_read(self, reader_id: UUID, up_to: int, read_at: datetime, actor: Actor) -> bool:
        """Marks the other member's messages up to `up_to` read; False when none were unread."""
        if up_to > len(self.messages):
            raise InvalidInputError(
                "there are only %(count)s messages", field="upTo",
                values={"count": len(self.messages)},
            )
        if not self.unread_for(reader_id, up_to):
            return False
        self._mark_read(reader_id=reader_id, up_to=up_to, read_at=read_at, actor=actor)
        return True

    @event(MessageSent)
    def _send(
        self, number: int, sender_id: UUID, body: str, sent_at: datetime, actor: Actor,
        recipient_id: UUID,
    ) -> None:
        self.messages.append(Message(number=number, sender_id=sender_id, body=body,
                                     sent_at=sent_at))

    @event(MessagesRead)
    def _mark_read(self, reader_id: UUID, up_to: int, read_at: datetime, actor: Actor) -> None:
        for message in self.unread_for(reader_id, up_to):
            message.read_at = read_at
