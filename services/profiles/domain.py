"""Who the entrepreneurs and mentors are: their profiles and their business self-assessments.

A profile's id is derived from its member's id (`create_id`), so a member has at most one profile
of each kind and finding it needs no read model. Every save records the whole new profile in one
`Changed` event, so a projection (matching, directories) needs only that event to stay current.
Free texts (business name, description, challenges, goals, headline, bio, employer, employee id,
website) are the member's personal data, sealed with the member's key (`personal_data_subject`).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, ClassVar
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.personal_data import Personal, PersonalText

__all__ = [
    "LOW_RATING",
    "AreaRating",
    "EntrepreneurDetails",
    "EntrepreneurProfile",
    "MentorDetails",
    "MentorProfile",
    "SelfAssessmentHistory",
    "Submission",
    "WorkingHours",
    "derive_need_areas",
]

_NAMESPACE = UUID("9a4f2f3c-3b0e-4f6e-8f0a-6c2d1e7b5a93")

PersonalOptionalText = Annotated[str, Personal(erased="")]
"""Personal text that may be empty (and reads as empty once erased)."""


class WorkingHours(msgspec.Struct, frozen=True, kw_only=True):
    """When a member is usually available, in their own time zone (0 = Monday)."""

    start: time
    end: time
    weekdays: list[int]


class EntrepreneurDetails(msgspec.Struct, frozen=True, kw_only=True):
    """Everything an entrepreneur says about their business (what a save replaces)."""

    business_name: str
    description: str
    stage: str
    industry: str
    country: str
    languages: list[str]
    time_zone: str
    working_hours: WorkingHours
    challenges: str
    goals: str
    employees: int
    website: str = ""
    programme: str = ""
    """One of the tenant's `ProgrammeSettings.programmes`, or "" for none."""


