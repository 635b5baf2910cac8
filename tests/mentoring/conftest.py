"""A programme with mentors and entrepreneurs, a clock the test moves, and short-hands for the
mentoring API."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

import httpx
import pytest

from services.actor import Actor
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.domain import MentorDetails, WorkingHours
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.mail.fixtures import mailroom, sink
from tests.story_time import story_clock
from tests.tenant_api import SignedInMember, TenantApi

__all__ = ["ADMIN", "INTRODUCTION", "Cohort", "cohort", "mailroom", "sink"]

INTRODUCTION = (
    "Hello! I run a small bakery in Porto and would love your advice on opening a second shop."
)
ADMIN = Actor(kind="cli", id="test")


class Cohort:
    """Acme's mentoring programme, driven through the API."""

    def __init__(self, acme: TenantApi) -> None:
        self.acme = acme
        self.clock = story_clock(acme)
        self.clock.set("2031-03-03T09:00:00+00:00")

    def app(self, kind: type[Any]) -> Any:
        ithaca = self.acme.served.ithaca
        return ithaca.tenant_application(ithaca.tenant(self.acme.slug), kind)

    @property
    def mentoring(self) -> Mentoring:
        mentoring: Mentoring = self.app(Mentoring)
        return mentoring

    @property
    def position(self) -> int:
        return self.mentoring.position

    def settle(self, **settings: Any) -> None:
        programme: Programme = self.app(Programme)
        programme.change_settings(ProgrammeSettings(**settings), ADMIN)

    def entrepreneur(self, name: str) -> SignedInMember:
        return self.acme.member(name, roles=["entrepreneur"])

    def mentor(self, name: str, *, capacity: int = 2, profile: bool = True) -> SignedInMember:
        member = self.acme.member(name, roles=["mentor"])
        if profile:
            profiles: Profiles = self.app(Profiles)
            profiles.save_mentor_profile(member.id, MentorDetails(
                headline=f"{name}, retail founder", bio="Twenty years of shops.",
                expertise=["finance"], industries=[], languages=["en"], country="PT",
                countries_of_experience=["PT"], time_zone="Europe/Lisbon",
                working_hours=WorkingHours(start=time(9), end=time(17), weekdays=[0, 1, 2]),
                capacity=capacity, monthly_hours=8,
            ), ADMIN)
        return member

    def request(
        self, mentee: SignedInMember, mentor: SignedInMember, introduction: str = INTRODUCTION
    ) -> UUID:
        response = self.acme.post("/api/v1/relationships", mentee, json={
            "mentorId": str(mentor.id), "introduction": introduction,
        })
        assert response.status_code == 201, response.text
        return UUID(response.json()["id"])

    def act(
        self, relationship_id: UUID, command: str, member: SignedInMember,
        json: dict[str, Any] | None = None,
    ) -> httpx.Response:
        path = f"/api/v1/relationships/{relationship_id}/{command}"
        return self.acme.post(path, member, json=json)

    def move(
        self, relationship_id: UUID, command: str, member: SignedInMember,
        json: dict[str, Any] | None = None,
    ) -> str:
        """Does the command, which must succeed; answers the new status."""
        response = self.act(relationship_id, command, member, json)
        assert response.status_code == 200, response.text
        status: str = response.json()["status"]
        return status

    def view(self, relationship_id: UUID, member: SignedInMember) -> dict[str, Any]:
        response = self.acme.get(f"/api/v1/relationships/{relationship_id}", member)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def mine(self, member: SignedInMember) -> dict[str, dict[str, Any]]:
        """The member's relationships by id."""
        response = self.acme.get("/api/v1/me/relationships", member)
        assert response.status_code == 200, response.text
        return {entry["relationshipId"]: entry for entry in response.json()["relationships"]}

    def refused(
        self, response: httpx.Response, status: int, field: str, before: int
    ) -> dict[str, Any]:
        """Asserts a refusal naming the field that stored nothing; answers the error."""
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()["error"]
        assert error["field"] == field, response.text
        assert self.position == before, "a refused command stored something"
        return error


@pytest.fixture
def cohort(acme: TenantApi) -> Cohort:
    return Cohort(acme)
