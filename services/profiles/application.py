"""Profiles: entrepreneurs' and mentors' profiles, and entrepreneurs' self-assessments.

Every code in a profile is checked against `services.taxonomy` before anything is
recorded; a refusal names the field as the client sent it (`languages[1]`). A member may only
have the profile of a role they hold, which is checked against their account on the same stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from services import taxonomy
from services.accounts.domain import Member, Role
from services.actor import Actor
from services.application import TenantApplication
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.profiles.domain import (
    AreaRating,
    EntrepreneurDetails,
    EntrepreneurProfile,
    MentorDetails,
    MentorProfile,
    SelfAssessmentHistory,
    Submission,
    WorkingHours,
    derive_need_areas,
)
from services.programme.application import current_questionnaire, settings_in

__all__ = ["Profiles"]

RATINGS = (1, 5)
CAPACITY = (1, 20)
MONTHLY_HOURS = (1, 160)
EMPLOYEES = (0, 1_000_000)
NOTE_MAX = 2000


class Profiles(TenantApplication):
    name = "profiles"

    # Queries --------------------------------------------------------------------------------

    def find_mentor_profile(self, member_id: UUID) -> MentorProfile | None:
        return self.find(MentorProfile.create_id(member_id), MentorProfile)

    def find_entrepreneur_profile(self, member_id: UUID) -> EntrepreneurProfile | None:
        return self.find(EntrepreneurProfile.create_id(member_id), EntrepreneurProfile)

    def get_mentor_profile(self, member_id: UUID) -> MentorProfile:
        """A current mentor's profile; 404 if there is none or they no longer mentor."""
        profile = self.find_mentor_profile(member_id)
        if profile is None or not self._holds(member_id, Role.MENTOR):
            raise NotFoundError("no mentor profile for member %(id)s", field="memberId",
                                values={"id": member_id})
        return profile

    def get_entrepreneur_profile(self, member_id: UUID) -> EntrepreneurProfile:
        profile = self.find_entrepreneur_profile(member_id)
        if profile is None or not self._holds(member_id, Role.ENTREPRENEUR):
            raise NotFoundError(
                "no entrepreneur profile for member %(id)s", field="memberId",
                values={"id": member_id},
            )
        return profile

    def self_assessments_of(self, member_id: UUID) -> list[Submission]:
        history = self.find(SelfAssessmentHistory.create_id(member_id), SelfAssessmentHistory)
        return list(history.submissions) if history else []

    # Commands -------------------------------------------------------------------------------

    def save_entrepreneur_profile(
        self, member_id: UUID, details: EntrepreneurDetails, actor: Actor
    ) -> int:
        settings = settings_in(self)
        if details.programme:
            taxonomy.check_programme(details.programme, settings.programmes)
        return self._save_profile(
            EntrepreneurProfile, Role.ENTREPRENEUR, member_id, _valid_entrepreneur(details), actor
        )

    def save_mentor_profile(self, member_id: UUID, details: MentorDetails, actor: Actor) -> int:
        settings = settings_in(self)
        details = _valid_mentor(details, corporate=settings.corporate)
        if details.programme:
            taxonomy.check_programme(details.programme, settings.programmes)
        return self._save_profile(MentorProfile, Role.MENTOR, member_id, details, actor)

    def _save_profile(
        self, kind: type[EntrepreneurProfile] | type[MentorProfile], role: Role,
        member_id: UUID, details: Any, actor: Actor,
    ) -> int:
        """Opens the member's profile of that kind if need be and records the new details;
        identical details record nothing."""

        def command() -> int:
            self._require_role(member_id, role)
            profile = self.find(kind.create_id(member_id), kind)
            if profile is None:
                profile = kind(member_id=member_id, actor=actor)
            elif profile.details == details:
                return self.position  # nothing new to record
            profile.change(details, actor)
            return self.record(profile)

        return self.retrying(command)

    def submit_self_assessment(
        self, member_id: UUID, *, version: int, ratings: Mapping[str, int],
        notes: Mapping[str, str], actor: Actor, now: datetime | None = None,
    ) -> tuple[Submission, int]:
        """Records one self-assessment and the needs it shows on the entrepreneur's profile;
        answers the submission and the position."""
        at = now or self.clock()

        def command() -> tuple[Submission, int]:
            self._require_role(member_id, Role.ENTREPRENEUR)
            questionnaire = current_questionnaire(self)
            if version != questionnaire.version:
                raise ConflictError(
                    "the questionnaire is now at version %(version)s; reload it and answer "
                    "again", field="version", values={"version": questionnaire.version},
                )
            rated = _valid_ratings(questionnaire.area_codes, ratings, notes)
            profile = self.find_entrepreneur_profile(member_id)
            if profile is None:
                raise ConflictError(
                    "write your entrepreneur profile before assessing your business",
                    field="profile",
                )
            history = self.find(
                SelfAssessmentHistory.create_id(member_id), SelfAssessmentHistory
            ) or SelfAssessmentHistory(member_id=member_id, actor=actor)
            need_areas = derive_need_areas(rated)
            history.submit(
                questionnaire_version=version, ratings=rated,
                notes={area: note.strip() for area, note in notes.items() if note.strip()},
                need_areas=need_areas, at=at, actor=actor,
            )
            profile.assess_needs(
                need_areas=need_areas, questionnaire_version=version, actor=actor
            )
            position = self.record(history, profile)
            submission = history.latest
            assert submission is not None
            return submission, position

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _holds(self, member_id: UUID, role: Role) -> bool:
        member = self.find(member_id, Member)
        return member is not None and role in member.roles

    def _require_role(self, member_id: UUID, role: Role) -> None:
        if not self._holds(member_id, role):
            raise ForbiddenError("only members with the role %(role)s have this profile",
                                 field="role", values={"role": role})


