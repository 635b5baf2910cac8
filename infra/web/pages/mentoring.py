"""Pages: finding a mentor and asking for mentoring (entrepreneurs), and answering requests
(mentors).

Entrepreneurs see the mentors best matched to them, each match explained criterion by criterion
(the `matching` read model, as `GET /api/v1/matches/mentors`), search mentors (as
`GET /api/v1/mentors/search`), read a mentor's profile and send a request with an introduction;
`/my-requests` lists their requests and relationships, and withdraws a pending one. Mentors
answer their requests at `/requests` (accept, or decline with a reason) and list their mentees
at `/mentees`.

The lists of requests and relationships are read from the members' caseloads in the mentoring
service (not a read model), so a member sees their own change at once after the redirect. The
match list and search read the `matching` read model: `?after=<position>` waits (briefly) for
it to reach a command's position.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.forms import (
    FormBody,
    error_of,
    keep,
    read_form,
    refusals,
    submitted,
)
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import ANY_MEMBER, application, roles
from projections.matching.index import index_for
from projections.matching.projection import MATCHING
from projections.matching.results import Match, Ranked, SearchFilters
from projections.reading import (
    NotCaughtUpError,
    PositionBeyondHeadError,
    ReadModel,
    open_read_model,
)
from services import taxonomy
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import IthacaError, NotFoundError
from services.mentoring.application import Mentoring, Recorded
from services.mentoring.schemas import Decline, RequestMentor
from services.mentoring.values import (
    CURRENT,
    INTRODUCTION_MAX,
    INTRODUCTION_MIN,
    NOTE_MAX,
    CaseEntry,
    DeclineReason,
    RelationshipStatus,
    Side,
)
from services.profiles.application import Profiles
from services.profiles.schemas import MentorProfileView
from tenants.directory import TenantRecord

__all__ = ["PAGES"]


RESULTS_LIMIT = 20
AFTER_WAIT_SECONDS = 3.0
_STAFF = (Role.PROGRAMME_ADMIN, Role.TENANT_ADMIN, Role.AUDITOR)
_FILTERS = ("language", "country", "expertise", "industry", "q")
_MENTORS_PARTIAL = "mentoring/partials/mentor_results.html"
SERVICES = {
    "accounts": application(Accounts), "mentoring": application(Mentoring),
    "profiles": application(Profiles),
}
"""The application services these pages ask for, by name, as the API's controllers do."""


# Reading ---------------------------------------------------------------------------------------


def _name_of(accounts: Accounts, member_id: UUID) -> str:
    try:
        return str(accounts.get_member(member_id).name)
    except NotFoundError:
        return ""


