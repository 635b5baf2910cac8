"""A mentor and a mentee in two places, in an accepted relationship, and a clock the test sets.

Profiles and the relationship are made through the API, as the members would make them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest

from infra.clock import SettableClock
from tests.mail.fixtures import mailroom, sink
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi

__all__ = ["Pair", "clocks_of", "mailroom", "sink"]

INTRODUCTION = (
    "Hello! I sell hand-made ceramics and would love your advice on pricing for wholesale."
)
NINE_TO_SIX = {"start": "09:00", "end": "18:00", "weekdays": [0, 1, 2, 3, 4]}
NINE_TO_FIVE = {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}


class Pair:
    """Ben mentors Ana: each with a profile in their own place, the request accepted."""

    def __init__(
        self, acme: TenantApi, clock: SettableClock, *, mentor_zone: str, mentor_country: str,
        mentee_zone: str, mentee_country: str, accepted: bool = True,
        mentor_hours: dict[str, Any] = NINE_TO_SIX, mentee_hours: dict[str, Any] = NINE_TO_FIVE,
    ) -> None:
        self.acme, self.clock = acme, clock
        self.ben = acme.member("Ben", roles=["mentor"])
        self.ana = acme.member("Ana", roles=["entrepreneur"])
        ok = acme.put("/api/v1/profiles/mentor/me", self.ben, json={
            "headline": "Wholesale pricing", "bio": "Twenty years selling to shops.",
            "expertise": ["finance"], "industries": ["C"], "languages": ["en", "es"],
            "country": mentor_country, "countriesOfExperience": [], "timeZone": mentor_zone,
            "workingHours": mentor_hours, "capacity": 3, "monthlyHours": 8,
        })
        assert ok.status_code == 200, ok.text
        ok = acme.put("/api/v1/profiles/entrepreneur/me", self.ana, json={
            "businessName": "Ana Ceramics", "description": "Hand-made tableware.",
            "stage": "early", "industry": "C", "country": mentee_country,
            "languages": ["en"], "timeZone": mentee_zone, "workingHours": mentee_hours,
            "challenges": "Pricing.", "goals": "Three shops.", "employees": 1,
        })
        assert ok.status_code == 200, ok.text
        requested = acme.post("/api/v1/relationships", self.ana, json={
            "mentorId": str(self.ben.id), "introduction": INTRODUCTION,
        })
        assert requested.status_code == 201, requested.text
        self.relationship_id = UUID(requested.json()["id"])
        if accepted:
            answer = acme.post(f"/api/v1/relationships/{self.relationship_id}/accept", self.ben)
            assert answer.status_code == 200, answer.text

    @property
    def position(self) -> int:
        return self.acme.accounts().position

    def propose(self, member: SignedInMember, **body: Any) -> httpx.Response:
        body.setdefault("durationMinutes", 60)
        body.setdefault("agenda", "Wholesale price list")
        return self.acme.post(
            f"/api/v1/relationships/{self.relationship_id}/meetings", member, json=body
        )

    def proposed(self, member: SignedInMember, **body: Any) -> dict[str, Any]:
        """Proposes, which must succeed; answers the meeting as the proposer sees it."""
        response = self.propose(member, **body)
        assert response.status_code == 201, response.text
        meeting: dict[str, Any] = response.json()["meeting"]
        return meeting

    def act(
        self, meeting_id: str, command: str, member: SignedInMember, **body: Any
    ) -> httpx.Response:
        return self.acme.post(f"/api/v1/meetings/{meeting_id}/{command}", member,
                              json=body or None)

    def done(
        self, meeting_id: str, command: str, member: SignedInMember, **body: Any
    ) -> dict[str, Any]:
        response = self.act(meeting_id, command, member, **body)
        assert response.status_code in (200, 201), response.text
        meeting: dict[str, Any] = response.json()["meeting"]
        return meeting

    def view(self, meeting_id: str, member: SignedInMember) -> dict[str, Any]:
        response = self.acme.get(f"/api/v1/meetings/{meeting_id}", member)
        assert response.status_code == 200, response.text
        meeting: dict[str, Any] = response.json()
        return meeting

    def refused(
        self, response: httpx.Response, status: int, field: str, before: int
    ) -> str:
        """Asserts a refusal naming the field that stored nothing; answers the problem."""
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()["error"]
        assert error["field"] == field, response.text
        assert self.position == before, "a refused command stored something"
        problem: str = error["problem"]
        return problem


def clocks_of(meeting: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each side's start and end as that side's clock shows them."""
    return {p["side"]: (p["startsAt"], p["endsAt"]) for p in meeting["participants"]}


@pytest.fixture
def clock(ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch) -> SettableClock:
    """The story's clock, set before the pair sign in; meetings are held months later."""
    ithaca_clock.set("2026-02-02T12:00:00+00:00")
    sessions_outlast_the_story(monkeypatch)
    return ithaca_clock


@pytest.fixture
def madrid_new_york(acme: TenantApi, clock: SettableClock) -> Pair:
    """Ben mentors from Madrid (Spain), Ana runs her business in New York (US)."""
    return Pair(acme, clock, mentor_zone="Europe/Madrid", mentor_country="ES",
                mentee_zone="America/New_York", mentee_country="US")


@pytest.fixture
def madrid_jakarta(acme: TenantApi, clock: SettableClock) -> Pair:
    """Ben mentors from Madrid (Spain), Ana runs her business in Jakarta (Indonesia)."""
    return Pair(acme, clock, mentor_zone="Europe/Madrid", mentor_country="ES",
                mentee_zone="Asia/Jakarta", mentee_country="ID")
