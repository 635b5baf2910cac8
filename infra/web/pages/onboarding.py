"""Pages: onboarding (a new member's first steps) and my profile.

The onboarding wizard (`/onboarding`) lists the steps a member has to take, each a form page:
their profile(s) (`/onboarding/profile`, the entrepreneur's and/or the mentor's), then, for
entrepreneurs, the business self-assessment (`/onboarding/self-assessment`) and the baseline
impact survey (`/onboarding/baseline-survey`); after the last step the member goes home. A step
already done shows as done, with a link to revise it (the baseline survey is answered once).

`/profile` edits the same profile forms at any time; a mentor's capacity and availability
(working hours) are part of the mentor profile.

The forms take the JSON API's Structs (`EntrepreneurProfileBody`, `MentorProfileBody`,
`SelfAssessmentBody`, `AnswerSurvey`) with the API's field names; the nested working hours are
the fields `workingHours.start`, `workingHours.end` and `workingHours.weekdays`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
from babel.dates import get_day_names
from litestar import Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import FormInvalidError, keep, read_form, refusals, submitted
from infra.web.pages.handlers import in_thread, service, signed_in
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import ANY_MEMBER, provide_actor, roles
from services import taxonomy
from services.accounts.domain import Role
from services.impact.application import Impact
from services.impact.domain import RevenueBand, SurveyKind
from services.impact.schemas import AnswerSurvey
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.schemas import (
    EntrepreneurProfileBody,
    EntrepreneurProfileView,
    MentorProfileBody,
    MentorProfileView,
    SelfAssessmentBody,
)
from services.programme.application import Programme

__all__ = ["PAGES"]


ENTREPRENEUR = "entrepreneur"
MENTOR = "mentor"
_HOURS = ("workingHours.start", "workingHours.end", "workingHours.weekdays")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _by_name(known: Iterable[str]) -> dict[str, str]:
    """The form's fields for `Refusal.beside`; a refusal of the working hours as a whole
    (no day chosen) goes beside the days."""
    return {**{name: name for name in known}, "workingHours": "workingHours.weekdays"}
_RATINGS = (1, 2, 3, 4, 5)



# Where the member stands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Which onboarding steps apply to the member and which are done."""

    entrepreneur: bool
    mentor: bool
    entrepreneur_profile: bool
    mentor_profile: bool
    self_assessment: bool
    baseline: bool

    def profile_kinds(self) -> list[str]:
        return [kind for kind, holds in ((ENTREPRENEUR, self.entrepreneur), (MENTOR, self.mentor))
                if holds]

    def missing_profile(self) -> str | None:
        if self.entrepreneur and not self.entrepreneur_profile:
            return ENTREPRENEUR
        if self.mentor and not self.mentor_profile:
            return MENTOR
        return None

    def next_after_profile(self) -> str:
        missing = self.missing_profile()
        if missing:
            return f"/onboarding/profile?as={missing}"
        if self.entrepreneur and not self.self_assessment:
            return "/onboarding/self-assessment"
        if self.entrepreneur and not self.baseline:
            return "/onboarding/baseline-survey"
        return "/home"


def _progress(request: Request[Any, Any, Any]) -> Progress:
    caller = signed_in(request)
    profiles = service(request, Profiles)
    entrepreneur, mentor = caller.has(Role.ENTREPRENEUR), caller.has(Role.MENTOR)
    surveys = service(request, Impact).surveys_of(caller.member_id) if entrepreneur else None
    return Progress(
        entrepreneur=entrepreneur, mentor=mentor,
        entrepreneur_profile=entrepreneur
        and profiles.find_entrepreneur_profile(caller.member_id) is not None,
        mentor_profile=mentor and profiles.find_mentor_profile(caller.member_id) is not None,
        self_assessment=entrepreneur and bool(profiles.self_assessments_of(caller.member_id)),
        baseline=surveys is not None and surveys.baseline_at is not None,
    )




def _camel_fields(struct: type[msgspec.Struct]) -> list[str]:
    return [field.encode_name for field in msgspec.structs.fields(struct)]


# The profile forms ------------------------------------------------------------------------------


def _profile_struct(kind: str) -> type[EntrepreneurProfileBody] | type[MentorProfileBody]:
    return MentorProfileBody if kind == MENTOR else EntrepreneurProfileBody


