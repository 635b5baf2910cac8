"""HTTP entry points of point-in-time replays (auditors, tenant admins, programme admins; all
GET): the tenant's read models as they were at a moment, and two moments compared.

`{at}` is a stream position (`1234`) or an ISO 8601 time (`2026-06-30T00:00Z`), which resolves
to the last position whose event is at or before it. A position this tenant's stream has not
reached is a 404 (as another tenant's positions are); what can never be a position or a time is
a 422 naming `at` (or `a`, `b`). A replay not built yet is built by the first GET; a big one
answers 202 with Retry-After and the build's progress until it is there
(`projections.replay.serving`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, Parameter, QueryParameter

from infra.container import Ithaca
from infra.web.tenant_api import application, refusals, roles
from projections.dashboards.controllers import (
    Country,
    Employer,
    FromMonth,
    Industry,
    MonthsAfter,
    ProgrammeSlug,
    ToMonth,
)
from projections.dashboards.queries import Filters
from projections.replay.engine import OpenReplay, list_replays, open_replay, stream_head
from projections.replay.schemas import (
    Comparison,
    ReplayBuilding,
    ReplayList,
)
from projections.replay.serving import (
    RETRY_AFTER_SECONDS,
    NotReadyYet,
    position_of,
    replay_at,
)
from projections.replay.views import (
    compare,
    relationship_summary_then,
    replay_dashboard,
    replay_matches,
    replay_members,
    replay_relationships,
    replay_view,
)
from projections.timelines.queries import relationship_summary, timeline_page
from projections.timelines.schemas import RelationshipTimeline, entry_view, week_view
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import NotFoundError
from services.programme.application import Programme
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "ReplayController"]

READERS = roles(Role.AUDITOR, Role.TENANT_ADMIN, Role.PROGRAMME_ADMIN)
_RESPONSES = {
    **refusals(400, 401, 403, 404, 422),
    202: ResponseSpec(ReplayBuilding, description=(
        "The replay is being built in the background: ask again after Retry-After seconds")),
}

At = Annotated[str, Parameter(description=(
    "A stream position, or an ISO 8601 time resolved to the last position at or before it"),
    examples=[Example(value="1234"), Example(value="2026-06-30T00:00Z")])]
Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="How many to list")]
# schema_extra: Litestar leaves an optional parameter's bounds out of the document.
Before = Annotated[int | None, QueryParameter(ge=0, schema_extra={"minimum": 0}, description=(
    "The relationships requested before this one: the `nextBefore` of the previous page"))]
Offset = Annotated[int, QueryParameter(ge=0, description="Members to skip (by name)")]


def _read_at(
    ithaca: Ithaca, tenant: TenantRecord, at: str, read: Callable[[OpenReplay], object]
) -> Response[Any]:
    """What `read` answers from the replay as of `at`."""
    with replay_at(ithaca, tenant, at) as replay:
        return Response(read(replay))


def _building(_: Request[Any, Any, Any], waiting: NotReadyYet) -> Response[Any]:
    """A replay still being built answers 202 with its progress, from any route here."""
    return Response(waiting.building, status_code=202,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _filters(programme_settings: Programme, **given: Any) -> tuple[Filters, bool]:
    # The programme's settings as they are now: which programmes exist, and whether it is a
    # corporate programme (documented limit: they are not replayed).
    settings = programme_settings.get_settings()
    return Filters.checked(programmes=settings.programmes, **given), settings.corporate


class ReplayController(Controller):
    exception_handlers = {NotReadyYet: _building}  # noqa: RUF012 - Litestar's declared class attribute
    path = "/api/v1/audit"
    tags = ["audit"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"programme": application(Programme)}  # noqa: RUF012

    @get("/replays", opt=READERS, sync_to_thread=True,
         summary="The tenant's replays: position, as-of time, when built, size",
         responses=refusals(401, 403))
    def replays(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord]
    ) -> ReplayList:
        views = []
        for placed in list_replays(ithaca, tenant):
            with open_replay(ithaca, tenant, placed.info.position) as replay:
                views.append(replay_view(replay, placed))
        return ReplayList(head=stream_head(ithaca, tenant), replays=views)

    @get("/replays/{at:str}", opt=READERS, sync_to_thread=True,
         summary="A replay as of a position or time (built on first asking)",
         responses=_RESPONSES)
    def replay(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        at: FromPath[At],
    ) -> Response[Any]:
        return _read_at(ithaca, tenant, at, replay_view)

    @get("/replays/{at:str}/members", opt=READERS, sync_to_thread=True,
         summary="The member directory as it was: names, roles, standing, country",
         responses=_RESPONSES)
    def members(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        at: FromPath[At], limit: Limit = 200, offset: Offset = 0,
    ) -> Response[Any]:
        return _read_at(ithaca, tenant, at, lambda replay: replay_members(replay, limit, offset))

    @get("/replays/{at:str}/dashboard", opt=READERS, sync_to_thread=True,
         summary="The impact dashboard as it was, with the live dashboard's filters",
         responses=_RESPONSES)
    def dashboard(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        programme: NamedDependency[Programme], at: FromPath[At],
        country: Country = None, industry: Industry = None, programme_slug: ProgrammeSlug = None,
        employer: Employer = None, from_month: FromMonth = None, to_month: ToMonth = None,
        months_after: MonthsAfter = None,
    ) -> Response[Any]:
        filters, corporate = _filters(
            programme, country=country, industry=industry, programme=programme_slug,
            employer=employer, from_month=from_month, to_month=to_month,
            months_after=months_after)
        return _read_at(ithaca, tenant, at, lambda replay: replay_dashboard(
            replay, filters, corporate=corporate))

    @get("/replays/{at:str}/relationships", opt=READERS, sync_to_thread=True,
         summary="Relationships as they stood, newest request first",
         responses=_RESPONSES)
    def relationships(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        at: FromPath[At],
        member_id: Annotated[UUID | None, QueryParameter(
            name="memberId", description="Only this member's relationships")] = None,
        before: Before = None, limit: Limit = 50,
    ) -> Response[Any]:
        return _read_at(ithaca, tenant, at, lambda replay: replay_relationships(
            replay, limit, before, member_id))

    @get("/replays/{at:str}/relationships/{relationship_id:uuid}/timeline", opt=READERS,
         sync_to_thread=True, summary="A relationship's timeline as it was",
         responses=_RESPONSES)
    def timeline(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        caller: NamedDependency[Caller], at: FromPath[At], relationship_id: FromPath[UUID],
        cursor: Annotated[int, QueryParameter(ge=0)] = 0,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 200,
    ) -> Response[Any]:
        with replay_at(ithaca, tenant, at) as replay:
            row = relationship_summary(replay.store, relationship_id)
            if row is None:
                raise NotFoundError("no relationship with id %(id)s", field="relationshipId",
                                    values={"id": relationship_id})
            page = timeline_page(replay.store, relationship_id, cursor, limit)
            return Response(RelationshipTimeline(
                relationship=relationship_summary_then(replay, row),
                entries=[week_view(item) if is_week else
                         entry_view(item, row, caller.member_id)
                         for is_week, item in page.items],
                next_cursor=page.last_position if page.has_more else None,
                position=replay.position,
            ))

    @get("/replays/{at:str}/matches/{member_id:uuid}", opt=READERS, sync_to_thread=True,
         summary="A member's match lists as they were, with the weights then in force",
         responses=_RESPONSES)
    def matches(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        at: FromPath[At], member_id: FromPath[UUID],
        limit: Annotated[int, QueryParameter(ge=1, le=50)] = 20,
    ) -> Response[Any]:
        return _read_at(ithaca, tenant, at, lambda replay: replay_matches(
            replay, member_id, limit))

    @get("/compare", opt=READERS, sync_to_thread=True,
         summary="Two moments side by side: dashboard figures, members and relationships",
         responses=_RESPONSES)
    def compare(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        programme: NamedDependency[Programme],
        a: Annotated[str, QueryParameter(description="The first moment: position or time",
                                         examples=[Example(value="1200")])],
        b: Annotated[str, QueryParameter(description="The second moment: position or time",
                                         examples=[Example(value="2026-06-30T00:00Z")])],
    ) -> Response[Any]:
        filters, corporate = _filters(programme)
        # Both moments are checked before either replay is built.
        first_position = position_of(ithaca, tenant, a, "a")
        second_position = position_of(ithaca, tenant, b, "b")
        with replay_at(ithaca, tenant, first_position, "a") as first, \
                replay_at(ithaca, tenant, second_position, "b") as second:
            answer: Comparison = compare(
                (replay_view(first), replay_dashboard(first, filters, corporate=corporate)),
                (replay_view(second),
                 replay_dashboard(second, filters, corporate=corporate)))
            return Response(answer)


ROUTES: list[Any] = [ReplayController]
