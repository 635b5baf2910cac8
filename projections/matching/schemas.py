"""Wire shapes of the match lists and mentor search (read side)."""

from __future__ import annotations

from uuid import UUID

from projections.matching.results import EntrepreneurFeatures, Match, MentorFeatures
from services.schemas import CamelStruct

__all__ = [
    "CriterionView",
    "EntrepreneurMatchView",
    "EntrepreneurMatches",
    "MentorMatchView",
    "MentorMatches",
    "MentorSearchResults",
]


class CriterionView(CamelStruct):
    """Why a match scored as it did on one criterion: its score in [0, 1], the tenant's weight
    for it, and the points it gave (negative for the `openRequests` penalty)."""

    criterion: str
    score: float
    weight: float
    points: float


def _explanation(match: Match) -> list[CriterionView]:
    return [CriterionView(criterion=item.criterion, score=item.score, weight=item.weight,
                          points=item.points) for item in match.explanation]


class MentorMatchView(CamelStruct):
    """A mentor in a match list or search: the score, its explanation (the points add up to
    the score) and the codes it was computed from. Names and texts are in the mentor's
    profile (`GET /api/v1/mentors/{memberId}`)."""

    # The features (results.MentorFeatures) again, flat: the API's shape changes only with the API.
    member_id: UUID
    score: float
    explanation: list[CriterionView]
    languages: list[str]
    country: str
    countries_of_experience: list[str]
    expertise: list[str]
    industries: list[str]
    remaining_capacity: int
    open_requests: int

    @classmethod
    def of(cls, match: Match) -> MentorMatchView:
        features: MentorFeatures = match.features
        return cls(
            member_id=match.member_id, score=match.score, explanation=_explanation(match),
            languages=features.languages, country=features.country,
            countries_of_experience=features.countries_of_experience,
            expertise=features.expertise, industries=features.industries,
            remaining_capacity=features.remaining_capacity,
            open_requests=features.open_requests,
        )


class EntrepreneurMatchView(CamelStruct):
    """An entrepreneur in a mentor's match list: the score, its explanation and the codes it
    was computed from. The business itself is in their profile."""

    member_id: UUID
    score: float
    explanation: list[CriterionView]
    languages: list[str]
    country: str
    industry: str
    stage: str
    need_areas: list[str]

    @classmethod
    def of(cls, match: Match) -> EntrepreneurMatchView:
        features: EntrepreneurFeatures = match.features
        return cls(
            member_id=match.member_id, score=match.score, explanation=_explanation(match),
            languages=features.languages, country=features.country,
            industry=features.industry, stage=features.stage,
            need_areas=features.need_areas,
        )


class MentorMatches(CamelStruct):
    """An entrepreneur's best-matched mentors, best first, as of `position`."""

    member_id: UUID
    language_filter: bool
    candidates: int
    matches: list[MentorMatchView]
    position: int


class EntrepreneurMatches(CamelStruct):
    """The entrepreneurs who need what a mentor offers, best matched first, as of `position`."""

    member_id: UUID
    language_filter: bool
    candidates: int
    matches: list[EntrepreneurMatchView]
    position: int


class MentorSearchResults(CamelStruct):
    """Mentors taking requests that pass every filter (`total` of them), best first."""

    total: int
    mentors: list[MentorMatchView]
    position: int
