"""HTTP entry points of meetings: arranging meetings, their calendar files, distance aids,
session logs and volunteer hours.

`/meetings/{id}` and `/meetings/{id}.ics` share one route (a path segment cannot hold a typed
parameter and a suffix), so meeting ids are read from the path by `_meeting_id`: anything that
is not one answers the 404 an unknown id gets.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from infra.web.tenant_api import application, refusals, roles
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import NotFoundError
from services.meetings.application import Meetings
from services.meetings.distance import parse_day
from services.meetings.domain import Meeting
from services.meetings.ics import CALENDAR_MEDIA_TYPE, meeting_calendar
from services.meetings.places import Locator
from services.meetings.schemas import (
    DistanceView,
    LogSession,
    MeetingList,
    MeetingView,
    MeetingWritten,
    ProposeMeeting,
    RescheduleMeeting,
    VolunteerHoursView,
)
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "MeetingsController"]

MeetingSegment = Annotated[str, PathParameter(
    description="A meeting id; on GET, the id followed by .ics answers the calendar file",
    examples=[Example(value="0b8f6a52-6f1e-4c2a-9a57-3c8d2f7e1b90")],
)]
_MEMBERS = roles(Role.ENTREPRENEUR, Role.MENTOR)
_READERS = roles(Role.ENTREPRENEUR, Role.MENTOR, Role.PROGRAMME_ADMIN)
_ICS_SUFFIX = ".ics"


def _meeting_id(segment: str) -> UUID:
    try:
        return UUID(segment.removesuffix(_ICS_SUFFIX))
    except ValueError:
        raise NotFoundError("no meeting with id %(id)s", field="meetingId",
                            values={"id": segment}) from None


def _written(
    meeting: Meeting, position: int, caller: Caller, locator: Locator, meetings: Meetings
) -> MeetingWritten:
    places = locator.places(meetings.relationship_of(meeting))
    return MeetingWritten(
        meeting=MeetingView.of(meeting, caller.member_id, places), position=position
    )


def _meeting_step(command: str, path: str, summary: str) -> HTTPRouteHandler:
    """A button on a meeting that needs nothing but who presses it, named by the `Meetings`
    command it runs (accept, decline, cancel, confirm_session)."""

    def step(
        self: Controller, meeting: MeetingSegment, meetings: NamedDependency[Meetings],
        profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor], tenant: NamedDependency[TenantRecord],
    ) -> MeetingWritten:
        found, position = getattr(meetings, command)(_meeting_id(meeting), caller, actor)
        return _written(found, position, caller, Locator(profiles, tenant.time_zone), meetings)

    # As if written in the controller's body: the OpenAPI operationId is made from the name,
    # and Litestar orders a controller's routes by the qualified name.
    step.__name__, step.__qualname__ = command, f"MeetingsController.{command}"
    return post(f"/meetings/{{meeting:str}}/{path}", opt=_MEMBERS, sync_to_thread=True,
                status_code=200, summary=summary, responses=refusals(401, 403, 404, 409))(step)


class MeetingsController(Controller):
    path = "/api/v1"
    tags = ["meetings"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "meetings": application(Meetings),
        "mentoring": application(Mentoring),
        "profiles": application(Profiles),
    }

    # Arranging ------------------------------------------------------------------------------

    @post("/relationships/{relationship_id:uuid}/meetings", opt=_MEMBERS, sync_to_thread=True,
          summary="Propose a meeting at a local time (yours unless timeZone says otherwise)",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def propose(
        self, relationship_id: FromPath[UUID], data: JSONBody[ProposeMeeting],
        meetings: NamedDependency[Meetings], mentoring: NamedDependency[Mentoring],
        profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor], tenant: NamedDependency[TenantRecord],
    ) -> MeetingWritten:
        relationship = mentoring.get_relationship(relationship_id, caller)
        locator = Locator(profiles, tenant.time_zone)
        meeting, position = meetings.propose(
            relationship, caller, locator, starts_at=data.starts_at, time_zone=data.time_zone,
            fold=data.fold, duration_minutes=data.duration_minutes, agenda=data.agenda,
            video_link=data.video_link, actor=actor,
        )
        return _written(meeting, position, caller, locator, meetings)

    @get("/relationships/{relationship_id:uuid}/meetings", opt=_READERS, sync_to_thread=True,
         summary="A relationship's meetings, each on both members' clocks",
         responses=refusals(401, 403, 404))
    def list_meetings(
        self, relationship_id: FromPath[UUID], meetings: NamedDependency[Meetings],
        mentoring: NamedDependency[Mentoring], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], tenant: NamedDependency[TenantRecord],
    ) -> MeetingList:
        relationship = mentoring.get_relationship(relationship_id, caller)
        places = Locator(profiles, tenant.time_zone).places(relationship)
        return MeetingList(meetings=[
            MeetingView.of(meeting, caller.member_id, places)
            for meeting in meetings.meetings_of(relationship.id)
        ])

    @get("/meetings/{meeting:str}", opt=_READERS, sync_to_thread=True,
         summary="A meeting on both members' clocks; with .ics, as an iCalendar file",
         responses={
             200: ResponseSpec(
                 MeetingView,
                 description="The meeting (JSON); `/meetings/{id}.ics` answers text/calendar",
             ),
             **refusals(401, 403, 404),
         })
    def get_meeting(
        self, meeting: MeetingSegment, meetings: NamedDependency[Meetings],
        profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
        tenant: NamedDependency[TenantRecord],
    ) -> Response[Any]:
        found = meetings.get_meeting(_meeting_id(meeting), caller)
        if meeting.endswith(_ICS_SUFFIX):
            return Response(
                meeting_calendar(found, tenant.display_name, f"{tenant.slug}.ithaca",
                                 caller.locale),
                media_type=CALENDAR_MEDIA_TYPE,
                headers={"Content-Disposition": f'attachment; filename="meeting-{found.id}.ics"'},
            )
        locator = Locator(profiles, tenant.time_zone)
        places = locator.places(meetings.relationship_of(found))
        return Response(MeetingView.of(found, caller.member_id, places))

    accept = _meeting_step(
        "accept", "accept", "Accept the proposed time (the member who did not propose it)")
    decline = _meeting_step(
        "decline", "decline", "Decline the proposed time (the member who did not propose it)")

    @post("/meetings/{meeting:str}/reschedule", opt=_MEMBERS, sync_to_thread=True,
          status_code=200,
          summary="Move the meeting to a new local time; the other member answers again",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def reschedule(
        self, meeting: MeetingSegment, data: JSONBody[RescheduleMeeting],
        meetings: NamedDependency[Meetings], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
        tenant: NamedDependency[TenantRecord],
    ) -> MeetingWritten:
        locator = Locator(profiles, tenant.time_zone)
        found, position = meetings.reschedule(
            _meeting_id(meeting), caller, locator, starts_at=data.starts_at,
            time_zone=data.time_zone, fold=data.fold, duration_minutes=data.duration_minutes,
            actor=actor,
        )
        return _written(found, position, caller, locator, meetings)

    cancel = _meeting_step("cancel", "cancel", "Cancel the meeting (either member)")

    # Distance aids --------------------------------------------------------------------------

    @get("/relationships/{relationship_id:uuid}/distance", opt=_MEMBERS, sync_to_thread=True,
         summary="The other member's clock, shared working hours, clock changes, holidays",
         responses=refusals(400, 401, 403, 404, 422))
    def distance(
        self, relationship_id: FromPath[UUID], meetings: NamedDependency[Meetings],
        mentoring: NamedDependency[Mentoring], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], tenant: NamedDependency[TenantRecord],
        # Plain text, read by `parse_day`: a refusal then names the parameter as sent.
        from_date: Annotated[str | None, QueryParameter(
            name="from", description="First day, YYYY-MM-DD (yours; default today)",
            examples=[Example(value="2026-03-23")],
        )] = None,
        to_date: Annotated[str | None, QueryParameter(
            name="to", description="Last day, YYYY-MM-DD, at most 92 days on (default a week)",
            examples=[Example(value="2026-03-29")],
        )] = None,
    ) -> DistanceView:
        relationship = mentoring.get_relationship(relationship_id, caller)
        return meetings.distance(
            relationship, caller, Locator(profiles, tenant.time_zone),
            parse_day(from_date, field="from"), parse_day(to_date, field="to"),
        )

    # Sessions -------------------------------------------------------------------------------

    @post("/meetings/{meeting:str}/session-log", opt=_MEMBERS, sync_to_thread=True,
          summary="Log the session held (either member, once it has started)",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def log_session(
        self, meeting: MeetingSegment, data: JSONBody[LogSession],
        meetings: NamedDependency[Meetings], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
        tenant: NamedDependency[TenantRecord],
    ) -> MeetingWritten:
        found, position = meetings.log_session(
            _meeting_id(meeting), caller, duration_minutes=data.duration_minutes,
            summary=data.summary, agreements=data.agreements, next_steps=data.next_steps,
            actor=actor,
        )
        return _written(found, position, caller, Locator(profiles, tenant.time_zone),
                             meetings)

    confirm_session = _meeting_step(
        "confirm_session", "session-log/confirm", "Confirm the other member's session log")

    @get("/me/volunteer-hours", opt=roles(Role.MENTOR), sync_to_thread=True,
         summary="My mentoring sessions and minutes, logged and confirmed",
         responses=refusals(401, 403))
    def volunteer_hours(
        self, meetings: NamedDependency[Meetings], caller: NamedDependency[Caller]
    ) -> VolunteerHoursView:
        return VolunteerHoursView.of(
            caller.member_id, meetings.volunteer_hours(caller.member_id)
        )

ROUTES: list[Any] = [MeetingsController]
