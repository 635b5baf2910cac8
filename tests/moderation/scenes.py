"""Setting the scene for moderation and impact tests: mentors with profiles, relationships."""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from services.actor import Actor
from services.impact.application import Impact
from services.moderation.application import Moderation
from services.profiles.application import Profiles
from services.profiles.domain import MentorDetails, WorkingHours
from tests.story_time import story_clock
from tests.tenant_api import SignedInMember, TenantApi

INTRODUCTION = (
    "I run a small bakery in Porto and want to open a second shop next year; your retail "
    "experience would help me plan it."
)


def moderation(acme: TenantApi) -> Moderation:
    ithaca = acme.served.ithaca
    return ithaca.tenant_application(ithaca.tenant(acme.slug), Moderation)


def impact(acme: TenantApi) -> Impact:
    ithaca = acme.served.ithaca
    return ithaca.tenant_application(ithaca.tenant(acme.slug), Impact)


def mentor(acme: TenantApi, name: str) -> SignedInMember:
    """A mentor who has written their profile (as the profiles API would record it)."""
    member = acme.member(name, roles=["mentor"])
    ithaca = acme.served.ithaca
    profiles = ithaca.tenant_application(ithaca.tenant(acme.slug), Profiles)
    profiles.save_mentor_profile(member.id, MentorDetails(
        headline="Retail and cash-flow planning", bio="Twenty years running shops.",
        expertise=["marketing", "finance"], industries=["G"], languages=["en"], country="ES",
        countries_of_experience=["ES", "PT"], time_zone="Europe/Madrid",
        working_hours=WorkingHours(start=time(9), end=time(17), weekdays=[0, 1, 2, 3, 4]),
        capacity=3, monthly_hours=8,
    ), Actor(kind="cli", id="test"))
    return member


def request(acme: TenantApi, mentee: SignedInMember, mentor_: SignedInMember) -> UUID:
    response = acme.post("/api/v1/relationships", mentee, json={
        "mentorId": str(mentor_.id), "introduction": INTRODUCTION,
    })
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"])


def activate(
    acme: TenantApi, mentee: SignedInMember, mentor_: SignedInMember, at: datetime
) -> UUID:
    """A relationship the mentor accepted and that became active at `at`."""
    relationship_id = request(acme, mentee, mentor_)
    path = f"/api/v1/relationships/{relationship_id}"
    assert acme.post(f"{path}/accept", mentor_).status_code == 200
    with story_clock(acme).borrowed() as story:
        story.set(at)
        response = acme.post(f"{path}/start", mentor_)
        assert response.status_code == 200, response.text
    return relationship_id