@dataclass(frozen=True)
class Vocabulary:
    """The codes of profiles named in the reader's language."""

    languages: dict[str, str]
    countries: dict[str, str]
    expertise: dict[str, str]
    industries: dict[str, str]

    @classmethod
    def of(cls, locale: str) -> Vocabulary:
        return cls(
            languages={t.code: t.name for t in taxonomy.languages(locale)},
            countries={t.code: t.name for t in taxonomy.countries(locale)},
            expertise={t.code: t.name for t in taxonomy.expertise_areas(locale)},
            industries={t.code: t.name for t in taxonomy.industries(locale)},
        )

    def options(self, kind: str, among: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """The codes of a kind with their names, by name; `among`: only these."""
        names: dict[str, str] = getattr(self, kind)
        chosen = names.items() if among is None else [
            (code, names[code]) for code in set(among) if code in names]
        return sorted(chosen, key=lambda item: item[1])


@dataclass(frozen=True)
class MentorCard:
    """A mentor in a match list or search result, with what the page shows of them."""

    member_id: UUID
    name: str
    headline: str
    match: Match


def _cards(accounts: Accounts, profiles: Profiles, ranked: Ranked) -> list[MentorCard]:
    cards = []
    for match in ranked.matches:
        profile = profiles.find_mentor_profile(match.member_id)
        cards.append(MentorCard(
            member_id=match.member_id, name=_name_of(accounts, match.member_id),
            headline=profile.headline if profile else "", match=match,
        ))
    return cards


def _matching(ithaca: Ithaca, tenant: TenantRecord, after: int | None) -> ReadModel[Any]:
    model = open_read_model(ithaca, tenant, MATCHING)
    if after is not None:
        # if it has not caught up (or `after` is no position yet), show what there is; the
        # list catches up on the next visit
        with contextlib.suppress(NotCaughtUpError, PositionBeyondHeadError):
            model.wait_for(after, AFTER_WAIT_SECONDS)
    return model


def _filters(request: Request[Any, Any, Any], values: dict[str, str]) -> tuple[
        SearchFilters, FormErrors]:
    """The search filters, as `GET /api/v1/mentors/search` checks them; a wrong code is an
    error beside its field."""
    errors: FormErrors = {}
    checks: dict[str, Callable[[str], str]] = {
        "language": lambda code: taxonomy.check_language(code, "language"),
        "country": lambda code: taxonomy.check_country(code, "country"),
        "expertise": taxonomy.check_expertise,
        "industry": taxonomy.check_industry,
    }
    checked: dict[str, str | None] = {}
    for name, check in checks.items():
        value = values.get(name) or None
        checked[name] = None
        if value is None:
            continue
        try:
            checked[name] = check(value)
        except IthacaError as refused:
            errors.update({name: next(iter(error_of(request, refused).values()))})
    text = values.get("q", "")[:200]
    return SearchFilters(language=checked["language"], country=checked["country"],
                         expertise=checked["expertise"], industry=checked["industry"],
                         text=text), errors


# Entrepreneurs: finding a mentor --------------------------------------------------------------


@get("/mentors", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True, dependencies=SERVICES)
def find_mentor(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
    profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
    language: FromQuery[str] = "", country: FromQuery[str] = "",
    expertise: FromQuery[str] = "", industry: FromQuery[str] = "",
    q: FromQuery[str] = "", after: FromQuery[int | None] = None,
) -> Template:
    """The mentors best matched to me, each match explained; with filters, a search."""
    values = {"language": language, "country": country, "expertise": expertise,
              "industry": industry, "q": q}
    searching = any(values[name].strip() for name in _FILTERS)
    model = _matching(ithaca, tenant, after)
    index = index_for(model.stream.events)
    errors: FormErrors = {}
    needs_profile = False
    cards: list[MentorCard] = []
    total = 0
    if searching:
        filters, errors = _filters(request, values)
        if not errors:
            ranked = index.search_mentors(model.store, caller.member_id, filters, RESULTS_LIMIT)
            cards, total = _cards(accounts, profiles, ranked), ranked.total
    else:
        try:
            ranked = index.mentors_for(model.store, caller.member_id, RESULTS_LIMIT)
            cards, total = _cards(accounts, profiles, ranked), ranked.total
        except NotFoundError:
            needs_profile = True  # no entrepreneur profile yet: nothing to match on
    names = Vocabulary.of(page_context(request).locale)
    offered = index.offered(model.store)  # what a search can find, and what was asked for
    choices = {
        kind: names.options(kind, {*getattr(offered, kind), values[field]})
        for kind, field in (("languages", "language"), ("countries", "country"),
                            ("expertise", "expertise"), ("industries", "industry"))
    }
    return render(
        request, "mentoring/mentors.html", fragment=_MENTORS_PARTIAL,
        status_code=400 if errors else 200,
        values=values, errors=errors, searching=searching, cards=cards, total=total,
        needs_profile=needs_profile, names=names, choices=choices,
    )


# A mentor's profile and the request form ------------------------------------------------------


def _mentor_page(
    request: Request[Any, Any, Any], accounts: Accounts, mentoring: Mentoring,
    profiles: Profiles, caller: Caller, member_id: UUID, values: dict[str, Any],
    errors: FormErrors, status_code: int = 200,
) -> Template:
    profile = profiles.get_mentor_profile(member_id)
    view = MentorProfileView.of(
        profile, with_employment=caller.member_id == member_id or caller.has(*_STAFF))
    now = mentoring.clock()
    open_entries = [
        entry for entry in mentoring.relationships_of(caller.member_id)
        if entry.counterpart_id == member_id and entry.side is Side.MENTEE
        and (entry.status_at(now) is RelationshipStatus.REQUESTED
             or entry.status_at(now) in CURRENT)
    ]
    return render(
        request, "mentoring/mentor.html", status_code=status_code,
        mentor=view, name=_name_of(accounts, member_id),
        names=Vocabulary.of(page_context(request).locale),
        current=open_entries[0] if open_entries else None, now=now,
        may_request=caller.has(Role.ENTREPRENEUR) and caller.member_id != member_id,
        values=values, errors=errors,
        introduction_min=INTRODUCTION_MIN, introduction_max=INTRODUCTION_MAX,
    )


@get("/mentors/{member_id:uuid}", opt=roles(ANY_MEMBER), sync_to_thread=True,
     dependencies=SERVICES)
def mentor_profile(
    request: Request[Any, Any, Any], member_id: FromPath[UUID],
    accounts: NamedDependency[Accounts], mentoring: NamedDependency[Mentoring],
    profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
) -> Template:
    return _mentor_page(request, accounts, mentoring, profiles, caller, member_id,
                        values={}, errors={})


@post("/mentors/{member_id:uuid}/request", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
      dependencies=SERVICES)
def request_mentoring(
    request: Request[Any, Any, Any], member_id: FromPath[UUID], data: FormBody,
    accounts: NamedDependency[Accounts], mentoring: NamedDependency[Mentoring],
    profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, {**values, "mentorId": str(member_id)}, RequestMentor)
        recorded = mentoring.request_mentor(
            caller.member_id, form.mentor_id, form.introduction, actor)
    if refused:
        return _mentor_page(request, accounts, mentoring, profiles, caller, member_id,
                            keep(values), refused.beside(("introduction",)),
                            refused.status_code)
    return Redirect(page_context(request).url(
        f"/my-requests?sent={recorded.relationship.id}&after={recorded.position}"))



# Entrepreneurs: my requests -------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """A request or relationship in a list: the entry, the other member and what the page shows
    of the request."""

    entry: CaseEntry
    status: RelationshipStatus
    name: str
    detail: str = ""
    introduction: str = ""
    requested_at: datetime | None = None


@dataclass(frozen=True)
class Caseload:
    """The signed-in member's requests and relationships on one side, as the lists show them."""

    accounts: Accounts
    mentoring: Mentoring
    profiles: Profiles
    caller: Caller

    def rows(self, side: Side, keep_status: Callable[[RelationshipStatus], bool],
             with_request: bool = False) -> list[CaseRow]:
        now = self.mentoring.clock()
        rows = []
        for entry in self.mentoring.relationships_of(self.caller.member_id):
            status = entry.status_at(now)
            if entry.side is not side or not keep_status(status):
                continue
            detail = ""
            if side is Side.MENTOR:
                business = self.profiles.find_entrepreneur_profile(entry.counterpart_id)
                detail = business.business_name if business else ""
            else:
                offer = self.profiles.find_mentor_profile(entry.counterpart_id)
                detail = offer.headline if offer else ""
            introduction, requested_at = "", None
            if with_request:
                relationship = self.mentoring.get_relationship(entry.relationship_id, self.caller)
                introduction, requested_at = relationship.introduction, relationship.requested_at
            rows.append(CaseRow(entry=entry, status=status,
                                name=_name_of(self.accounts, entry.counterpart_id),
                                detail=detail, introduction=introduction,
                                requested_at=requested_at))
        return rows


def provide_caseload(
    accounts: NamedDependency[Accounts], mentoring: NamedDependency[Mentoring],
    profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
) -> Caseload:
    return Caseload(accounts, mentoring, profiles, caller)


CASELOAD = {**SERVICES, "caseload": Provide(provide_caseload, sync_to_thread=False)}


def _my_requests_page(
    request: Request[Any, Any, Any], caseload: Caseload, sent: UUID | None = None,
    after: int | None = None, problem: str = "", status_code: int = 200,
) -> Template:
    rows = caseload.rows(Side.MENTEE, lambda status: True)
    return render(
        request, "mentoring/my_requests.html", status_code=status_code,
        pending=[row for row in rows if row.status is RelationshipStatus.REQUESTED],
        current=[row for row in rows if row.status in CURRENT],
        past=[row for row in rows
              if row.status is not RelationshipStatus.REQUESTED and row.status not in CURRENT],
        sent=sent, after=after, problem=problem,
    )


@get("/my-requests", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True, dependencies=CASELOAD)
def my_requests(
    request: Request[Any, Any, Any], caseload: NamedDependency[Caseload],
    sent: FromQuery[UUID | None] = None, after: FromQuery[int | None] = None,
) -> Template:
    return _my_requests_page(request, caseload, sent=sent, after=after)


def _answer_button(
    path: str, role: Role, verb: str, page: Callable[..., Template], done: str
) -> ControllerRouterHandler:
    """A button on a request, running the `Mentoring` command `verb` (withdraw, accept): on to
    `done` at the position reached, or `page` again with the refusal at the top."""

    @post(path, opt=roles(role), sync_to_thread=True, dependencies=CASELOAD,
          name=f"mentoring-{verb}")
    def answer(
        request: Request[Any, Any, Any], relationship_id: FromPath[UUID],
        caseload: NamedDependency[Caseload], actor: NamedDependency[Actor],
    ) -> Response[Any] | Template:
        with refusals(request) as refused:
            recorded: Recorded = getattr(caseload.mentoring, verb)(
                relationship_id, caseload.caller, actor)
        if refused:
            return page(request, caseload, problem=refused.problem,
                        status_code=refused.status_code)
        return Redirect(page_context(request).url(f"{done}after={recorded.position}"))

    return answer


# Mentors: requests and mentees ----------------------------------------------------------------


def _requests_page(
    request: Request[Any, Any, Any], caseload: Caseload, done: str = "", problem: str = "",
    status_code: int = 200,
) -> Template:
    rows = caseload.rows(Side.MENTOR, lambda status: status is RelationshipStatus.REQUESTED,
                         with_request=True)
    return render(request, "mentoring/requests.html", status_code=status_code,
                  rows=rows, done=done, problem=problem)


@get("/requests", opt=roles(Role.MENTOR), sync_to_thread=True, dependencies=CASELOAD)
def incoming_requests(
    request: Request[Any, Any, Any], caseload: NamedDependency[Caseload],
    done: FromQuery[str] = "",
) -> Template:
    return _requests_page(request, caseload,
                          done=done if done in ("accepted", "declined") else "")


def _decline_page(
    request: Request[Any, Any, Any], caseload: Caseload, relationship_id: UUID,
    values: dict[str, Any], errors: FormErrors, status_code: int = 200,
) -> Template:
    mentoring, caller = caseload.mentoring, caseload.caller
    relationship = mentoring.get_relationship(relationship_id, caller)
    if relationship.mentor_id != caller.member_id:
        raise NotFoundError("no request with id %(id)s", field="relationshipId",
                            values={"id": relationship_id})
    business = caseload.profiles.find_entrepreneur_profile(relationship.mentee_id)
    return render(
        request, "mentoring/decline.html", status_code=status_code,
        relationship=relationship, status=relationship.status_at(mentoring.clock()),
        name=_name_of(caseload.accounts, relationship.mentee_id),
        business=business.business_name if business else "",
        reasons=[reason.value for reason in DeclineReason], note_max=NOTE_MAX,
        values=values, errors=errors,
    )


@get("/requests/{relationship_id:uuid}/decline", opt=roles(Role.MENTOR), sync_to_thread=True,
     dependencies=CASELOAD)
def decline_form(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID],
    caseload: NamedDependency[Caseload],
) -> Template:
    return _decline_page(request, caseload, relationship_id, values={}, errors={})


