"""Pages: a member's relationships, and each relationship's workspace.

`/relationships` lists the member's relationships on both sides (the timelines read model).
`/relationships/{id}` is the workspace the two members share: the conversation, the meetings on
both members' clocks (propose one at a time on your own clock, answer, cancel, download it for a
calendar, log the session held and confirm the other's log), the relationship's own steps
(start, pause, resume, complete, end) and its timeline (the timelines read model). Anyone else
gets the 404 an unknown id gets: the services refuse them and the error page answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.distance import distance_aids
from infra.web.pages.forms import (
    FormBody,
    FormInvalidError,
    Refusal,
    keep,
    read_form,
    refusals,
    submitted,
)
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.pages.wall_clock import repeated_time, worded_refusal
from infra.web.tenant_api import ANY_MEMBER, application, roles
from projections.reading import open_read_model
from projections.timelines.controllers import member_relationship_list
from projections.timelines.projection import TIMELINES
from projections.timelines.queries import relationship_summary, timeline_page
from projections.timelines.schemas import TimelineEntryView, entry_view, week_view
from services.accounts.application import Accounts, Caller
from services.actor import Actor
from services.errors import InvalidInputError, NotFoundError
from services.meetings.application import Meetings
from services.meetings.ics import CALENDAR_MEDIA_TYPE, meeting_calendar
from services.meetings.places import Locator
from services.meetings.schemas import LogSession, MeetingView, ProposeMeeting
from services.mentoring.application import Mentoring
from services.mentoring.domain import Relationship
from services.mentoring.schemas import End, MessageView, SendMessage
from services.mentoring.values import CURRENT
from services.profiles.application import Profiles
from tenants.directory import TenantRecord

__all__ = ["PAGES"]

LIST_LIMIT = 50
TIMELINE_LIMIT = 500
_WORKSPACE = "relationships/workspace.html"
_CONVERSATION = "relationships/partials/conversation.html"
_ICS_SUFFIX = ".ics"
_PROPOSE_FIELDS = {"startsAt": "date", "fold": "fold", "date": "date", "time": "time",
                   "durationMinutes": "durationMinutes", "agenda": "agenda",
                   "videoLink": "videoLink"}
"""The API's field of an error -> the form field it is shown beside (date and time are typed
apart and joined into `startsAt`)."""
_MESSAGE_FIELDS = ("body",)
_LOG_FIELDS = ("durationMinutes", "summary", "agreements", "nextSteps")
_END_FIELDS = ("reason",)

SERVICES = {
    "accounts": application(Accounts), "meetings": application(Meetings),
    "mentoring": application(Mentoring), "profiles": application(Profiles),
}
"""The application services these pages ask for, by name, as the API's controllers do."""


def _names(request: Request[Any, Any, Any], accounts: Accounts, member_ids: set[UUID]
           ) -> dict[UUID, str]:
    """Members' names by id; a member who is gone reads as nobody in particular."""
    gettext = page_context(request).gettext
    names: dict[UUID, str] = {}
    for member_id in member_ids:
        try:
            names[member_id] = accounts.get_member(member_id).name or gettext("A former member")
        except NotFoundError:
            names[member_id] = gettext("A former member")
    return names


# The list ------------------------------------------------------------------------------------


