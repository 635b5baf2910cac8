"""Pages: safety. Reporting a member or one of their messages to the programme's moderators,
blocking a member, and the member's own safety page: the warnings the moderators gave them and
the members they blocked.

`/report?member=<id>`, or `/report?relationship=<id>&message=<number>` (the links beside each
message and on the relationship page), shows the report form and the block button for that
member. A report is `Moderation.file_report` (as `POST /api/v1/reports`), read from the form
into the API's own `FileReport`; a block and an unblock are `Mentoring.block`/`unblock` (as
`POST`/`DELETE /api/v1/blocks`); the warnings are `Moderation.warnings_of` (as
`GET /api/v1/me/warnings`). A member, relationship or message the reader may not see answers
the 404 an unknown id gets (the services refuse them); other refusals (reporting yourself)
answer with the error page naming the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import ANY_MEMBER, application, roles
from services.accounts.application import Accounts, Caller
from services.actor import Actor
from services.errors import InvalidInputError, NotFoundError
from services.mentoring.application import Mentoring
from services.moderation.application import Moderation
from services.moderation.notifications import REPORT_REASONS
from services.moderation.schemas import FileReport

__all__ = ["PAGES"]

SERVICES = {
    "accounts": application(Accounts), "mentoring": application(Mentoring),
    "moderation": application(Moderation),
}
_REPORT_FIELDS = ("reason", "details")
_REPORT = "safety/report.html"
_SAFETY = "safety/safety.html"


@dataclass(frozen=True)
class _Reported:
    """Whom (and which of their messages) a report is about, as the form shows it."""

    member_id: UUID
    name: str
    relationship_id: UUID | None = None
    message_number: int | None = None
    message: str = ""


def _name(request: Request[Any, Any, Any], accounts: Accounts, member_id: UUID) -> str:
    """The member's name (404 for an id this tenant does not know)."""
    return (accounts.get_member(member_id).name
            or page_context(request).gettext("A former member"))


def _reported(
    request: Request[Any, Any, Any], accounts: Accounts, mentoring: Mentoring, caller: Caller,
    member: UUID | None, relationship: UUID | None, message: int | None,
) -> _Reported:
    """The member or message the reader asks to report; refused as the report would be."""
    if relationship is None and message is None:
        if member is None:
            raise InvalidInputError("choose a member or a message to report", field="memberId")
        found = _Reported(member, _name(request, accounts, member))
    elif relationship is None or message is None:
        raise InvalidInputError(
            "a message report names both the relationship and the message number",
            field="relationshipId" if relationship is None else "messageNumber")
    else:
        # Mentoring answers 404 for a relationship the reader is not a member of.
        sent = next((m for m in mentoring.messages(relationship, caller) if m.number == message),
                    None)
        if sent is None:
            raise NotFoundError("no message %(number)s in this relationship",
                                field="messageNumber", values={"number": message})
        found = _Reported(sent.sender_id, _name(request, accounts, sent.sender_id),
                          relationship, message, sent.body)
    if found.member_id == caller.member_id:
        raise InvalidInputError("you cannot report yourself", field="memberId")
    return found


def _report_page(
    request: Request[Any, Any, Any], mentoring: Mentoring, caller: Caller, reported: _Reported,
    values: dict[str, Any], errors: FormErrors, status_code: int = 200,
) -> Template:
    return render(
        request, _REPORT, reported=reported, reasons=REPORT_REASONS, values=values,
        errors=errors, status_code=status_code,
        blocked=reported.member_id in mentoring.blocked_by(caller.member_id),
    )


@get("/report", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def report_form(
    request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
    member: FromQuery[UUID | None] = None, relationship: FromQuery[UUID | None] = None,
    message: FromQuery[int | None] = None,
) -> Template:
    reported = _reported(request, accounts, mentoring, caller, member, relationship, message)
    return _report_page(request, mentoring, caller, reported, values={}, errors={})


def _optional_uuid(value: object) -> UUID | None:
    """A hidden id field of the form; one that is not an id reads as an unknown one."""
    if not value:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFoundError("no member with id %(id)s", field="memberId",
                            values={"id": value}) from None


@post("/report", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def file_report(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], moderation: NamedDependency[Moderation],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Template | Redirect:
    values = submitted(data)
    number = str(values.get("messageNumber", ""))
    reported = _reported(
        request, accounts, mentoring, caller, _optional_uuid(values.get("memberId")),
        _optional_uuid(values.get("relationshipId")), int(number) if number.isdigit() else None)
    with refusals(request) as refused:
        form = read_form(request, {**values, "memberId": str(reported.member_id)}, FileReport)
        moderation.file_report(
            reporter=caller, member_id=form.member_id, reason=form.reason, details=form.details,
            relationship_id=form.relationship_id, message_number=form.message_number,
            actor=actor, conversations=mentoring,
        )
    if refused:
        return _report_page(request, mentoring, caller, reported, values=keep(values),
                            errors=refused.beside(_REPORT_FIELDS),
                            status_code=refused.status_code)
    return Redirect(page_context(request).url(f"/report/sent?member={reported.member_id}"))


@get("/report/sent", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def report_sent(
    request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
    member: FromQuery[UUID],
) -> Template:
    reported = _Reported(member, _name(request, accounts, member))
    return render(request, "safety/report_sent.html", reported=reported,
                  blocked=member in mentoring.blocked_by(caller.member_id))


# The safety page: warnings and blocks ---------------------------------------------------------


def _safety_page(
    request: Request[Any, Any, Any], accounts: Accounts, mentoring: Mentoring,
    moderation: Moderation, caller: Caller, **notice: Any,
) -> Template:
    blocked = mentoring.blocked_by(caller.member_id)
    names = {member_id: _name(request, accounts, member_id) for member_id in blocked}
    return render(
        request, _SAFETY, warnings=moderation.warnings_of(caller.member_id),
        reasons=REPORT_REASONS, blocked=sorted(blocked, key=lambda m: names[m].casefold()),
        names=names, notice=notice,
    )


@get("/safety", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def safety(
    request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], moderation: NamedDependency[Moderation],
    caller: NamedDependency[Caller],
) -> Template:
    return _safety_page(request, accounts, mentoring, moderation, caller)


@post("/blocks", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def block(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    mentoring: NamedDependency[Mentoring], moderation: NamedDependency[Moderation],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Template:
    """Blocks and says what the block did (rendered here: the outcome is known only now)."""
    member_id = _optional_uuid(submitted(data).get("memberId"))
    if member_id is None:
        raise NotFoundError("no member with id %(id)s", field="memberId", values={"id": ""})
    outcome = mentoring.block(caller.member_id, member_id, actor)
    return _safety_page(
        request, accounts, mentoring, moderation, caller,
        blocked=_name(request, accounts, member_id), withdrawn=len(outcome.withdrawn),
        still_current=len(outcome.still_current),
    )


@post("/blocks/{member_id:uuid}/unblock", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=SERVICES)
def unblock(
    request: Request[Any, Any, Any], member_id: FromPath[UUID],
    accounts: NamedDependency[Accounts], mentoring: NamedDependency[Mentoring],
    moderation: NamedDependency[Moderation], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor],
) -> Template:
    mentoring.unblock(caller.member_id, member_id, actor)
    return _safety_page(request, accounts, mentoring, moderation, caller,
                        unblocked=_name(request, accounts, member_id))


PAGES: list[ControllerRouterHandler] = [report_form, file_report, report_sent, safety, block,
                                        unblock]