def _hours_shaped(request: Request[Any, Any, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The form's values with the working hours as the API's nested object; a clock that is
    not HH:MM is an error beside its field."""
    gettext = page_context(request).gettext
    shaped = {name: value for name, value in values.items() if name not in _HOURS}
    start = str(values.get("workingHours.start", "")).strip()[:5]
    end = str(values.get("workingHours.end", "")).strip()[:5]
    errors: FormErrors = {}
    for name, clock in (("workingHours.start", start), ("workingHours.end", end)):
        if not clock:
            errors[name] = gettext("This field is required.")
        elif not _CLOCK.match(clock):
            errors[name] = gettext("Give a time as HH:MM, for example 09:00.")
    days = values.get("workingHours.weekdays", [])
    days = days if isinstance(days, list) else [days]
    if not days:
        errors["workingHours.weekdays"] = gettext("Choose at least one day.")
    if errors:
        raise FormInvalidError(errors)
    shaped["workingHours"] = {"start": start, "end": end, "weekdays": days}
    return shaped


def _read_profile(
    request: Request[Any, Any, Any], kind: str, values: dict[str, Any]
) -> EntrepreneurProfileBody | MentorProfileBody:
    """The submitted profile form as the API's Struct; every error of the form at once where
    the working hours and the rest both fail."""
    struct = _profile_struct(kind)
    lists = (("expertise", "industries", "languages", "countriesOfExperience") if kind == MENTOR
             else ("languages",))
    try:
        shaped = _hours_shaped(request, values)
    except FormInvalidError as invalid:
        hours_errors = invalid.errors
        shaped = {**{n: v for n, v in values.items() if n not in _HOURS},
                  "workingHours": {"start": "00:00", "end": "23:59", "weekdays": [0]}}
        try:
            read_form(request, shaped, struct, lists=lists)
        except FormInvalidError as also:
            hours_errors = {**also.errors, **hours_errors}
        raise FormInvalidError(hours_errors) from invalid
    return read_form(request, shaped, struct, lists=lists)


def _profile_values(
    view: EntrepreneurProfileView | MentorProfileView | None,
) -> dict[str, Any]:
    """A stored profile as the form shows it."""
    if view is None:
        return {}
    data: dict[str, Any] = msgspec.to_builtins(view)
    hours = data.pop("workingHours")
    data["workingHours.start"] = hours["start"]
    data["workingHours.end"] = hours["end"]
    data["workingHours.weekdays"] = [str(day) for day in hours["weekdays"]]
    return {name: ("" if value is None else value) for name, value in data.items()}


def _stored_profile(request: Request[Any, Any, Any], kind: str) -> dict[str, Any]:
    profiles = service(request, Profiles)
    member_id = signed_in(request).member_id
    if kind == MENTOR:
        mentor = profiles.find_mentor_profile(member_id)
        return _profile_values(
            MentorProfileView.of(mentor, with_employment=True) if mentor else None)
    entrepreneur = profiles.find_entrepreneur_profile(member_id)
    return _profile_values(EntrepreneurProfileView.of(entrepreneur) if entrepreneur else None)


def _choices(locale: str) -> dict[str, Any]:
    """The options of the profile forms, named in the reader's language."""

    def pairs(terms: list[taxonomy.Term]) -> list[tuple[str, str]]:
        return [(term.code, term.name) for term in terms]

    zones = [(term.code, term.code if term.name == term.code else f"{term.code} · {term.name}")
             for term in taxonomy.time_zones(locale)]
    days = get_day_names("wide", locale=locale)
    return {
        "stages": pairs(taxonomy.stages(locale)),
        "industries": pairs(taxonomy.industries(locale)),
        "expertise": pairs(taxonomy.expertise_areas(locale)),
        "countries": pairs(taxonomy.countries(locale)),
        "languages": pairs(taxonomy.languages(locale)),
        "time_zones": zones,
        "weekdays": [(str(day), days[day]) for day in range(7)],
    }


def _profile_page(
    request: Request[Any, Any, Any], *, kind: str, values: dict[str, Any], errors: FormErrors,
    onboarding: bool, progress: Progress, saved: bool = False, status_code: int = 200,
) -> Template:
    page = page_context(request)
    settings = service(request, Programme).get_settings()
    if not values:
        values = {"timeZone": page.tenant.time_zone if page.tenant else "",
                  "workingHours.start": "09:00", "workingHours.end": "17:00",
                  "workingHours.weekdays": ["0", "1", "2", "3", "4"]}
    return render(
        request, "onboarding/profile.html", kind=kind, values=values, errors=errors,
        onboarding=onboarding, progress=progress, saved=saved,
        action=page.url(("/onboarding/profile" if onboarding else "/profile") + f"?as={kind}"),
        programmes=[(name, name) for name in settings.programmes], corporate=settings.corporate,
        choices=_choices(page.locale), status_code=status_code,
    )


def _kind_of(progress: Progress, requested: str | None) -> str | None:
    kinds = progress.profile_kinds()
    if requested in kinds:
        return requested
    missing = progress.missing_profile()
    return missing or (kinds[0] if kinds else None)


async def _save_profile(
    request: Request[Any, Any, Any], requested: str | None, *, onboarding: bool,
) -> Response[Any] | Template:
    values = await submitted(request)
    progress = await in_thread(lambda: _progress(request))
    kind = _kind_of(progress, requested)
    page = page_context(request)
    if kind is None:
        return Redirect(page.url("/onboarding"))
    known = [*_camel_fields(_profile_struct(kind)), *_HOURS]
    with refusals(request) as refused:
        data = _read_profile(request, kind, values)
        profiles = service(request, Profiles)
        member_id, actor = signed_in(request).member_id, provide_actor(request)
        if isinstance(data, MentorProfileBody):
            mentor_body = data
            await in_thread(lambda: profiles.save_mentor_profile(
                member_id, mentor_body.to_domain(), actor))
        else:
            entrepreneur_body = data
            await in_thread(lambda: profiles.save_entrepreneur_profile(
                member_id, entrepreneur_body.to_domain(), actor))
    errors, status = refused.errors, refused.status_code
    if errors:
        placed = refused.beside(_by_name(known))
        return await in_thread(lambda: _profile_page(
            request, kind=kind, values=keep(values), errors=placed, onboarding=onboarding,
            progress=progress, status_code=status))
    if not onboarding:
        return Redirect(page.url(f"/profile?as={kind}&saved=1"))
    progress = await in_thread(lambda: _progress(request))
    return Redirect(page.url(progress.next_after_profile()))


# The wizard ------------------------------------------------------------------------------------


@get("/onboarding", opt=roles(ANY_MEMBER), sync_to_thread=True)
def onboarding(request: Request[Any, Any, Any]) -> Template:
    progress = _progress(request)
    return render(request, "onboarding/wizard.html", progress=progress,
                  next_step=progress.next_after_profile())


@get("/onboarding/profile", opt=roles(ANY_MEMBER), sync_to_thread=True)
def onboarding_profile_form(request: Request[Any, Any, Any]) -> Template | Redirect:
    progress = _progress(request)
    kind = _kind_of(progress, request.query_params.get("as"))
    if kind is None:
        return Redirect(page_context(request).url("/onboarding"))
    return _profile_page(request, kind=kind, values=_stored_profile(request, kind), errors={},
                         onboarding=True, progress=progress)


@post("/onboarding/profile", opt=roles(ANY_MEMBER))
async def onboarding_profile(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    return await _save_profile(request, request.query_params.get("as"), onboarding=True)


@get("/profile", opt=roles(ANY_MEMBER), sync_to_thread=True)
def profile_form(request: Request[Any, Any, Any]) -> Template:
    progress = _progress(request)
    kind = _kind_of(progress, request.query_params.get("as"))
    if kind is None:
        return render(request, "onboarding/no_profile.html")
    return _profile_page(request, kind=kind, values=_stored_profile(request, kind), errors={},
                         onboarding=False, progress=progress,
                         saved=request.query_params.get("saved") == "1")


@post("/profile", opt=roles(ANY_MEMBER))
async def save_profile(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    return await _save_profile(request, request.query_params.get("as"), onboarding=False)


# The self-assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    area: str
    name: str
    question: str


def _questionnaire(request: Request[Any, Any, Any]) -> tuple[int, list[Question]]:
    locale = page_context(request).locale
    questionnaire = service(request, Programme).get_questionnaire()
    return questionnaire.version, [
        Question(area=area.area, name=taxonomy.expertise_name(area.area, locale),
                 question=area.text(locale))
        for area in questionnaire.areas
    ]


def _assessment_page(
    request: Request[Any, Any, Any], *, values: dict[str, Any], errors: FormErrors,
    status_code: int = 200,
) -> Template:
    version, questions = _questionnaire(request)
    progress = _progress(request)
    return render(request, "onboarding/self_assessment.html", version=version,
                  questions=questions, ratings=_RATINGS, values=values, errors=errors,
                  progress=progress, status_code=status_code)


@get("/onboarding/self-assessment", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True)
def self_assessment_form(request: Request[Any, Any, Any]) -> Template:
    history = service(request, Profiles).self_assessments_of(signed_in(request).member_id)
    values: dict[str, Any] = {}
    if history:
        latest = history[-1]
        values = {f"ratings.{r.area}": str(r.rating) for r in latest.ratings}
        values.update({f"notes.{area}": note for area, note in latest.notes.items()})
    return _assessment_page(request, values=values, errors={})


@post("/onboarding/self-assessment", opt=roles(Role.ENTREPRENEUR))
async def self_assessment(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    shaped: dict[str, Any] = {"version": values.get("version", ""), "ratings": {}, "notes": {}}
    for name, value in values.items():
        prefix, _, area = name.partition(".")
        if prefix in ("ratings", "notes") and area and value != "":
            shaped[prefix][area] = value
    _, questions = await in_thread(lambda: _questionnaire(request))
    known = [f"{prefix}.{q.area}" for q in questions for prefix in ("ratings", "notes")]
    with refusals(request) as refused:
        data = read_form(request, shaped, SelfAssessmentBody)
        profiles = service(request, Profiles)
        member_id, actor = signed_in(request).member_id, provide_actor(request)
        await in_thread(lambda: profiles.submit_self_assessment(
            member_id, version=data.version, ratings=data.ratings, notes=data.notes,
            actor=actor))
    errors, status = refused.errors, refused.status_code
    if errors:
        placed = refused.beside(_by_name(known))
        return await in_thread(lambda: _assessment_page(
            request, values=keep(values), errors=placed, status_code=status))
    progress = await in_thread(lambda: _progress(request))
    target = "/onboarding/baseline-survey" if not progress.baseline else "/onboarding"
    return Redirect(page_context(request).url(target))


# The baseline survey ---------------------------------------------------------------------------


_SURVEY_FIELDS = (*_camel_fields(AnswerSurvey),)


def _survey_page(
    request: Request[Any, Any, Any], *, values: dict[str, Any], errors: FormErrors,
    status_code: int = 200,
) -> Template:
    progress = _progress(request)
    _, questions = _questionnaire(request)
    answered = None
    if progress.baseline:
        history = service(request, Impact).history(signed_in(request).member_id)
        answered = next((r for r in history if r.kind is SurveyKind.BASELINE), None)
    return render(request, "onboarding/baseline_survey.html", values=values, errors=errors,
                  questions=questions, ratings=_RATINGS,
                  bands=[(band.value, band.value) for band in RevenueBand],
                  progress=progress, answered=answered, status_code=status_code)


@get("/onboarding/baseline-survey", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True)
def baseline_survey_form(request: Request[Any, Any, Any]) -> Template:
    return _survey_page(request, values={}, errors={})


@post("/onboarding/baseline-survey", opt=roles(Role.ENTREPRENEUR))
async def baseline_survey(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    shaped: dict[str, Any] = {name: value for name, value in values.items()
                              if not name.startswith("confidence.")}
    shaped["kind"] = SurveyKind.BASELINE.value
    shaped["confidence"] = {name.partition(".")[2]: value for name, value in values.items()
                            if name.startswith("confidence.") and value != ""}
    _, questions = await in_thread(lambda: _questionnaire(request))
    known = [*_SURVEY_FIELDS, *(f"confidence.{q.area}" for q in questions)]
    with refusals(request) as refused:
        data = read_form(request, shaped, AnswerSurvey)
        impact, mentoring = service(request, Impact), service(request, Mentoring)
        caller, actor = signed_in(request), provide_actor(request)
        await in_thread(lambda: impact.answer(
            entrepreneur=caller, kind=SurveyKind.BASELINE, months_after=None,
            relationship_id=None, answers=data.answers(),
            comment=(data.comment or "").strip(), actor=actor, mentoring=mentoring))
    errors, status = refused.errors, refused.status_code
    if errors:
        placed = refused.beside(_by_name(known))
        return await in_thread(lambda: _survey_page(
            request, values=keep(values), errors=placed, status_code=status))
    return Redirect(page_context(request).url("/home"))


PAGES: list[ControllerRouterHandler] = [
    onboarding, onboarding_profile_form, onboarding_profile, profile_form, save_profile,
    self_assessment_form, self_assessment, baseline_survey_form, baseline_survey,
]
