"""Pages: impact surveys. The entrepreneur's surveys (`/surveys`: the baseline and every
follow-up of the programme's schedule, each answered, due or with the day it falls due), the
follow-up survey (`/surveys/follow-up`), which the survey mail
links to (`services.impact.notifications`), and what the baseline survey of onboarding shares
with it: the programme's questionnaire areas and reading the form into the API's `AnswerSurvey`.

`/surveys/follow-up?months=3&relationship=<id>` asks for that follow-up when it is due (without
a query: the first one due); one answered shows the day it was answered, one not due (or not
the member's) says so and names those that are. The form takes the API's field names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import application, roles
from services import taxonomy
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import NotFoundError
from services.impact.application import Impact
from services.impact.domain import DueSurvey, RevenueBand, SurveyKind
from services.impact.notifications import FOLLOW_UP_PATH
from services.impact.schemas import AnswerSurvey
from services.mentoring.application import Mentoring
from services.programme.application import Programme

__all__ = ["PAGES", "SURVEY_FIELDS", "Question", "questionnaire", "read_survey"]

SURVEY_FIELDS = tuple(field.encode_name for field in msgspec.structs.fields(AnswerSurvey))
_SERVICES = {
    "impact": application(Impact), "mentoring": application(Mentoring),
    "programme": application(Programme), "accounts": application(Accounts),
}
SURVEYS_PATH = "/surveys"


@dataclass(frozen=True)
class Question:
    area: str
    name: str
    question: str


def questionnaire(request: Request[Any, Any, Any], programme: Programme
                  ) -> tuple[int, list[Question]]:
    """The programme's questionnaire version and its areas, in the reader's language."""
    locale = page_context(request).locale
    current = programme.get_questionnaire()
    return current.version, [
        Question(area=area.area, name=taxonomy.expertise_name(area.area, locale),
                 question=area.text(locale))
        for area in current.areas
    ]


def read_survey(
    request: Request[Any, Any, Any], values: dict[str, Any], kind: SurveyKind,
    months_after: int | None = None, relationship_id: UUID | None = None,
) -> AnswerSurvey:
    """The survey form as the API's body (a refusal names the form's field)."""
    shaped: dict[str, Any] = {name: value for name, value in values.items()
                              if not name.startswith("confidence.")
                              and name not in ("monthsAfter", "relationshipId")}
    shaped["kind"] = kind.value
    if months_after is not None:
        shaped["monthsAfter"] = months_after
    if relationship_id is not None:
        shaped["relationshipId"] = str(relationship_id)
    shaped["confidence"] = {name.partition(".")[2]: value for name, value in values.items()
                            if name.startswith("confidence.") and value != ""}
    return read_form(request, shaped, AnswerSurvey)


def survey_form_context(request: Request[Any, Any, Any], programme: Programme) -> dict[str, Any]:
    """What the survey fields (`onboarding/macros.html`'s `survey_fields`) show."""
    _, questions = questionnaire(request, programme)
    return {"questions": questions, "bands": [(band.value, band.value) for band in RevenueBand]}


def _chosen(
    request: Request[Any, Any, Any], due: list[DueSurvey]
) -> tuple[int | None, UUID | None]:
    """The follow-up the query names, else the first one due."""
    months_text = request.query_params.get("months", "")
    relationship_text = request.query_params.get("relationship", "")
    if not months_text:
        first = next((s for s in due if s.kind is SurveyKind.FOLLOW_UP), None)
        return (first.months_after, first.relationship_id) if first else (None, None)
    if not months_text.isdigit():
        return None, None
    return int(months_text), _uuid_or_none(relationship_text)


def _uuid_or_none(text: str) -> UUID | None:
    """The id, or None for none given or one that is not an id (which names no survey)."""
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


def _follow_up_page(
    request: Request[Any, Any, Any], impact: Impact, mentoring: Mentoring, programme: Programme,
    caller: Caller, months_after: int | None, relationship_id: UUID | None, *,
    values: dict[str, Any], errors: FormErrors, status_code: int = 200,
) -> Template:
    due = [s for s in impact.due(caller, mentoring) if s.kind is SurveyKind.FOLLOW_UP]
    survey = next((s for s in due if (s.months_after, s.relationship_id)
                   == (months_after, relationship_id)), None)
    answered = next((r for r in impact.history(caller.member_id)
                     if r.kind is SurveyKind.FOLLOW_UP and r.months_after == months_after
                     and r.relationship_id == relationship_id), None)
    return render(request, "surveys/follow_up.html", survey=survey, answered=answered,
                  months_after=months_after, relationship_id=relationship_id, due=due,
                  values=values, errors=errors, status_code=status_code,
                  **survey_form_context(request, programme))


@dataclass(frozen=True)
class FollowUp:
    """One follow-up of the schedule as the entrepreneur's surveys page lists it."""

    survey: DueSurvey
    mentor: str
    answered_at: datetime | None
    due_now: bool


@get(SURVEYS_PATH, opt=roles(Role.ENTREPRENEUR), sync_to_thread=True, dependencies=_SERVICES)
def surveys(
    request: Request[Any, Any, Any], impact: NamedDependency[Impact],
    mentoring: NamedDependency[Mentoring], accounts: NamedDependency[Accounts],
    caller: NamedDependency[Caller],
) -> Template:
    history = impact.history(caller.member_id)
    answered = {(r.relationship_id, r.months_after): r.answered_at for r in history
                if r.kind is SurveyKind.FOLLOW_UP}
    due = {(s.relationship_id, s.months_after) for s in impact.due(caller, mentoring)}
    mentors: dict[UUID, str] = {}
    follow_ups = []
    for survey in impact.follow_ups(caller, mentoring):
        key = (survey.relationship_id, survey.months_after)
        if survey.relationship_id and survey.relationship_id not in mentors:
            mentor_id = mentoring.get_relationship(survey.relationship_id, caller).mentor_id
            mentors[survey.relationship_id] = _name(accounts, mentor_id)
        follow_ups.append(FollowUp(
            survey=survey, mentor=mentors.get(survey.relationship_id or UUID(int=0), ""),
            answered_at=answered.get(key), due_now=key in due))
    baseline = next((r for r in history if r.kind is SurveyKind.BASELINE), None)
    return render(request, "surveys/surveys.html", follow_ups=follow_ups, baseline=baseline,
                  entrepreneur=caller.has(Role.ENTREPRENEUR))


def _name(accounts: Accounts, member_id: UUID) -> str:
    try:
        return accounts.get_member(member_id).name
    except NotFoundError:
        return ""


@get(FOLLOW_UP_PATH, opt=roles(Role.ENTREPRENEUR), sync_to_thread=True, dependencies=_SERVICES)
def follow_up_form(
    request: Request[Any, Any, Any], impact: NamedDependency[Impact],
    mentoring: NamedDependency[Mentoring], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller],
) -> Template:
    due = impact.due(caller, mentoring)
    months_after, relationship_id = _chosen(request, due)
    return _follow_up_page(request, impact, mentoring, programme, caller, months_after,
                           relationship_id, values={}, errors={})