# Validation: every check names the field as the client sent it ---------------------------------


def _text(value: str, field: str, low: int, high: int) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        raise InvalidInputError("must be %(least)s to %(most)s characters", field=field,
                                values={"least": low, "most": high})
    return value


def _within(value: int, bounds: tuple[int, int], field: str) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInputError("must be from %(least)s to %(most)s, not %(value)s",
                                field=field, values={"least": low, "most": high, "value": value})
    return value


def _valid_hours(hours: WorkingHours) -> WorkingHours:
    if hours.end <= hours.start:
        raise InvalidInputError("must be after the start", field="workingHours.end")
    if not hours.weekdays:
        raise InvalidInputError("name at least one day (0 = Monday)",
                                field="workingHours.weekdays")
    for index, day in enumerate(hours.weekdays):
        _within(day, (0, 6), f"workingHours.weekdays[{index}]")
        if day in hours.weekdays[:index]:
            raise InvalidInputError(
                "day %(day)s is listed twice", field=f"workingHours.weekdays[{index}]",
                values={"day": day},
            )
    return WorkingHours(start=hours.start, end=hours.end, weekdays=sorted(hours.weekdays))


def _valid_website(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or "." not in parts.netloc or " " in url:
        raise InvalidInputError("must be an https:// address", field="website")
    return url


def _valid_common(
    country: str, languages: list[str], time_zone: str, hours: WorkingHours
) -> WorkingHours:
    taxonomy.check_country(country)
    if not languages:
        raise InvalidInputError("name at least one language", field="languages")
    taxonomy.check_codes(languages, taxonomy.check_language, "languages")
    taxonomy.check_time_zone(time_zone)
    return _valid_hours(hours)


def _valid_entrepreneur(details: EntrepreneurDetails) -> EntrepreneurDetails:
    hours = _valid_common(
        details.country, details.languages, details.time_zone, details.working_hours
    )
    taxonomy.check_stage(details.stage)
    taxonomy.check_industry(details.industry)
    return EntrepreneurDetails(
        business_name=_text(details.business_name, "businessName", 1, 120),
        description=_text(details.description, "description", 1, 2000),
        stage=details.stage, industry=details.industry, country=details.country,
        languages=details.languages, time_zone=details.time_zone, working_hours=hours,
        challenges=_text(details.challenges, "challenges", 1, 2000),
        goals=_text(details.goals, "goals", 1, 2000),
        employees=_within(details.employees, EMPLOYEES, "employees"),
        website=_valid_website(details.website), programme=details.programme,
    )


def _valid_mentor(details: MentorDetails, *, corporate: bool) -> MentorDetails:
    hours = _valid_common(
        details.country, details.languages, details.time_zone, details.working_hours
    )
    if not details.expertise:
        raise InvalidInputError("name at least one expertise area", field="expertise")
    taxonomy.check_codes(details.expertise, taxonomy.check_expertise, "expertise")
    taxonomy.check_codes(details.industries, taxonomy.check_industry, "industries")
    taxonomy.check_codes(
        details.countries_of_experience, taxonomy.check_country, "countriesOfExperience"
    )
    employer, employee_id = details.employer.strip(), details.employee_id.strip()
    if corporate:
        employer = _text(employer, "employer", 1, 120)
        employee_id = _text(employee_id, "employeeId", 1, 60)
    else:
        for field, value in (("employer", employer), ("employeeId", employee_id)):
            if value:
                raise InvalidInputError(
                    "only asked in corporate volunteering programmes", field=field
                )
    return MentorDetails(
        headline=_text(details.headline, "headline", 1, 160),
        bio=_text(details.bio, "bio", 1, 4000),
        expertise=details.expertise, industries=details.industries,
        languages=details.languages, country=details.country,
        countries_of_experience=details.countries_of_experience,
        time_zone=details.time_zone, working_hours=hours,
        capacity=_within(details.capacity, CAPACITY, "capacity"),
        monthly_hours=_within(details.monthly_hours, MONTHLY_HOURS, "monthlyHours"),
        employer=employer, employee_id=employee_id, programme=details.programme,
    )


def _valid_ratings(
    areas: list[str], ratings: Mapping[str, int], notes: Mapping[str, str]
) -> list[AreaRating]:
    for area in ratings:
        if area not in areas:
            raise InvalidInputError(
                "'%(area)s' is not an area of this questionnaire", field=f"ratings.{area}",
                values={"area": area},
            )
    for area, note in notes.items():
        if area not in areas:
            raise InvalidInputError(
                "'%(area)s' is not an area of this questionnaire", field=f"notes.{area}",
                values={"area": area},
            )
        if len(note) > NOTE_MAX:
            raise InvalidInputError("at most %(most)s characters", field=f"notes.{area}",
                                    values={"most": NOTE_MAX})
    rated = []
    for area in areas:
        if area not in ratings:
            raise InvalidInputError("rate every area of the questionnaire",
                                    field=f"ratings.{area}")
        rated.append(AreaRating(area=area, rating=_within(ratings[area], RATINGS,
                                                          f"ratings.{area}")))
    return rated
