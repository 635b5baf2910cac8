"""How complete a profile is for matching: the profile fields each matching criterion reads
(`projections.matching.scoring`), weighted as the programme weighs that criterion
(`MatchingWeights`), and what to add for better recommendations.

Only what the scorer reads counts: an entrepreneur's self-assessed needs (the `expertise`
criterion, the heaviest by default), industry, stage, country, languages and working hours; a
mentor's expertise, industries, country and countries of experience, languages, working hours
and free places. Criteria the programme weighs 0 count for nothing; criteria a profile cannot
change (a mentor's responsiveness and past stages, requests waiting) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.translations import N_
from services.matching.domain import MatchingWeights
from services.profiles.domain import EntrepreneurProfile, MentorProfile

__all__ = ["Completeness", "Missing", "entrepreneur_completeness", "mentor_completeness"]


@dataclass(frozen=True)
class Missing:
    """Something to add, in words (`advice`, translated by the page), and where: a form field
    of the profile, or another page (the self-assessment)."""

    criterion: str
    advice: str
    field: str = ""
    path: str = ""


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[Missing]


@dataclass(frozen=True)
class _Item:
    criterion: str
    done: bool
    missing: Missing


def _measured(items: list[_Item], weights: MatchingWeights) -> Completeness:
    counted = [item for item in items if weights.of(item.criterion) > 0]
    total = sum(weights.of(item.criterion) for item in counted)
    done = sum(weights.of(item.criterion) for item in counted if item.done)
    missing = sorted((item for item in counted if not item.done),
                     key=lambda item: -weights.of(item.criterion))
    return Completeness(percent=round(100 * done / total) if total else 100,
                        missing=[item.missing for item in missing])


def _where_and_when(profile: EntrepreneurProfile | MentorProfile | None) -> list[_Item]:
    return [
        _Item("language", bool(profile and profile.languages), Missing(
            "language", N_("Say which languages you speak: matches need one in common."),
            field="languages")),
        _Item("hours", bool(profile and profile.working_hours.weekdays), Missing(
            "hours", N_("Give the days and hours you are usually available: matches are "
                        "scored on the working time you share."), field="workingHours.weekdays")),
    ]


def entrepreneur_completeness(profile: EntrepreneurProfile | None, self_assessed: bool,
                              weights: MatchingWeights) -> Completeness:
    profile = profile if profile is not None and profile.details is not None else None
    return _measured([
        _Item("expertise", self_assessed, Missing(
            "expertise", N_("Answer the self-assessment: mentors are recommended first for "
                            "what your business needs."), path="/onboarding/self-assessment")),
        _Item("industry", bool(profile and profile.industry), Missing(
            "industry", N_("Choose your industry: mentors who know it rank higher."),
            field="industry")),
        _Item("stage", bool(profile and profile.stage), Missing(
            "stage", N_("Say what stage your business is at: mentors used to that stage rank "
                        "higher."), field="stage")),
        _Item("country", bool(profile and profile.country), Missing(
            "country", N_("Give your country: mentors who know business there rank higher."),
            field="country")),
        *_where_and_when(profile),
    ], weights)


def mentor_completeness(profile: MentorProfile | None, weights: MatchingWeights
                        ) -> Completeness:
    profile = profile if profile is not None and profile.details is not None else None
    return _measured([
        _Item("expertise", bool(profile and profile.expertise), Missing(
            "expertise", N_("Choose your areas of expertise: entrepreneurs are matched to "
                            "you first by what they need."), field="expertise")),
        _Item("industry", bool(profile and profile.industries), Missing(
            "industry", N_("List the industries you know: entrepreneurs in them rank you "
                           "higher."), field="industries")),
        _Item("country", bool(profile and profile.countries_of_experience), Missing(
            "country", N_("Add the countries where you know how business works (your own "
                          "too): entrepreneurs there rank you higher."),
            field="countriesOfExperience")),
        _Item("capacity", bool(profile and profile.capacity), Missing(
            "capacity", N_("Say how many mentees you can take at a time."), field="capacity")),
        *_where_and_when(profile),
    ], weights)