@post(FOLLOW_UP_PATH, opt=roles(Role.ENTREPRENEUR), sync_to_thread=True, dependencies=_SERVICES)
def follow_up(
    request: Request[Any, Any, Any], data: FormBody, impact: NamedDependency[Impact],
    mentoring: NamedDependency[Mentoring], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    months_text, relationship_text = values.get("monthsAfter", ""), values.get("relationshipId", "")
    months_after = int(months_text) if str(months_text).isdigit() else None
    relationship_id = _uuid_or_none(str(relationship_text))
    _, questions = questionnaire(request, programme)
    known = [*SURVEY_FIELDS, *(f"confidence.{q.area}" for q in questions)]
    with refusals(request) as refused:
        form = read_survey(request, values, SurveyKind.FOLLOW_UP, months_after, relationship_id)
        impact.answer(
            entrepreneur=caller, kind=SurveyKind.FOLLOW_UP, months_after=form.months_after,
            relationship_id=form.relationship_id, answers=form.answers(),
            comment=(form.comment or "").strip(), actor=actor, mentoring=mentoring)
    if refused:
        return _follow_up_page(request, impact, mentoring, programme, caller, months_after,
                               relationship_id, values=keep(values),
                               errors=refused.beside({name: name for name in known}),
                               status_code=refused.status_code)
    query = f"?months={months_after}" + (f"&relationship={relationship_id}"
                                         if relationship_id else "")
    return Redirect(page_context(request).url(FOLLOW_UP_PATH + query))


PAGES: list[ControllerRouterHandler] = [surveys, follow_up_form, follow_up]