class MentorDetails(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a mentor says about themselves (what a save replaces)."""

    headline: str
    bio: str
    expertise: list[str]
    industries: list[str]
    languages: list[str]
    country: str
    countries_of_experience: list[str]
    time_zone: str
    working_hours: WorkingHours
    capacity: int
    monthly_hours: int
    employer: str = ""
    employee_id: str = ""
    programme: str = ""
    """One of the tenant's `ProgrammeSettings.programmes`, or "" for none."""


class EntrepreneurProfile(Aggregate):
    """An entrepreneur's business as they describe it, and the needs their last self-assessment
    showed."""

    class Opened(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class Changed(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "member_id"
        member_id: UUID
        business_name: PersonalText
        description: PersonalText
        stage: str
        industry: str
        country: str
        languages: list[str]
        time_zone: str
        working_hours: WorkingHours
        challenges: PersonalText
        goals: PersonalText
        employees: int
        website: PersonalOptionalText
        actor: Actor
        programme: str = ""

    class NeedsAssessed(Aggregate.Event):
        need_areas: list[str]
        questionnaire_version: int
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"entrepreneur-profile/{member_id}")

    @event(Opened)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.need_areas: list[str] = []
        self.assessed_with_version: int | None = None
        self.details: EntrepreneurDetails | None = None

    def change(self, details: EntrepreneurDetails, actor: Actor) -> None:
        self._change(
            member_id=self.member_id, **msgspec.structs.asdict(details), actor=actor
        )

    @event(Changed)
    def _change(
        self, member_id: UUID, business_name: str, description: str, stage: str, industry: str,
        country: str, languages: list[str], time_zone: str, working_hours: WorkingHours,
        challenges: str, goals: str, employees: int, website: str, actor: Actor,
        programme: str = "",
    ) -> None:
        self.business_name, self.description = business_name, description
        self.stage, self.industry, self.country = stage, industry, country
        self.languages, self.time_zone, self.working_hours = languages, time_zone, working_hours
        self.challenges, self.goals = challenges, goals
        self.employees, self.website = employees, website
        self.programme = programme
        self.details = EntrepreneurDetails(
            business_name=business_name, description=description, stage=stage,
            industry=industry, country=country, languages=languages, time_zone=time_zone,
            working_hours=working_hours, challenges=challenges, goals=goals,
            employees=employees, website=website, programme=programme,
        )

    @event(NeedsAssessed)
    def assess_needs(self, need_areas: list[str], questionnaire_version: int, actor: Actor) -> None:
        self.need_areas = need_areas
        self.assessed_with_version = questionnaire_version


class MentorProfile(Aggregate):
    """A mentor's offer: what they know, where, in which languages, and how many mentees."""

    class Opened(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class Changed(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "member_id"
        member_id: UUID
        headline: PersonalText
        bio: PersonalText
        expertise: list[str]
        industries: list[str]
        languages: list[str]
        country: str
        countries_of_experience: list[str]
        time_zone: str
        working_hours: WorkingHours
        capacity: int
        monthly_hours: int
        employer: PersonalOptionalText
        employee_id: PersonalOptionalText
        actor: Actor
        programme: str = ""

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"mentor-profile/{member_id}")

    @event(Opened)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.details: MentorDetails | None = None

    def change(self, details: MentorDetails, actor: Actor) -> None:
        self._change(
            member_id=self.member_id, **msgspec.structs.asdict(details), actor=actor
        )

    @event(Changed)
    def _change(
        self, member_id: UUID, headline: str, bio: str, expertise: list[str],
        industries: list[str], languages: list[str], country: str,
        countries_of_experience: list[str], time_zone: str, working_hours: WorkingHours,
        capacity: int, monthly_hours: int, employer: str, employee_id: str, actor: Actor,
        programme: str = "",
    ) -> None:
        self.headline, self.bio = headline, bio
        self.expertise, self.industries, self.languages = expertise, industries, languages
        self.country, self.countries_of_experience = country, countries_of_experience
        self.time_zone, self.working_hours = time_zone, working_hours
        self.capacity, self.monthly_hours = capacity, monthly_hours
        self.employer, self.employee_id = employer, employee_id
        self.programme = programme
        self.details = MentorDetails(
            headline=headline, bio=bio, expertise=expertise, industries=industries,
            languages=languages, country=country,
            countries_of_experience=countries_of_experience, time_zone=time_zone,
            working_hours=working_hours, capacity=capacity, monthly_hours=monthly_hours,
            employer=employer, employee_id=employee_id, programme=programme,
        )


class AreaRating(msgspec.Struct, frozen=True, kw_only=True):
    """How an entrepreneur rates their business in one area: 1 (struggling) to 5 (strong)."""

    area: str
    rating: int


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    """One completed self-assessment, as its history keeps it."""

    number: int
    questionnaire_version: int
    ratings: list[AreaRating]
    notes: dict[str, str]
    need_areas: list[str]
    submitted_at: datetime


class SelfAssessmentHistory(Aggregate):
    """Every self-assessment one entrepreneur has submitted, oldest first (retakes add)."""

    class Started(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class Submitted(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "member_id"
        member_id: UUID
        questionnaire_version: int
        ratings: list[AreaRating]
        notes: Annotated[dict[str, str], Personal(erased={})]
        need_areas: list[str]
        at: datetime
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"self-assessments/{member_id}")

    @event(Started)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.submissions: list[Submission] = []

    def submit(
        self, questionnaire_version: int, ratings: list[AreaRating], notes: dict[str, str],
        need_areas: list[str], at: datetime, actor: Actor,
    ) -> None:
        self._submit(
            member_id=self.member_id, questionnaire_version=questionnaire_version,
            ratings=ratings, notes=notes, need_areas=need_areas, at=at, actor=actor,
        )

    @event(Submitted)
    def _submit(
        self, member_id: UUID, questionnaire_version: int, ratings: list[AreaRating],
        notes: dict[str, str], need_areas: list[str], at: datetime, actor: Actor,
    ) -> None:
        self.submissions = [*self.submissions, Submission(
            number=len(self.submissions) + 1, questionnaire_version=questionnaire_version,
            ratings=ratings, notes=notes, need_areas=need_areas, submitted_at=at,
        )]

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None


LOW_RATING = 2
"""Areas rated this or lower are needs."""


def derive_need_areas(ratings: list[AreaRating]) -> list[str]:
    """The areas an entrepreneur needs help with: those rated 1-2, or else the two lowest
    (ties go to the questionnaire's order), so every assessment points somewhere."""
    low = [r.area for r in ratings if r.rating <= LOW_RATING]
    if low:
        return low
    lowest = sorted(enumerate(ratings), key=lambda pair: (pair[1].rating, pair[0]))[:2]
    return [rating.area for _, rating in sorted(lowest)]
