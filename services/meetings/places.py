"""Where each member of a relationship is: their time zone, country and working hours.

Taken from the profile that matches their side of the relationship (the mentor's mentor
profile, the mentee's entrepreneur profile), then from their other profile; a member without
either is placed in the tenant's time zone, with no country and no working hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from uuid import UUID

import holidays

from services.mentoring.domain import Relationship
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurProfile, MentorProfile, WorkingHours

__all__ = ["Locator", "Place", "holiday_on", "places_of", "public_holidays"]


@dataclass(frozen=True)
class Place:
    time_zone: str
    country: str | None
    working_hours: WorkingHours | None
    from_profile: bool


@dataclass(frozen=True)
class Locator:
    """Finds members' places in one tenant."""

    profiles: Profiles
    tenant_time_zone: str

    def places(self, relationship: Relationship) -> dict[UUID, Place]:
        return places_of(relationship, self.profiles, self.tenant_time_zone)


def places_of(
    relationship: Relationship, profiles: Profiles, tenant_time_zone: str
) -> dict[UUID, Place]:
    """Both members' places, by member id."""
    mentor = _place(
        [profiles.find_mentor_profile(relationship.mentor_id),
         profiles.find_entrepreneur_profile(relationship.mentor_id)],
        tenant_time_zone,
    )
    mentee = _place(
        [profiles.find_entrepreneur_profile(relationship.mentee_id),
         profiles.find_mentor_profile(relationship.mentee_id)],
        tenant_time_zone,
    )
    return {relationship.mentor_id: mentor, relationship.mentee_id: mentee}


def _place(
    candidates: list[MentorProfile | EntrepreneurProfile | None], tenant_time_zone: str
) -> Place:
    for profile in candidates:
        # A profile opened but never filled in has no time zone yet.
        time_zone: str | None = getattr(profile, "time_zone", None)
        if profile is not None and time_zone:
            return Place(
                time_zone=time_zone, country=getattr(profile, "country", None) or None,
                working_hours=getattr(profile, "working_hours", None), from_profile=True,
            )
    return Place(time_zone=tenant_time_zone, country=None, working_hours=None,
                 from_profile=False)


@cache
def _calendar(country: str, year: int) -> dict[date, str]:
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library has no calendar for
        return {}
    # English names where the library has them, so both members can read them.
    if "en_US" in found.supported_languages:
        found = holidays.country_holidays(country, years=year, language="en_US")
    return dict(found.items())


def public_holidays(country: str | None, start: date, end: date) -> list[tuple[date, str]]:
    """The country's national public holidays from `start` to `end`, both included."""
    if not country:
        return []
    found: list[tuple[date, str]] = []
    for year in range(start.year, end.year + 1):
        found.extend(
            (day, name) for day, name in _calendar(country, year).items() if start <= day <= end
        )
    return sorted(found)


def holiday_on(country: str | None, day: date) -> str | None:
    return _calendar(country, day.year).get(day) if country else None