@post("/requests/{relationship_id:uuid}/decline", opt=roles(Role.MENTOR), sync_to_thread=True,
      dependencies=CASELOAD)
def decline_request(
    request: Request[Any, Any, Any], relationship_id: FromPath[UUID], data: FormBody,
    caseload: NamedDependency[Caseload], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, Decline)
        recorded = caseload.mentoring.decline(
            relationship_id, caseload.caller, form.reason, form.note, actor)
    if refused:
        return _decline_page(request, caseload, relationship_id, keep(values),
                             refused.beside(("reason", "note")), refused.status_code)
    return Redirect(page_context(request).url(
        f"/requests?done=declined&after={recorded.position}"))


@get("/mentees", opt=roles(Role.MENTOR), sync_to_thread=True, dependencies=CASELOAD)
def my_mentees(request: Request[Any, Any, Any], caseload: NamedDependency[Caseload]
               ) -> Template:
    rows = caseload.rows(Side.MENTOR, lambda status: status in CURRENT)
    return render(request, "mentoring/mentees.html", rows=rows)


PAGES: list[ControllerRouterHandler] = [
    find_mentor, mentor_profile, request_mentoring, my_requests,
    _answer_button("/my-requests/{relationship_id:uuid}/withdraw", Role.ENTREPRENEUR,
                   "withdraw", _my_requests_page, "/my-requests?"),
    incoming_requests,
    _answer_button("/requests/{relationship_id:uuid}/accept", Role.MENTOR, "accept",
                   _requests_page, "/requests?done=accepted&"),
    decline_form, decline_request, my_mentees,
]
