"""HTTP entry points of the timelines read model: one relationship's timeline, and a member's
relationships with their summaries.

A relationship's timeline is for its two members, programme admins and auditors; a member's list
is for that member, programme admins and auditors. Anyone else gets the 404 an unknown id gets,
so a timeline never tells a stranger that a relationship exists. Every answer carries the
stream `position` the read model had reached; `?after=` waits for a command's position first.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from projections.reading import ReadModel, read_model
from projections.timelines.projection import TIMELINES
from projections.timelines.queries import (
    member_relationships,
    message_totals,
    relationship_summary,
    timeline_page,
)
from projections.timelines.schemas import (
    MemberRelationships,
    RelationshipTimeline,
    entry_view,
    member_relationship_view,
    summary_view,
    week_view,
)
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.errors import NotFoundError
from services.mentoring.application import Mentoring

__all__ = ["ROUTES", "TimelinesController", "member_relationship_list"]

TIMELINE_LIMIT, TIMELINE_LIMIT_MAX = 200, 1000
LIST_LIMIT, LIST_LIMIT_MAX = 50, 200
_OVERSEERS = (Role.PROGRAMME_ADMIN, Role.AUDITOR)

Cursor = Annotated[int, Parameter(
    ge=0, required=False, description=(
        "Answer the entries after this one: the `nextCursor` of the previous page."))]
Before = Annotated[int | None, Parameter(
    # schema_extra: Litestar leaves an optional parameter's bounds out of the document.
    ge=0, schema_extra={"minimum": 0}, required=False, description=(
        "Answer the relationships requested before this one: the `nextBefore` of the "
        "previous page."))]
TimelineLimit = Annotated[int, Parameter(
    ge=1, le=TIMELINE_LIMIT_MAX, required=False, description="Entries per page.")]
ListLimit = Annotated[int, Parameter(
    ge=1, le=LIST_LIMIT_MAX, required=False, description="Relationships per page.")]


def member_relationship_list(
    timelines: ReadModel[Any], mentoring: Mentoring, member_id: UUID, before: int | None,
    limit: int,
) -> MemberRelationships:
    """A page of the member's relationships, newest request first (the API's and the pages')."""
    position = timelines.position
    found = member_relationships(timelines.store, member_id, before, limit)
    now = mentoring.clock()
    page = found[:limit]
    totals = message_totals(timelines.store, [row["relationship_id"] for row in page])
    return MemberRelationships(
        member_id=member_id,
        relationships=[
            member_relationship_view(row, totals.get(row["relationship_id"]), member_id, now)
            for row in page
        ],
        next_before=page[-1]["requested_position"] if len(found) > limit else None,
        position=position,
    )


class TimelinesController(Controller):
    path = "/api/v1"
    tags = ["timelines"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "timelines": read_model(TIMELINES),
        "mentoring": application(Mentoring),
        "accounts": application(Accounts),
    }

    @get("/relationships/{relationship_id:uuid}/timeline", opt=roles(ANY_MEMBER),
         sync_to_thread=True, summary="A relationship's timeline: every step, who and when",
         description=(
             "Requests and answers, start, pauses, meetings (with both members' local times), "
             "session logs, follow-up surveys and the close, oldest first, with the messages "
             "counted per ISO week. For its two members, programme admins and auditors; "
             "others get 404. The mentee does not see why a request was declined."),
         responses=refusals(400, 401, 404))
    def timeline(
        self, relationship_id: FromPath[UUID], timelines: NamedDependency[ReadModel[Any]],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        cursor: Cursor = 0, limit: TimelineLimit = TIMELINE_LIMIT,
    ) -> RelationshipTimeline:
        position = timelines.position
        relationship = relationship_summary(timelines.store, relationship_id)
        if relationship is None or not (
            caller.member_id in (relationship["mentee_id"], relationship["mentor_id"])
            or caller.has(*_OVERSEERS)
        ):
            raise NotFoundError("no relationship with id %(id)s", field="relationshipId",
                                values={"id": relationship_id})
        page = timeline_page(timelines.store, relationship_id, cursor, limit)
        totals = message_totals(timelines.store, [relationship_id])
        return RelationshipTimeline(
            relationship=summary_view(relationship, totals.get(relationship_id),
                                      mentoring.clock()),
            entries=[
                week_view(row) if is_week else entry_view(row, relationship, caller.member_id)
                for is_week, row in page.items
            ],
            next_cursor=page.last_position if page.has_more else None,
            position=position,
        )

    @get("/members/{member_id:uuid}/relationships", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="A member's relationships on both sides, with their summaries",
         description=(
             "Newest request first, with status, milestones and counts. For the member "
             "themself, programme admins and auditors; others get 404."),
         responses=refusals(400, 401, 404))
    def relationships_of_member(
        self, member_id: FromPath[UUID], timelines: NamedDependency[ReadModel[Any]],
        mentoring: NamedDependency[Mentoring], accounts: NamedDependency[Accounts],
        caller: NamedDependency[Caller], before: Before = None,
        limit: ListLimit = LIST_LIMIT,
    ) -> MemberRelationships:
        if member_id != caller.member_id:
            if not caller.has(*_OVERSEERS):
                raise NotFoundError("no member with id %(id)s", field="memberId",
                                    values={"id": member_id})
            accounts.get_member(member_id)  # an unknown id is a 404, not an empty list
        return member_relationship_list(timelines, mentoring, member_id, before, limit)

    @get("/me/relationships/summaries", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="My relationships on both sides, with their summaries",
         description="Newest request first, with status, milestones and counts.",
         responses=refusals(400, 401))
    def my_relationships(
        self, timelines: NamedDependency[ReadModel[Any]], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller], before: Before = None,
        limit: ListLimit = LIST_LIMIT,
    ) -> MemberRelationships:
        return member_relationship_list(timelines, mentoring, caller.member_id, before, limit)


ROUTES: list[Any] = [TimelinesController]
