"""HTTP entry points of the match lists and mentor search, read from the `matching` read model.

Each answer says the stream `position` it was computed at; `?after=<position>` waits for the
read model to reach a command's position first. The lists are computed on the tenant's
in-memory index (`projections.matching.index`), which the request refreshes from the read model.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from infra.web.tenant_api import ANY_MEMBER, refusals, roles
from projections.matching.index import MatchingIndex, index_for
from projections.matching.projection import MATCHING
from projections.matching.results import SearchFilters
from projections.matching.schemas import (
    EntrepreneurMatches,
    EntrepreneurMatchView,
    MentorMatches,
    MentorMatchView,
    MentorSearchResults,
)
from projections.reading import ReadModel, read_model
from services import taxonomy
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import ForbiddenError

__all__ = ["ROUTES", "MatchesController"]

_STAFF = (Role.PROGRAMME_ADMIN, Role.AUDITOR)
MAX_LIMIT = 50

Limit = Annotated[int, QueryParameter(
    ge=1, le=MAX_LIMIT, description=f"How many to list, 1 to {MAX_LIMIT}",
    examples=[Example(value=20)],
)]
MemberId = Annotated[UUID | None, QueryParameter(
    name="memberId", description="Whose list (programme admins and auditors); default mine",
    examples=[Example(value="5e0f3c2a-8d1b-4a6e-b2f7-1c9d0e4a7b35")],
)]


def _whose(caller: Caller, member_id: UUID | None) -> UUID:
    if member_id is None or member_id == caller.member_id:
        return caller.member_id
    if not caller.has(*_STAFF):
        raise ForbiddenError("only programme admins see another member's matches",
                             field="memberId")
    return member_id


def _index(model: ReadModel[Any]) -> MatchingIndex:
    return index_for(model.stream.events)


class MatchesController(Controller):
    path = "/api/v1"
    tags = ["matching"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"matching": read_model(MATCHING)}  # noqa: RUF012

    # The two sides' match lists look alike by design: each is its own route with its own
    # answer type in the OpenAPI document; what they share is `_whose` and the index.
    @get("/matches/mentors", opt=roles(Role.ENTREPRENEUR, Role.PROGRAMME_ADMIN),
         sync_to_thread=True,
         summary="The mentors best matched to me (or to ?memberId=), each match explained",
         responses=refusals(400, 401, 403, 404))
    def mentors_for(
        self, matching: NamedDependency[ReadModel[Any]], caller: NamedDependency[Caller],
        member_id: MemberId = None, limit: Limit = 20,
    ) -> MentorMatches:
        entrepreneur_id = _whose(caller, member_id)
        ranked = _index(matching).mentors_for(matching.store, entrepreneur_id, limit)
        return MentorMatches(
            member_id=entrepreneur_id, language_filter=ranked.language_filter,
            candidates=ranked.total, matches=[MentorMatchView.of(m) for m in ranked.matches],
            position=ranked.position,
        )

    @get("/matches/entrepreneurs", opt=roles(Role.MENTOR, Role.PROGRAMME_ADMIN),
         sync_to_thread=True,
         summary="The entrepreneurs who need what I offer (or ?memberId= offers), explained",
         responses=refusals(400, 401, 403, 404))
    def entrepreneurs_for(
        self, matching: NamedDependency[ReadModel[Any]], caller: NamedDependency[Caller],
        member_id: MemberId = None, limit: Limit = 20,
    ) -> EntrepreneurMatches:
        mentor_id = _whose(caller, member_id)
        ranked = _index(matching).entrepreneurs_for(matching.store, mentor_id, limit)
        return EntrepreneurMatches(
            member_id=mentor_id, language_filter=ranked.language_filter,
            candidates=ranked.total,
            matches=[EntrepreneurMatchView.of(m) for m in ranked.matches],
            position=ranked.position,
        )

    @get("/mentors/search", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="Mentors taking requests, by language, country, expertise, industry and text",
         responses=refusals(400, 401, 422))
    def search(
        self, matching: NamedDependency[ReadModel[Any]], caller: NamedDependency[Caller],
        language: Annotated[str | None, QueryParameter(
            description="Speaks this language (ISO 639)", examples=[Example(value="es")],
        )] = None,
        country: Annotated[str | None, QueryParameter(
            description="Lives in or has experience in this country (ISO 3166-1 alpha-2)",
            examples=[Example(value="MX")],
        )] = None,
        expertise: Annotated[str | None, QueryParameter(
            description="Has this expertise area", examples=[Example(value="export")],
        )] = None,
        industry: Annotated[str | None, QueryParameter(
            description="Knows this ISIC Rev.4 section", examples=[Example(value="C")],
        )] = None,
        q: Annotated[str, QueryParameter(
            max_length=200, description="Words that must all appear in the headline or bio",
            examples=[Example(value="export pricing")],
        )] = "",
        limit: Limit = 20,
    ) -> MentorSearchResults:
        filters = SearchFilters(
            language=None if language is None else taxonomy.check_language(language, "language"),
            country=None if country is None else taxonomy.check_country(country, "country"),
            expertise=None if expertise is None else taxonomy.check_expertise(expertise),
            industry=None if industry is None else taxonomy.check_industry(industry),
            text=q,
        )
        ranked = _index(matching).search_mentors(matching.store, caller.member_id, filters,
                                                 limit)
        return MentorSearchResults(
            total=ranked.total, mentors=[MentorMatchView.of(m) for m in ranked.matches],
            position=ranked.position,
        )


ROUTES: list[Any] = [MatchesController]
