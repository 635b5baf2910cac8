"""Wire shapes of the profiles API: one Struct per operation, unknown fields refused.

Codes are checked by the application against the taxonomies (422 naming the field); the
constraints here are the shape (lengths, ranges) and show in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from services.profiles.domain import (
    EntrepreneurDetails,
    EntrepreneurProfile,
    MentorDetails,
    MentorProfile,
    Submission,
    WorkingHours,
)
from services.schemas import CamelBody, CamelStruct
from services.taxonomy import Term

__all__ = [
    "EntrepreneurProfileBody",
    "EntrepreneurProfileView",
    "MentorProfileBody",
    "MentorProfileView",
    "SelfAssessmentBody",
    "SelfAssessmentSubmitted",
    "SelfAssessmentView",
    "SelfAssessmentsView",
    "TaxonomiesView",
    "WorkingHoursBody",
]

_CLOCK = "^([01][0-9]|2[0-3]):[0-5][0-9]$"

Clock = Annotated[str, Meta(pattern=_CLOCK, examples=["09:00"], description="HH:MM, local")]
CountryCode = Annotated[str, Meta(min_length=2, max_length=2, examples=["ES"],
                                  description="ISO 3166-1 alpha-2")]
LanguageCodes = Annotated[list[str], Meta(
    min_length=1, max_length=10, examples=[["es", "en"]],
    description="ISO 639-1 where the language has such a code, else ISO 639-3",
)]
TimeZone = Annotated[str, Meta(max_length=64, examples=["Europe/Madrid"],
                               description="IANA time zone")]
Text2000 = Annotated[str, Meta(min_length=1, max_length=2000)]


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


class WorkingHoursBody(CamelBody):
    start: Clock
    end: Annotated[str, Meta(pattern=_CLOCK, examples=["17:30"])]
    weekdays: Annotated[list[int], Meta(min_length=1, max_length=7, examples=[[0, 1, 2, 3, 4]],
                                        description="0 = Monday ... 6 = Sunday")]

    def to_domain(self) -> WorkingHours:
        return WorkingHours(
            start=time.fromisoformat(self.start), end=time.fromisoformat(self.end),
            weekdays=self.weekdays,
        )

    @classmethod
    def of(cls, hours: WorkingHours) -> WorkingHoursBody:
        return cls(start=_clock(hours.start), end=_clock(hours.end), weekdays=hours.weekdays)


class EntrepreneurProfileBody(CamelBody):
    business_name: Annotated[str, Meta(min_length=1, max_length=120,
                                       examples=["Pereira Ceramics"])]
    description: Annotated[Text2000, Meta(examples=["Hand-made tableware sold at markets"])]
    stage: Annotated[str, Meta(max_length=20, examples=["early"])]
    industry: Annotated[str, Meta(max_length=1, examples=["C"],
                                  description="ISIC Rev.4 section, A to U")]
    country: CountryCode
    languages: LanguageCodes
    time_zone: TimeZone
    working_hours: WorkingHoursBody
    challenges: Annotated[Text2000, Meta(examples=["Pricing for wholesale buyers"])]
    goals: Annotated[Text2000, Meta(examples=["Sell to three shops in Lisbon this year"])]
    employees: Annotated[int, Meta(ge=0, le=1_000_000, examples=[2])]
    website: Annotated[str, Meta(max_length=200, examples=["https://pereira.example"])] = ""
    programme: Annotated[str, Meta(
        max_length=60, examples=["women-in-business-2026"],
        description="One of the programme's tracks (GET /programme/settings), or empty",
    )] = ""

    def to_domain(self) -> EntrepreneurDetails:
        return EntrepreneurDetails(
            business_name=self.business_name, description=self.description, stage=self.stage,
            industry=self.industry, country=self.country, languages=self.languages,
            time_zone=self.time_zone, working_hours=self.working_hours.to_domain(),
            challenges=self.challenges, goals=self.goals, employees=self.employees,
            website=self.website, programme=self.programme,
        )


class EntrepreneurProfileView(CamelStruct):
    member_id: UUID
    business_name: str
    description: str
    stage: str
    industry: str
    country: str
    languages: list[str]
    time_zone: str
    working_hours: WorkingHoursBody
    challenges: str
    goals: str
    employees: int
    website: str
    need_areas: list[str]
    """From the latest self-assessment; empty until the first."""
    programme: str = ""

    @classmethod
    def of(cls, profile: EntrepreneurProfile) -> EntrepreneurProfileView:
        return cls(
            member_id=profile.member_id, business_name=profile.business_name,
            description=profile.description, stage=profile.stage, industry=profile.industry,
            country=profile.country, languages=profile.languages, time_zone=profile.time_zone,
            working_hours=WorkingHoursBody.of(profile.working_hours),
            challenges=profile.challenges, goals=profile.goals, employees=profile.employees,
            website=profile.website, need_areas=profile.need_areas,
            programme=profile.programme,
        )


class MentorProfileBody(CamelBody):
    headline: Annotated[str, Meta(min_length=1, max_length=160,
                                  examples=["Export finance for small food producers"])]
    bio: Annotated[str, Meta(min_length=1, max_length=4000,
                             examples=["Twenty years in trade finance in Lisbon and Luanda."])]
    expertise: Annotated[list[str], Meta(min_length=1, max_length=10,
                                         examples=[["finance", "export"]])]
    industries: Annotated[list[str], Meta(max_length=21, examples=[["A", "C"]])]
    languages: LanguageCodes
    country: CountryCode
    countries_of_experience: Annotated[list[str], Meta(
        max_length=30, examples=[["AO", "MZ"]],
        description="Countries the mentor knows business in (diaspora ties), ISO alpha-2",
    )] = msgspec.field(default_factory=list)
    time_zone: TimeZone
    working_hours: WorkingHoursBody
    capacity: Annotated[int, Meta(ge=1, le=20, examples=[2],
                                  description="Most mentees at a time")]
    monthly_hours: Annotated[int, Meta(ge=1, le=160, examples=[6])]
    employer: Annotated[str, Meta(max_length=120, examples=[""],
                                  description="Corporate programmes only, and required there")] = ""
    employee_id: Annotated[str, Meta(max_length=60, examples=[""],
                                     description="Corporate programmes only, and required "
                                                 "there")] = ""
    programme: Annotated[str, Meta(
        max_length=60, examples=["women-in-business-2026"],
        description="One of the programme's tracks (GET /programme/settings), or empty",
    )] = ""

    def to_domain(self) -> MentorDetails:
        return MentorDetails(
            headline=self.headline, bio=self.bio, expertise=self.expertise,
            industries=self.industries, languages=self.languages, country=self.country,
            countries_of_experience=self.countries_of_experience, time_zone=self.time_zone,
            working_hours=self.working_hours.to_domain(), capacity=self.capacity,
            monthly_hours=self.monthly_hours, employer=self.employer,
            employee_id=self.employee_id, programme=self.programme,
        )


class MentorProfileView(CamelStruct):
    # The fields of MentorDetails again, on purpose: the API's shape changes only with the API.
    member_id: UUID
    headline: str
    bio: str
    expertise: list[str]
    industries: list[str]
    languages: list[str]
    country: str
    countries_of_experience: list[str]
    time_zone: str
    working_hours: WorkingHoursBody
    capacity: int
    monthly_hours: int
    employer: str | None = None
    """Shown to the mentor themself and to programme staff."""
    employee_id: str | None = None
    programme: str = ""

    @classmethod
    def of(cls, profile: MentorProfile, *, with_employment: bool) -> MentorProfileView:
        return cls(
            member_id=profile.member_id, headline=profile.headline, bio=profile.bio,
            expertise=profile.expertise, industries=profile.industries,
            languages=profile.languages, country=profile.country,
            countries_of_experience=profile.countries_of_experience,
            time_zone=profile.time_zone, working_hours=WorkingHoursBody.of(profile.working_hours),
            capacity=profile.capacity, monthly_hours=profile.monthly_hours,
            employer=profile.employer if with_employment else None,
            employee_id=profile.employee_id if with_employment else None,
            programme=profile.programme,
        )


class SelfAssessmentBody(CamelBody):
    version: Annotated[int, Meta(ge=1, examples=[1],
                                 description="The questionnaire version answered")]
    ratings: Annotated[dict[str, Annotated[int, Meta(ge=1, le=5)]], Meta(
        max_length=20, examples=[{"finance": 2, "marketing": 4}],
        description="1 (struggling) to 5 (strong), for every area of the questionnaire",
    )]
    notes: Annotated[dict[str, Annotated[str, Meta(max_length=2000)]], Meta(
        max_length=20, examples=[{"finance": "No bookkeeping yet"}],
    )] = msgspec.field(default_factory=dict)


class SelfAssessmentSubmitted(CamelStruct):
    number: int
    need_areas: list[str]
    position: int


class SelfAssessmentView(CamelStruct):
    number: int
    questionnaire_version: int
    ratings: dict[str, int]
    notes: dict[str, str]
    need_areas: list[str]
    submitted_at: datetime

    @classmethod
    def of(cls, submission: Submission) -> SelfAssessmentView:
        return cls(
            number=submission.number, questionnaire_version=submission.questionnaire_version,
            ratings={r.area: r.rating for r in submission.ratings}, notes=submission.notes,
            need_areas=submission.need_areas, submitted_at=submission.submitted_at,
        )


class SelfAssessmentsView(CamelStruct):
    submissions: list[SelfAssessmentView]
    """Oldest first; the last one set the profile's need areas."""


class TaxonomiesView(CamelStruct):
    locale: str
    stages: list[Term]
    industries: list[Term]
    expertise: list[Term]
    countries: list[Term]
    languages: list[Term]
    time_zones: list[Term]
