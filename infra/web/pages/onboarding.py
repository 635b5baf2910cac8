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
from uuid import UUID

import msgspec
from babel.dates import get_day_names
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import FormBody, FormInvalidError, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.pages.surveys import (
    SURVEY_FIELDS,
    questionnaire,
    read_survey,
    survey_form_context,
)
from infra.web.tenant_api import ANY_MEMBER, application, roles
from services import taxonomy
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.impact.application import Impact
from services.impact.domain import SurveyKind
from services.matching.application import Matching
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.completeness import (
    Completeness,
    entrepreneur_completeness,
    mentor_completeness,
)
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
SERVICES = {
    "impact": application(Impact), "mentoring": application(Mentoring),
    "matching": application(Matching),
    "profiles": application(Profiles), "programme": application(Programme),
}
"""The application services these pages ask for, by name, as the API's controllers do."""


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


def _progress(caller: Caller, profiles: Profiles, impact: Impact) -> Progress:
    entrepreneur, mentor = caller.has(Role.ENTREPRENEUR), caller.has(Role.MENTOR)
    surveys = impact.surveys_of(caller.member_id) if entrepreneur else None
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


def _stored_profile(profiles: Profiles, member_id: UUID, kind: str) -> dict[str, Any]:
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

    # A place in the reader's words ("México (Ciudad de México)"), by name; never a zone id.
    zones = sorted(pairs(taxonomy.time_zones(locale)), key=lambda pair: pair[1])
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
    request: Request[Any, Any, Any], programme: Programme, *, kind: str, values: dict[str, Any],
    errors: FormErrors, onboarding: bool, progress: Progress, completeness: Completeness,
    saved: bool = False, status_code: int = 200,
) -> Template:
    page = page_context(request)
    settings = programme.get_settings()
    if not values:
        values = {"timeZone": page.tenant.time_zone if page.tenant else "",
                  "workingHours.start": "09:00", "workingHours.end": "17:00",
                  "workingHours.weekdays": ["0", "1", "2", "3", "4"]}
    return render(
        request, "onboarding/profile.html", kind=kind, values=values, errors=errors,
        onboarding=onboarding, progress=progress, saved=saved, completeness=completeness,
        action=page.url(("/onboarding/profile" if onboarding else "/profile") + f"?as={kind}"),
        programmes=[(name, name) for name in settings.programmes], corporate=settings.corporate,
        choices=_choices(page.locale), status_code=status_code,
    )


def _completeness(kind: str, member_id: UUID, profiles: Profiles, matching: Matching
                  ) -> Completeness:
    """How complete the member's profile of this kind is for matching."""
    weights = matching.get_weights()
    if kind == MENTOR:
        return mentor_completeness(profiles.find_mentor_profile(member_id), weights)
    return entrepreneur_completeness(profiles.find_entrepreneur_profile(member_id),
                                     bool(profiles.self_assessments_of(member_id)), weights)


def _kind_of(progress: Progress, requested: str | None) -> str | None:
    kinds = progress.profile_kinds()
    if requested in kinds:
        return requested
    missing = progress.missing_profile()
    return missing or (kinds[0] if kinds else None)