@get("/relationships", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def relationship_list(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
) -> Template:
    timelines = open_read_model(ithaca, tenant, TIMELINES)
    relationships = member_relationship_list(
        timelines, mentoring, caller.member_id, None, LIST_LIMIT).relationships
    names = _names(request, accounts, {view.counterpart_id for view in relationships})
    return render(request, "relationships/list.html", relationships=relationships, names=names)


# The workspace -------------------------------------------------------------------------------


@dataclass
class _Forms:
    """What the workspace's forms show again after a refusal (empty on a plain visit)."""

    message_values: dict[str, Any]
    message_errors: FormErrors
    meeting_values: dict[str, Any]
    meeting_errors: FormErrors
    log_meeting: UUID | None = None
    log_values: dict[str, Any] | None = None
    log_errors: FormErrors | None = None
    end_values: dict[str, Any] | None = None
    end_errors: FormErrors | None = None
    action_error: str = ""

    @classmethod
    def blank(cls) -> _Forms:
        return cls(message_values={}, message_errors={},
                   meeting_values={"durationMinutes": "60"}, meeting_errors={})


@dataclass(frozen=True)
class Workspace:
    """The relationship's workspace as the signed-in member sees it: what the page reads."""

    ithaca: Ithaca
    tenant: TenantRecord
    accounts: Accounts
    meetings: Meetings
    mentoring: Mentoring
    profiles: Profiles
    caller: Caller
    actor: Actor

    def locator(self) -> Locator:
        return Locator(self.profiles, self.tenant.time_zone)

    def check_meeting(self, relationship_id: UUID, meeting_id: UUID) -> None:
        """The meeting, seen by the caller, belongs to this relationship (else a 404)."""
        meeting = self.meetings.get_meeting(meeting_id, self.caller)
        if meeting.relationship_id != relationship_id:
            raise NotFoundError("no meeting with id %(id)s", field="meetingId",
                                values={"id": meeting_id})

    def mark_read(self, relationship_id: UUID) -> None:
        """The member has the conversation before them: the other's messages are read (the
        read receipts' command, as the API's; programme admins and auditors mark nothing)."""
        relationship = self.mentoring.get_relationship(relationship_id, self.caller)
        if not relationship.involves(self.caller.member_id):
            return
        messages = self.mentoring.messages(relationship.id, self.caller)
        if any(m.sender_id != self.caller.member_id and m.read_at is None for m in messages):
            self.mentoring.mark_read(relationship.id, self.caller, len(messages), self.actor)

    def show(
        self, request: Request[Any, Any, Any], relationship_id: UUID, forms: _Forms,
        status_code: int = 200, *, fragment: str | None = None,
    ) -> Template:
        """The workspace; NotFoundError for anyone who may not see it."""
        caller = self.caller
        relationship = self.mentoring.get_relationship(relationship_id, caller)
        places = self.locator().places(relationship)
        member = relationship.involves(caller.member_id)
        other_id = relationship.counterpart_of(caller.member_id) if member else None
        meeting_views = [MeetingView.of(meeting, caller.member_id, places)
                         for meeting in self.meetings.meetings_of(relationship.id)]
        timeline = self._timeline(relationship.id)
        distance = distance_aids(
            self.meetings, relationship, caller, self.locator(), meeting_views,
            self.meetings.clock(), page_context(request).format) if member else None
        names = _names(request, self.accounts, {
            relationship.mentee_id, relationship.mentor_id,
            *(entry.who for entry in timeline if entry.who)})
        return render(
            request, _WORKSPACE, fragment=fragment, status_code=status_code,
            relationship=relationship, status=relationship.status_at(self.mentoring.clock()),
            member=member, me=caller.member_id, other_id=other_id,
            other_zone=places[other_id].time_zone if other_id else None, names=names,
            distance=distance, repeated_time=repeated_time(
                forms.meeting_values, page_context(request).format.time_zone,
                page_context(request).locale, page_context(request).gettext),
            messages=self._conversation(relationship), meetings=meeting_views,
            meeting_now=self.meetings.clock(),
            open_for_meetings=relationship.status in CURRENT, timeline=timeline, forms=forms,
        )

    def show_action_refused(
        self, request: Request[Any, Any, Any], relationship_id: UUID, refused: Refusal
    ) -> Template:
        """A button's step was refused: the workspace again, the reason at the top."""
        forms = _Forms.blank()
        forms.action_error = refused.problem
        return self.show(request, relationship_id, forms, refused.status_code)

    def _conversation(self, relationship: Relationship) -> list[MessageView]:
        if not relationship.involves(self.caller.member_id):
            return []  # programme admins and auditors see the steps, never the conversation
        return [MessageView.of(message)
                for message in self.mentoring.messages(relationship.id, self.caller)]

    def _timeline(self, relationship_id: UUID) -> list[TimelineEntryView]:
        timelines = open_read_model(self.ithaca, self.tenant, TIMELINES)
        summary = relationship_summary(timelines.store, relationship_id)
        if summary is None:
            return []  # not projected yet
        page = timeline_page(timelines.store, relationship_id, 0, TIMELINE_LIMIT)
        return [week_view(row) if is_week else entry_view(row, summary, self.caller.member_id)
                for is_week, row in page.items]


def provide_workspace(
    ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
    accounts: NamedDependency[Accounts], meetings: NamedDependency[Meetings],
    mentoring: NamedDependency[Mentoring], profiles: NamedDependency[Profiles],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Workspace:
    return Workspace(ithaca, tenant, accounts, meetings, mentoring, profiles, caller, actor)


WORKSPACE = {**SERVICES, "workspace": Provide(provide_workspace, sync_to_thread=False)}


def _back(request: Request[Any, Any, Any], relationship_id: UUID, anchor: str = "") -> Redirect:
    return Redirect(page_context(request).url(f"/relationships/{relationship_id}{anchor}"))


def _refused_form(
    request: Request[Any, Any, Any], relationship_id: UUID, workspace: Workspace,
    data: dict[str, Any], form: str, fields: tuple[str, ...] | dict[str, str],
    command: Callable[[dict[str, Any]], object], *, fragment: str | None = None,
    log_meeting: UUID | None = None,
) -> Template | None:
    """Runs the command of one of the workspace's forms (`form`: message, meeting, log, end)
    on its values; if it is refused, the workspace again with that form as sent and its errors
    beside `fields`. None once the command is recorded."""
    values = submitted(data)
    with refusals(request) as refused:
        command(values)
    if not refused:
        return None
    forms = _Forms.blank()
    setattr(forms, f"{form}_values", keep(values))
    setattr(forms, f"{form}_errors", refused.beside(fields))
    forms.log_meeting = log_meeting
    return workspace.show(request, relationship_id, forms, refused.status_code,
                          fragment=fragment)


@get("/relationships/{relationship_id:uuid}", opt=roles(ANY_MEMBER), sync_to_thread=True,
     dependencies=WORKSPACE)
def workspace(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID],
    workspace: NamedDependency[Workspace],
) -> Template:
    workspace.mark_read(relationship_id)
    return workspace.show(request, relationship_id, _Forms.blank(), fragment=_CONVERSATION)


# The conversation ----------------------------------------------------------------------------


@post("/relationships/{relationship_id:uuid}/messages", opt=roles(ANY_MEMBER),
      sync_to_thread=True, dependencies=WORKSPACE)
def send_message(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID], data: FormBody,
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor], workspace: NamedDependency[Workspace],
) -> Response[Any] | Template:
    refused = _refused_form(
        request, relationship_id, workspace, data, "message", _MESSAGE_FIELDS,
        lambda values: mentoring.send_message(
            relationship_id, caller, read_form(request, values, SendMessage).body, actor),
        fragment=_CONVERSATION)
    if refused is not None:
        return refused
    if request.headers.get("hx-request"):
        return workspace.show(request, relationship_id, _Forms.blank(), fragment=_CONVERSATION)
    return _back(request, relationship_id, "#conversation")


