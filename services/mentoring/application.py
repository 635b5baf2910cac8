"""Mentoring: requests, their answers, the relationships that follow, blocks and conversations.

Every command that changes a relationship records it together with both members' caseloads in
one append (`record`), so rules that span relationships (capacity, open requests, one request
per pair, blocks) hold under concurrency: of two commands touching the same caseload the second
collides, is rerun by `retrying`, and checks its rule again against what the first recorded.

Time comes from `clock` (commands) or a `now` argument (expiry), so tests set it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import BaseAggregate
from eventsourcing.utils import get_topic

from services.accounts.application import Caller
from services.accounts.domain import Member, Role
from services.actor import Actor
from services.application import TenantApplication
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.mentoring.domain import Block, Caseload, Conversation, Relationship
from services.mentoring.values import (
    CURRENT,
    CaseEntry,
    DeclineReason,
    Message,
    Side,
    WithdrawalCause,
    check_introduction,
)
from services.profiles.application import Profiles
from services.programme.application import settings_in

__all__ = ["BlockOutcome", "Mentoring", "Recorded"]

EXPIRY_ACTOR = Actor(kind="system", id="mentoring-expiry")
_SCAN_PAGE = 500


class Recorded:
    """A relationship as a command left it, and the stream position the command reached."""

    __slots__ = ("position", "relationship")

    def __init__(self, relationship: Relationship, position: int) -> None:
        self.relationship, self.position = relationship, position


class BlockOutcome:
    """What a block did: the open requests it withdrew, and the current relationships it left
    running (a block ends nothing; the members end those themselves)."""

    __slots__ = ("position", "still_current", "withdrawn")

    def __init__(self, position: int, withdrawn: list[UUID], still_current: list[UUID]) -> None:
        self.position, self.withdrawn, self.still_current = position, withdrawn, still_current


class Mentoring(TenantApplication):
    name = "mentoring"

    # Queries --------------------------------------------------------------------------------

    def get_relationship(self, relationship_id: UUID, viewer: Caller) -> Relationship:
        """The relationship if the viewer may see it: one of its two members, a programme admin
        or an auditor; anyone else gets the 404 an unknown id gets."""
        relationship = self.get(relationship_id, Relationship, field="relationshipId")
        if relationship.involves(viewer.member_id) or viewer.has(
            Role.PROGRAMME_ADMIN, Role.AUDITOR
        ):
            return relationship
        raise NotFoundError(
            "no relationship with id %(id)s", field="relationshipId",
            values={"id": relationship_id},
        )

    def relationships_of(self, member_id: UUID) -> list[CaseEntry]:
        """Every relationship of the member, on both sides, newest change first."""
        caseload = self.find(Caseload.create_id(member_id), Caseload)
        if caseload is None:
            return []
        return sorted(caseload.entries.values(), key=lambda e: e.changed_at, reverse=True)

    def messages(self, relationship_id: UUID, viewer: Caller) -> list[Message]:
        self._member_of(self.get_relationship(relationship_id, viewer), viewer)
        conversation = self.find(Conversation.create_id(relationship_id), Conversation)
        return list(conversation.messages) if conversation else []

    def reported_message(self, relationship_id: UUID, number: int, viewer: Caller
                         ) -> Message | None:
        """One message of a relationship, for a programme admin deciding a report about it
        (the moderation queue); anyone else gets the 404 an unknown relationship gets."""
        if not viewer.has(Role.PROGRAMME_ADMIN):
            raise NotFoundError("no relationship with id %(id)s", field="relationshipId",
                                values={"id": relationship_id})
        conversation = self.find(Conversation.create_id(relationship_id), Conversation)
        messages = conversation.messages if conversation else []
        return next((message for message in messages if message.number == number), None)

    def is_blocked(self, member_id: UUID, other_id: UUID) -> bool:
        block = self.find(Block.create_id(member_id, other_id), Block)
        return block is not None and block.in_force

    def blocked_by(self, member_id: UUID) -> list[UUID]:
        """The members this member has blocked (not those who blocked them): the caseload
        knows the pairs under a block, each pair's `Block` who imposed it."""
        caseload = self.find(Caseload.create_id(member_id), Caseload)
        if caseload is None:
            return []
        blocks = {other_id: self.get(Block.create_id(member_id, other_id), Block,
                                     field="memberId") for other_id in caseload.blocked_with}
        return [other_id for other_id, block in blocks.items() if member_id in block.blockers]

    # Requests -------------------------------------------------------------------------------

    def request_mentor(
        self, mentee_id: UUID, mentor_id: UUID, introduction: str, actor: Actor
    ) -> Recorded:
        introduction = check_introduction(introduction)
        if mentor_id == mentee_id:
            raise InvalidInputError("you cannot be your own mentor", field="mentorId")
        self._check_mentor(mentor_id)
        settings = settings_in(self)

        def command() -> Recorded:
            now = self.clock()
            mentee_caseload = self._caseload(mentee_id, actor)
            mentor_caseload = self._caseload(mentor_id, actor)
            if mentee_id in mentor_caseload.blocked_with:
                raise ForbiddenError("you cannot send this mentor a request", field="mentorId")
            for entry in mentee_caseload.with_member(mentor_id, now):
                if entry.status in CURRENT:
                    raise ConflictError(
                        "this mentor already mentors you (relationship %(id)s)",
                        field="mentorId", values={"id": entry.relationship_id},
                    )
                raise ConflictError(
                    "you already have an open request to this mentor (relationship %(id)s)",
                    field="mentorId", values={"id": entry.relationship_id},
                )
            if len(mentee_caseload.open_requests(now)) >= settings.max_open_requests:
                raise ConflictError(
                    "you have %(count)s open requests, the most this programme allows; "
                    "withdraw one or wait for answers", field="openRequests",
                    values={"count": settings.max_open_requests},
                )
            relationship = Relationship(
                mentee_id=mentee_id, mentor_id=mentor_id, introduction=introduction,
                requested_at=now, expires_at=now + timedelta(days=settings.request_expiry_days),
                actor=actor,
            )
            mentee_caseload.note(relationship, now, actor)
            mentor_caseload.note(relationship, now, actor)
            return Recorded(
                relationship, self.record(relationship, mentee_caseload, mentor_caseload)
            )

        return self.retrying(command)

    def accept(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        def change(relationship: Relationship, now: datetime) -> list[Caseload]:
            relationship.accept(now, actor)
            mentor_caseload = self._caseload(relationship.mentor_id, actor)
            capacity = self._capacity(relationship.mentor_id)
            if len(mentor_caseload.mentees()) >= capacity:
                raise ConflictError(
                    "you are at your capacity of %(capacity)s mentees; complete or end a "
                    "relationship, or raise your capacity in your profile", field="capacity",
                    values={"capacity": capacity},
                )
            return [mentor_caseload]

        return self._transition(relationship_id, caller, actor, {Side.MENTOR}, change)

    def decline(
        self, relationship_id: UUID, caller: Caller, reason: DeclineReason, note: str,
        actor: Actor,
    ) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, {Side.MENTOR},
            lambda r, now: r.decline(caller.member_id, reason, note, now, actor),
        )

    def withdraw(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, {Side.MENTEE},
            lambda r, now: r.withdraw(WithdrawalCause.MENTEE, now, actor),
        )

    def start(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, set(Side), lambda r, now: r.start(now, actor)
        )

    def pause(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, set(Side), lambda r, now: r.pause(now, actor)
        )

    def resume(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, set(Side), lambda r, now: r.resume(now, actor)
        )

    def complete(self, relationship_id: UUID, caller: Caller, actor: Actor) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, set(Side), lambda r, now: r.complete(now, actor)
        )

    def end(
        self, relationship_id: UUID, caller: Caller, reason: str, actor: Actor
    ) -> Recorded:
        return self._transition(
            relationship_id, caller, actor, set(Side),
            lambda r, now: r.end(caller.member_id, reason, now, actor),
        )

    def withdraw_open_requests_of(self, member_id: UUID, actor: Actor) -> int:
        """Withdraws every open request by or to the member (on suspension); requests already
        overdue are recorded as expired instead. Answers the position reached."""

        def command() -> int:
            now = self.clock()
            caseload = self.find(Caseload.create_id(member_id), Caseload)
            if caseload is None:
                return self.position
            changed: list[BaseAggregate[UUID]] = []
            caseloads = {caseload.id: caseload}
            for entry in caseload.unanswered():
                relationship = self.get(entry.relationship_id, Relationship, field="relationshipId")
                if relationship.is_overdue(now):
                    relationship.expire(now, actor)
                else:
                    relationship.withdraw(WithdrawalCause.SUSPENSION, now, actor)
                changed.append(relationship)
                self._note_in_caseloads(relationship, now, actor, caseloads)
            if not changed:
                return self.position
            return self.record(*changed, *caseloads.values())

        return self.retrying(command)

    def expire_overdue_requests(self, now: datetime, actor: Actor = EXPIRY_ACTOR) -> int:
        """Records the expiry of every request unanswered past its expiry time; answers the
        position reached. Finds requests by scanning the log's request events (no read model
        in this issue), each expiry recorded with both caseloads."""
        topic = get_topic(Relationship.Requested)
        start: int | None = 1
        candidates: list[UUID] = []
        while start is not None:
            page = self.recorder.select_notifications(start, _SCAN_PAGE, topics=[topic])
            candidates.extend(UUID(str(n.originator_id)) for n in page)
            start = page[-1].id + 1 if len(page) == _SCAN_PAGE else None
        for relationship_id in candidates:
            self.expire_request(relationship_id, now, actor)
        return self.position

    def expire_request(
        self, relationship_id: UUID, now: datetime, actor: Actor = EXPIRY_ACTOR
    ) -> int:
        """Records the request's expiry, with both caseloads, if it is still unanswered past
        its expiry time; a request answered, withdrawn or already expired is left as it is, so
        running it twice (or in two processes at once) records one expiry. Answers the
        position reached."""
        self.retrying(self._expiry(relationship_id, now, actor))
        return self.position

    def _expiry(self, relationship_id: UUID, now: datetime, actor: Actor) -> Callable[[], None]:
        def command() -> None:
            relationship = self.get(relationship_id, Relationship, field="relationshipId")
            if not relationship.is_overdue(now):
                return
            relationship.expire(now, actor)
            caseloads: dict[UUID, Caseload] = {}
            self._note_in_caseloads(relationship, now, actor, caseloads)
            self.record(relationship, *caseloads.values())

        return command

    # Blocks ---------------------------------------------------------------------------------

    def block(self, member_id: UUID, other_id: UUID, actor: Actor) -> BlockOutcome:
        """Blocks another member: no request between them from now on. Open requests between
        them are withdrawn (and said so); current relationships carry on until ended."""
        self._check_other_member(member_id, other_id)

        def command() -> BlockOutcome:
            now = self.clock()
            block_id = Block.create_id(member_id, other_id)
            block = self.find(block_id, Block) or Block(
                id=block_id, member_ids=sorted((member_id, other_id)), actor=actor
            )
            block.impose(member_id, now, actor)
            caseloads = {
                c.id: c for c in (self._caseload(member_id, actor), self._caseload(other_id, actor))
            }
            for caseload in caseloads.values():
                caseload.note_block(
                    member_id if caseload.member_id == other_id else other_id, True, now, actor
                )
            withdrawn: list[BaseAggregate[UUID]] = []
            still_current: list[UUID] = []
            for entry in caseloads[Caseload.create_id(member_id)].with_member(other_id, now):
                if entry.status in CURRENT:
                    still_current.append(entry.relationship_id)
                    continue
                relationship = self.get(entry.relationship_id, Relationship, field="relationshipId")
                relationship.withdraw(WithdrawalCause.BLOCK, now, actor)
                withdrawn.append(relationship)
                self._note_in_caseloads(relationship, now, actor, caseloads)
            position = self.record(block, *withdrawn, *caseloads.values())
            return BlockOutcome(position, [r.id for r in withdrawn], still_current)

        return self.retrying(command)

    def unblock(self, member_id: UUID, other_id: UUID, actor: Actor) -> int:
        self._check_other_member(member_id, other_id)

        def command() -> int:
            now = self.clock()
            block = self.find(Block.create_id(member_id, other_id), Block)
            if block is None:
                raise ConflictError("you have not blocked this member", field="memberId")
            block.lift(member_id, now, actor)
            caseloads = [self._caseload(member_id, actor), self._caseload(other_id, actor)]
            for caseload in caseloads:
                caseload.note_block(
                    member_id if caseload.member_id == other_id else other_id, block.in_force,
                    now, actor,
                )
            return self.record(block, *caseloads)

        return self.retrying(command)

    # Conversation ---------------------------------------------------------------------------

    def send_message(
        self, relationship_id: UUID, caller: Caller, body: str, actor: Actor
    ) -> tuple[int, int]:
        """Sends a message in the relationship; answers its number and the position."""

        def command() -> tuple[int, int]:
            now = self.clock()
            relationship = self.get_relationship(relationship_id, caller)
            self._member_of(relationship, caller)
            if not relationship.is_open_for_meetings:
                raise ConflictError(
                    "the relationship is %(status)s; messages can be sent while it is "
                    "accepted, active or paused", field="status",
                    values={"status": relationship.status_at(now)},
                )
            conversation = self._conversation(relationship, actor)
            number = conversation.send(caller.member_id, body, now, actor)
            return number, self.record(conversation)

        return self.retrying(command)

    def mark_read(self, relationship_id: UUID, caller: Caller, up_to: int, actor: Actor) -> int:
        """Marks the other member's messages up to number `up_to` read."""

        def command() -> int:
            relationship = self.get_relationship(relationship_id, caller)
            self._member_of(relationship, caller)
            conversation = self.find(Conversation.create_id(relationship_id), Conversation)
            if conversation is None:
                raise InvalidInputError("there are no messages yet", field="upTo")
            if not conversation.mark_read(caller.member_id, up_to, self.clock(), actor):
                return self.position
            return self.record(conversation)

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _transition(
        self, relationship_id: UUID, caller: Caller, actor: Actor, sides: set[Side],
        change: Callable[[Relationship, datetime], Iterable[Caseload] | None],
    ) -> Recorded:
        def command() -> Recorded:
            now = self.clock()
            relationship = self.get_relationship(relationship_id, caller)
            side = relationship.side_of(caller.member_id)
            if side not in sides:
                who = " or ".join(sorted(s.value for s in sides))
                raise ForbiddenError("only the relationship's %(side)s can do this",
                                     field="role", values={"side": who})
            loaded = change(relationship, now) or ()
            caseloads = {c.id: c for c in loaded}
            self._note_in_caseloads(relationship, now, actor, caseloads)
            return Recorded(relationship, self.record(relationship, *caseloads.values()))

        return self.retrying(command)

    def _note_in_caseloads(
        self, relationship: Relationship, now: datetime, actor: Actor,
        caseloads: dict[UUID, Caseload],
    ) -> None:
        for member_id in relationship.member_ids():
            caseload_id = Caseload.create_id(member_id)
            if caseload_id not in caseloads:
                caseloads[caseload_id] = self._caseload(member_id, actor)
            caseloads[caseload_id].note(relationship, now, actor)

    def _caseload(self, member_id: UUID, actor: Actor) -> Caseload:
        return self.find(Caseload.create_id(member_id), Caseload) or Caseload(
            member_id=member_id, actor=actor
        )

    def _conversation(self, relationship: Relationship, actor: Actor) -> Conversation:
        conversation_id = Conversation.create_id(relationship.id)
        return self.find(conversation_id, Conversation) or Conversation(
            relationship_id=relationship.id, member_ids=list(relationship.member_ids()),
            actor=actor,
        )

    @staticmethod
    def _member_of(relationship: Relationship, viewer: Caller) -> None:
        if not relationship.involves(viewer.member_id):
            raise ForbiddenError(
                "only the relationship's two members see and send its messages", field="role"
            )

    def _check_mentor(self, mentor_id: UUID) -> None:
        mentor = self.find(mentor_id, Member)
        if mentor is None:
            raise NotFoundError("no mentor with id %(id)s", field="mentorId",
                                values={"id": mentor_id})
        if Role.MENTOR not in mentor.roles or self.peer(Profiles).find_mentor_profile(
            mentor_id
        ) is None:
            raise InvalidInputError(
                "this member is not a mentor with a mentor profile", field="mentorId"
            )
        if mentor.suspended:
            raise InvalidInputError("this mentor is not taking requests", field="mentorId")

    def _check_other_member(self, member_id: UUID, other_id: UUID) -> None:
        if other_id == member_id:
            raise InvalidInputError("you cannot block yourself", field="memberId")
        if self.find(other_id, Member) is None:
            raise NotFoundError("no member with id %(id)s", field="memberId",
                                values={"id": other_id})

    def _capacity(self, mentor_id: UUID) -> int:
        profile = self.peer(Profiles).find_mentor_profile(mentor_id)
        return profile.capacity if profile is not None else 0
