"""HTTP entry points of mentoring: requests and their answers, the relationship's life, blocks,
and the conversation between mentor and mentee."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.mentoring.application import Mentoring, Recorded
from services.mentoring.schemas import (
    Blocked,
    BlockMember,
    CaseEntryView,
    Decline,
    End,
    MarkRead,
    Messages,
    MessageSent,
    MessageView,
    MyRelationships,
    RelationshipChanged,
    RelationshipView,
    RequestMentor,
    SendMessage,
)
from services.schemas import Written

__all__ = ["ROUTES", "BlocksController", "RelationshipsController"]

_ID = "/relationships/{relationship_id:uuid}"
_CHANGE = refusals(401, 403, 404, 409)


def _changed(recorded: Recorded) -> RelationshipChanged:
    relationship = recorded.relationship
    return RelationshipChanged(
        id=relationship.id, status=relationship.status, position=recorded.position
    )


def _relationship_step(verb: str, summary: str) -> HTTPRouteHandler:
    """A step in a relationship's life that needs nothing but who takes it, named by the
    `Mentoring` command that takes it (accept, withdraw, start, pause, resume, complete)."""

    def step(
        self: Controller, relationship_id: FromPath[UUID], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> RelationshipChanged:
        return _changed(getattr(mentoring, verb)(relationship_id, caller, actor))

    # As if written in the controller's body: the OpenAPI operationId is made from the name,
    # and Litestar orders a controller's routes by the qualified name.
    step.__name__, step.__qualname__ = verb, f"RelationshipsController.{verb}"
    return post(f"{_ID}/{verb}", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
                summary=summary, responses=_CHANGE)(step)


class RelationshipsController(Controller):
    path = "/api/v1"
    tags = ["mentoring"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"mentoring": application(Mentoring)}  # noqa: RUF012

    @post("/relationships", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
          summary="Ask a mentor for mentoring, with an introduction",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def request_mentor(
        self, data: JSONBody[RequestMentor], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> RelationshipChanged:
        return _changed(mentoring.request_mentor(
            caller.member_id, data.mentor_id, data.introduction, actor
        ))

    @get(_ID, opt=roles(ANY_MEMBER), sync_to_thread=True, summary="A relationship",
         description="Its two members, programme admins and auditors see it; others get 404.",
         responses=refusals(401, 404))
    def get_relationship(
        self, relationship_id: FromPath[UUID], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller],
    ) -> RelationshipView:
        relationship = mentoring.get_relationship(relationship_id, caller)
        return RelationshipView.of(relationship, caller, mentoring.clock())

    @get("/me/relationships", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="My relationships and requests, as mentee and as mentor",
         responses=refusals(401))
    def my_relationships(
        self, mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller]
    ) -> MyRelationships:
        now = mentoring.clock()
        return MyRelationships(relationships=[
            CaseEntryView.of(entry, now) for entry in mentoring.relationships_of(caller.member_id)
        ])

    accept = _relationship_step("accept", "Accept a request (the mentor; within capacity)")

    @post(f"{_ID}/decline", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
          summary="Decline a request (the mentor), with a reason the entrepreneur does not see",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def decline(
        self, relationship_id: FromPath[UUID], data: JSONBody[Decline],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> RelationshipChanged:
        return _changed(mentoring.decline(relationship_id, caller, data.reason, data.note, actor))

    withdraw = _relationship_step("withdraw", "Withdraw a request (the entrepreneur who made it)")
    start = _relationship_step("start", "Start an accepted relationship (either member)")
    pause = _relationship_step("pause", "Pause an active relationship (either member)")
    resume = _relationship_step("resume", "Resume a paused relationship (either member)")
    complete = _relationship_step(
        "complete", "Complete an active or paused relationship (either member)")

    @post(f"{_ID}/end", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
          summary="End a relationship early, with a reason (either member)",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def end(
        self, relationship_id: FromPath[UUID], data: JSONBody[End],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> RelationshipChanged:
        return _changed(mentoring.end(relationship_id, caller, data.reason, actor))

    @post(f"{_ID}/messages", opt=roles(ANY_MEMBER), sync_to_thread=True,
          summary="Send a message to the other member",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def send_message(
        self, relationship_id: FromPath[UUID], data: JSONBody[SendMessage],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> MessageSent:
        number, position = mentoring.send_message(relationship_id, caller, data.body, actor)
        return MessageSent(number=number, position=position)

    @get(f"{_ID}/messages", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="The conversation, oldest first, with read receipts (the two members only)",
         responses=refusals(401, 403, 404))
    def messages(
        self, relationship_id: FromPath[UUID], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller],
    ) -> Messages:
        return Messages(messages=[
            MessageView.of(m) for m in mentoring.messages(relationship_id, caller)
        ])

    @post(f"{_ID}/messages/read", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
          summary="Mark the other member's messages read, up to a number",
          responses=refusals(400, 401, 403, 404, 422))
    def mark_read(
        self, relationship_id: FromPath[UUID], data: JSONBody[MarkRead],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=mentoring.mark_read(relationship_id, caller, data.up_to, actor))


class BlocksController(Controller):
    path = "/api/v1"
    tags = ["mentoring"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"mentoring": application(Mentoring)}  # noqa: RUF012

    @post("/blocks", opt=roles(ANY_MEMBER), sync_to_thread=True,
          summary="Block a member: no requests between you; open ones are withdrawn",
          responses=refusals(400, 401, 404, 409, 422))
    def block(
        self, data: JSONBody[BlockMember], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> Blocked:
        outcome = mentoring.block(caller.member_id, data.member_id, actor)
        return Blocked(
            position=outcome.position, withdrawn_requests=outcome.withdrawn,
            current_relationships=outcome.still_current,
        )

    @delete("/blocks/{member_id:uuid}", opt=roles(ANY_MEMBER), sync_to_thread=True,
            status_code=200, summary="Lift your block of a member",
            responses=refusals(401, 404, 409, 422))
    def unblock(
        self, member_id: FromPath[UUID], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=mentoring.unblock(caller.member_id, member_id, actor))


ROUTES: list[Any] = [RelationshipsController, BlocksController]