# Meetings ------------------------------------------------------------------------------------


def _proposal(values: dict[str, Any], time_zone: str, gettext: Callable[[str], str]
              ) -> dict[str, Any]:
    """The form (date and time typed apart, on the member's own clock) as the API's body."""
    day, clock = str(values.get("date", "")).strip(), str(values.get("time", "")).strip()
    missing = {name: gettext("This field is required.")
               for name, value in (("date", day), ("time", clock)) if not value}
    if missing:
        raise FormInvalidError(missing)
    body: dict[str, Any] = {name: values[name] for name in ("durationMinutes", "agenda",
                                                            "videoLink", "fold") if name in values}
    return {**body, "startsAt": f"{day}T{clock}", "timeZone": time_zone}


@post("/relationships/{relationship_id:uuid}/meetings", opt=roles(ANY_MEMBER),
      sync_to_thread=True, dependencies=WORKSPACE)
def propose_meeting(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID], data: FormBody,
    meetings: NamedDependency[Meetings], mentoring: NamedDependency[Mentoring],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    workspace: NamedDependency[Workspace],
) -> Response[Any] | Template:
    page = page_context(request)

    def propose(values: dict[str, Any]) -> None:
        form = read_form(request, _proposal(values, page.format.time_zone, page.gettext),
                         ProposeMeeting)
        relationship = mentoring.get_relationship(relationship_id, caller)
        try:
            meetings.propose(
                relationship, caller, workspace.locator(), starts_at=form.starts_at,
                time_zone=form.time_zone, fold=form.fold, duration_minutes=form.duration_minutes,
                agenda=form.agenda, video_link=form.video_link, actor=actor,
            )
        except InvalidInputError as refused:
            worded = worded_refusal(refused, values, page.format.time_zone, page.locale,
                                    page.gettext)
            if worded is None:
                raise
            raise FormInvalidError(worded) from None

    refused = _refused_form(request, relationship_id, workspace, data, "meeting",
                            _PROPOSE_FIELDS, propose)
    return refused or _back(request, relationship_id, "#meetings")