def _profile_saver(path: str, *, onboarding: bool) -> ControllerRouterHandler:
    """Saving the profile form, at `/onboarding/profile` (then on to the next step) and at
    `/profile` (then back to the form)."""

    @post(path, opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES,
          name=f"save-profile{path.replace('/', '-')}")
    def save(
        request: Request[Any, Any, Any], data: FormBody, profiles: NamedDependency[Profiles],
        impact: NamedDependency[Impact], programme: NamedDependency[Programme],
        matching: NamedDependency[Matching], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Response[Any] | Template:
        values = submitted(data)
        progress = _progress(caller, profiles, impact)
        kind = _kind_of(progress, request.query_params.get("as"))
        page = page_context(request)
        if kind is None:
            return Redirect(page.url("/onboarding"))
        known = [*_camel_fields(_profile_struct(kind)), *_HOURS]
        with refusals(request) as refused:
            form = _read_profile(request, kind, values)
            if isinstance(form, MentorProfileBody):
                profiles.save_mentor_profile(caller.member_id, form.to_domain(), actor)
            else:
                profiles.save_entrepreneur_profile(caller.member_id, form.to_domain(), actor)
        if refused:
            return _profile_page(
                request, programme, kind=kind, values=keep(values),
                errors=refused.beside(_by_name(known)), onboarding=onboarding, progress=progress,
                completeness=_completeness(kind, caller.member_id, profiles, matching),
                status_code=refused.status_code)
        if not onboarding:
            return Redirect(page.url(f"/profile?as={kind}&saved=1"))
        return Redirect(page.url(_progress(caller, profiles, impact).next_after_profile()))

    return save


# The wizard ------------------------------------------------------------------------------------


@get("/onboarding", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def onboarding(
    request: Request[Any, Any, Any], profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], caller: NamedDependency[Caller],
) -> Template:
    progress = _progress(caller, profiles, impact)
    return render(request, "onboarding/wizard.html", progress=progress,
                  next_step=progress.next_after_profile())


@get("/onboarding/profile", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def onboarding_profile_form(
    request: Request[Any, Any, Any], profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    matching: NamedDependency[Matching], caller: NamedDependency[Caller],
) -> Template | Redirect:
    progress = _progress(caller, profiles, impact)
    kind = _kind_of(progress, request.query_params.get("as"))
    if kind is None:
        return Redirect(page_context(request).url("/onboarding"))
    return _profile_page(request, programme, kind=kind,
                         values=_stored_profile(profiles, caller.member_id, kind), errors={},
                         onboarding=True, progress=progress,
                         completeness=_completeness(kind, caller.member_id, profiles, matching))


@get("/profile", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=SERVICES)
def profile_form(
    request: Request[Any, Any, Any], profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    matching: NamedDependency[Matching], caller: NamedDependency[Caller],
) -> Template:
    progress = _progress(caller, profiles, impact)
    kind = _kind_of(progress, request.query_params.get("as"))
    if kind is None:
        return render(request, "onboarding/no_profile.html")
    return _profile_page(request, programme, kind=kind,
                         values=_stored_profile(profiles, caller.member_id, kind), errors={},
                         onboarding=False, progress=progress,
                         completeness=_completeness(kind, caller.member_id, profiles, matching),
                         saved=request.query_params.get("saved") == "1")


# The self-assessment ---------------------------------------------------------------------------


def _assessment_page(
    request: Request[Any, Any, Any], programme: Programme, progress: Progress, *,
    values: dict[str, Any], errors: FormErrors, status_code: int = 200,
) -> Template:
    version, questions = questionnaire(request, programme)
    return render(request, "onboarding/self_assessment.html", version=version,
                  questions=questions, ratings=_RATINGS, values=values, errors=errors,
                  progress=progress, status_code=status_code)


@get("/onboarding/self-assessment", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
     dependencies=SERVICES)
def self_assessment_form(
    request: Request[Any, Any, Any], profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller],
) -> Template:
    history = profiles.self_assessments_of(caller.member_id)
    values: dict[str, Any] = {}
    if history:
        latest = history[-1]
        values = {f"ratings.{r.area}": str(r.rating) for r in latest.ratings}
        values.update({f"notes.{area}": note for area, note in latest.notes.items()})
    return _assessment_page(request, programme, _progress(caller, profiles, impact),
                            values=values, errors={})


@post("/onboarding/self-assessment", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
      dependencies=SERVICES)
def self_assessment(
    request: Request[Any, Any, Any], data: FormBody, profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    shaped: dict[str, Any] = {"version": values.get("version", ""), "ratings": {}, "notes": {}}
    for name, value in values.items():
        prefix, _, area = name.partition(".")
        if prefix in ("ratings", "notes") and area and value != "":
            shaped[prefix][area] = value
    _, questions = questionnaire(request, programme)
    known = [f"{prefix}.{q.area}" for q in questions for prefix in ("ratings", "notes")]
    with refusals(request) as refused:
        form = read_form(request, shaped, SelfAssessmentBody)
        profiles.submit_self_assessment(
            caller.member_id, version=form.version, ratings=form.ratings, notes=form.notes,
            actor=actor)
    progress = _progress(caller, profiles, impact)
    if refused:
        return _assessment_page(request, programme, progress, values=keep(values),
                                errors=refused.beside(_by_name(known)),
                                status_code=refused.status_code)
    target = "/onboarding/baseline-survey" if not progress.baseline else "/onboarding"
    return Redirect(page_context(request).url(target))


# The baseline survey ---------------------------------------------------------------------------


def _survey_page(
    request: Request[Any, Any, Any], caller: Caller, profiles: Profiles, impact: Impact,
    programme: Programme, *, values: dict[str, Any], errors: FormErrors, status_code: int = 200,
) -> Template:
    progress = _progress(caller, profiles, impact)
    answered = None
    if progress.baseline:
        history = impact.history(caller.member_id)
        answered = next((r for r in history if r.kind is SurveyKind.BASELINE), None)
    return render(request, "onboarding/baseline_survey.html", values=values, errors=errors,
                  progress=progress, answered=answered, status_code=status_code,
                  **survey_form_context(request, programme))


@get("/onboarding/baseline-survey", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
     dependencies=SERVICES)
def baseline_survey_form(
    request: Request[Any, Any, Any], profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller],
) -> Template:
    return _survey_page(request, caller, profiles, impact, programme, values={}, errors={})


@post("/onboarding/baseline-survey", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
      dependencies=SERVICES)
def baseline_survey(
    request: Request[Any, Any, Any], data: FormBody, profiles: NamedDependency[Profiles],
    impact: NamedDependency[Impact], programme: NamedDependency[Programme],
    mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    _, questions = questionnaire(request, programme)
    known = [*SURVEY_FIELDS, *(f"confidence.{q.area}" for q in questions)]
    with refusals(request) as refused:
        form = read_survey(request, values, SurveyKind.BASELINE)
        impact.answer(
            entrepreneur=caller, kind=SurveyKind.BASELINE, months_after=None,
            relationship_id=None, answers=form.answers(),
            comment=(form.comment or "").strip(), actor=actor, mentoring=mentoring)
    if refused:
        return _survey_page(request, caller, profiles, impact, programme, values=keep(values),
                            errors=refused.beside(_by_name(known)),
                            status_code=refused.status_code)
    return Redirect(page_context(request).url("/home"))


PAGES: list[ControllerRouterHandler] = [
    onboarding, onboarding_profile_form, _profile_saver("/onboarding/profile", onboarding=True),
    profile_form, _profile_saver("/profile", onboarding=False),
    self_assessment_form, self_assessment, baseline_survey_form, baseline_survey,
]