def _meeting_step(
    verb: str, command: Callable[[Meetings, UUID, Caller, Actor], object]
) -> ControllerRouterHandler:
    """A button on a meeting: accept, decline, cancel, confirm the session log."""

    @post(f"/relationships/{{relationship_id:uuid}}/meetings/{{meeting_id:uuid}}/{verb}",
          opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=WORKSPACE,
          name=f"relationship-meeting-{verb.replace('/', '-')}")
    def step(
        request: Request[Any, Any, Any], relationship_id: FromPath[UUID],
        meeting_id: FromPath[UUID], meetings: NamedDependency[Meetings],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
        workspace: NamedDependency[Workspace],
    ) -> Response[Any] | Template:
        with refusals(request) as refused:
            workspace.check_meeting(relationship_id, meeting_id)
            command(meetings, meeting_id, caller, actor)
        if refused:
            return workspace.show_action_refused(request, relationship_id, refused)
        return _back(request, relationship_id, "#meetings")

    return step


@post("/relationships/{relationship_id:uuid}/meetings/{meeting_id:uuid}/session-log",
      opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=WORKSPACE)
def log_session(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID], meeting_id: FromPath[UUID],
    data: FormBody, meetings: NamedDependency[Meetings], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor], workspace: NamedDependency[Workspace],
) -> Response[Any] | Template:
    def log(values: dict[str, Any]) -> None:
        form = read_form(request, values, LogSession)
        workspace.check_meeting(relationship_id, meeting_id)
        meetings.log_session(
            meeting_id, caller, duration_minutes=form.duration_minutes, summary=form.summary,
            agreements=form.agreements, next_steps=form.next_steps, actor=actor)

    refused = _refused_form(request, relationship_id, workspace, data, "log", _LOG_FIELDS, log,
                            log_meeting=meeting_id)
    return refused or _back(request, relationship_id, "#meetings")


@get("/relationships/{relationship_id:uuid}/meetings/{meeting:str}", opt=roles(ANY_MEMBER),
     sync_to_thread=True, dependencies=SERVICES, media_type=CALENDAR_MEDIA_TYPE)
def meeting_ics(
    relationship_id: FromPath[UUID], meeting: FromPath[str],
    tenant: NamedDependency[TenantRecord], meetings: NamedDependency[Meetings],
    caller: NamedDependency[Caller],
) -> Response[bytes]:
    """The meeting as an iCalendar file (`{meeting id}.ics`), as the API's
    `/api/v1/meetings/{id}.ics` answers it."""
    unknown = NotFoundError("no meeting with id %(id)s", field="meetingId",
                            values={"id": meeting})
    try:
        meeting_id = UUID(meeting.removesuffix(_ICS_SUFFIX))
    except ValueError:
        raise unknown from None
    if not meeting.endswith(_ICS_SUFFIX):
        raise unknown
    found = meetings.get_meeting(meeting_id, caller)
    if found.relationship_id != relationship_id:
        raise unknown
    return Response(
        meeting_calendar(found, tenant.display_name, f"{tenant.slug}.ithaca", caller.locale),
        media_type=CALENDAR_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="meeting-{found.id}.ics"'},
    )


# The relationship's own steps ----------------------------------------------------------------


def _relationship_step(verb: str) -> ControllerRouterHandler:
    """A button on the relationship: start, pause, resume, complete."""

    @post(f"/relationships/{{relationship_id:uuid}}/{verb}", opt=roles(ANY_MEMBER),
          sync_to_thread=True, dependencies=WORKSPACE, name=f"relationship-{verb}")
    def step(
        request: Request[Any, Any, Any], relationship_id: FromPath[UUID],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor], workspace: NamedDependency[Workspace],
    ) -> Response[Any] | Template:
        command = getattr(mentoring, verb)
        with refusals(request) as refused:
            command(relationship_id, caller, actor)
        if refused:
            return workspace.show_action_refused(request, relationship_id, refused)
        return _back(request, relationship_id)

    return step


@post("/relationships/{relationship_id:uuid}/end", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=WORKSPACE)
def end_relationship(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID], data: FormBody,
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor], workspace: NamedDependency[Workspace],
) -> Response[Any] | Template:
    refused = _refused_form(
        request, relationship_id, workspace, data, "end", _END_FIELDS,
        lambda values: mentoring.end(
            relationship_id, caller, read_form(request, values, End).reason, actor))
    return refused or _back(request, relationship_id)


PAGES: list[ControllerRouterHandler] = [
    relationship_list, workspace, send_message, propose_meeting, log_session, meeting_ics,
    _meeting_step("accept", lambda m, i, c, a: m.accept(i, c, a)),
    _meeting_step("decline", lambda m, i, c, a: m.decline(i, c, a)),
    _meeting_step("cancel", lambda m, i, c, a: m.cancel(i, c, a)),
    _meeting_step("session-log/confirm", lambda m, i, c, a: m.confirm_session(i, c, a)),
    *(_relationship_step(verb) for verb in ("start", "pause", "resume", "complete")),
    end_relationship,
]
