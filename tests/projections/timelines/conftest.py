"""A mentoring relationship walked from request to completion through the API, on the story's
clock, so that its timeline can be read back.

Sofía runs a pottery in Mexico City; Ben mentors from Madrid. Every step is an API call, as
their browsers would make it; the one clock is set by the story, never today's date.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
import pytest

from tests.story_time import sessions_outlast_the_story, story_clock
from tests.tenant_api import SignedInMember, TenantApi

INTRODUCTION = (
    "¡Hola Ben! Tengo un taller de cerámica en Coyoacán y quiero vender a tiendas en España; "
    "me falta saber fijar precios de exportación."
)
WORKING_HOURS = {"start": "08:00", "end": "20:00", "weekdays": [0, 1, 2, 3, 4]}


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


class Story:
    """Acme's members and the API calls of the story."""

    def __init__(self, acme: TenantApi) -> None:
        self.acme = acme
        self.clock = story_clock(acme)
        self.clock.set("2031-03-03T16:00:00+00:00")
        self.sofia = acme.member("Sofía", roles=["entrepreneur"], locale="es")
        self.ben = acme.member("Ben", roles=["mentor"])
        ok(acme.put("/api/v1/profiles/entrepreneur/me", self.sofia, json={
            "businessName": "Taller Coyoacán", "description": "Cerámica hecha a mano.",
            "stage": "early", "industry": "C", "country": "MX", "languages": ["es", "en"],
            "timeZone": "America/Mexico_City", "workingHours": WORKING_HOURS,
            "challenges": "Precios de exportación.", "goals": "Un cliente en España.",
            "employees": 3,
        }))
        self.mentor_profile(self.ben)

    def mentor_profile(self, mentor: SignedInMember) -> None:
        ok(self.acme.put("/api/v1/profiles/mentor/me", mentor, json={
            "headline": "Export pricing for makers", "bio": "Fifteen years importing crafts.",
            "expertise": ["finance"], "industries": ["C"], "languages": ["en", "es"],
            "country": "ES", "countriesOfExperience": ["MX"], "timeZone": "Europe/Madrid",
            "workingHours": WORKING_HOURS, "capacity": 5, "monthlyHours": 6,
        }))

    def timeline(self, relationship_id: UUID | str, member: SignedInMember,
                 **params: Any) -> dict[str, Any]:
        return ok(self.acme.get(f"/api/v1/relationships/{relationship_id}/timeline", member,
                                params=params))

    def request(self, mentee: SignedInMember, mentor: SignedInMember) -> str:
        answer = ok(self.acme.post("/api/v1/relationships", mentee, json={
            "mentorId": str(mentor.id), "introduction": INTRODUCTION,
        }), 201)
        relationship_id: str = answer["id"]
        return relationship_id

    def move(self, relationship_id: str, command: str, member: SignedInMember,
             json: dict[str, Any] | None = None) -> None:
        ok(self.acme.post(f"/api/v1/relationships/{relationship_id}/{command}", member,
                          json=json))

    def say(self, relationship_id: str, member: SignedInMember, when: str) -> None:
        self.clock.set(when)
        ok(self.acme.post(f"/api/v1/relationships/{relationship_id}/messages", member,
                          json={"body": "Un mensaje que el timeline no debe guardar."}), 201)

    def survey(self, **extra: Any) -> None:
        ok(self.acme.post("/api/v1/surveys", self.sofia, json={
            "businessOperating": True, "revenueAmount": "850000.00", "revenueCurrency": "MXN",
            "fullTimeEmployees": 3, "partTimeEmployees": 1,
            "confidence": {"finance": 2, "sales": 1}, "newFinance": False, **extra,
        }), 201)

    def walk(self) -> str:
        """Request, accept, start, messages over two weeks, a meeting with its session log,
        a follow-up survey, a pause and a resumption, completion. Answers the relationship."""
        acme, clock, sofia, ben = self.acme, self.clock, self.sofia, self.ben
        self.survey(kind="baseline")
        clock.set("2031-03-03T17:00:00Z")
        relationship_id = self.request(sofia, ben)
        clock.set("2031-03-04T09:30:00Z")
        self.move(relationship_id, "accept", ben)
        clock.set("2031-03-04T17:00:00Z")
        self.move(relationship_id, "start", sofia)

        self.say(relationship_id, sofia, "2031-03-05T15:00:00Z")
        self.say(relationship_id, ben, "2031-03-05T19:00:00Z")
        # Sunday 23:30 UTC: already Monday in Madrid, still Sunday in Mexico City. Weeks are
        # counted in UTC, so this one belongs to week 10.
        self.say(relationship_id, ben, "2031-03-09T23:30:00Z")
        self.say(relationship_id, sofia, "2031-03-11T14:00:00Z")

        # Ben proposes 17:00 on 8 April on his Madrid clock (summer time, UTC+2): 15:00 UTC,
        # 09:00 in Mexico City, which keeps UTC-6 all year.
        clock.set("2031-03-20T18:00:00Z")
        meeting_id = ok(acme.post(f"/api/v1/relationships/{relationship_id}/meetings", ben,
                                  json={"startsAt": "2031-04-08T17:00", "durationMinutes": 60,
                                        "agenda": "Precios de exportación"}),
                        201)["meeting"]["meetingId"]
        clock.set("2031-03-21T15:00:00Z")
        ok(acme.post(f"/api/v1/meetings/{meeting_id}/accept", sofia))
        clock.set("2031-04-08T16:05:00Z")
        ok(acme.post(f"/api/v1/meetings/{meeting_id}/session-log", sofia, json={
            "durationMinutes": 55, "summary": "Revisamos la lista de precios.",
        }), 201)
        clock.set("2031-04-08T18:30:00Z")
        ok(acme.post(f"/api/v1/meetings/{meeting_id}/session-log/confirm", ben))
        self.meeting_id = meeting_id

        clock.set("2031-05-01T10:00:00Z")
        self.move(relationship_id, "pause", ben)
        clock.set("2031-05-15T16:00:00Z")
        self.move(relationship_id, "resume", sofia)
        clock.set("2031-06-04T17:00:00Z")
        self.survey(kind="follow_up", monthsAfter=3, relationshipId=relationship_id)
        clock.set("2031-06-10T17:00:00Z")
        self.move(relationship_id, "complete", ben)
        return relationship_id


@pytest.fixture
def story(acme: TenantApi, monkeypatch: pytest.MonkeyPatch) -> Story:
    # The story runs from March to June; Sofía and Ben stay signed in throughout.
    sessions_outlast_the_story(monkeypatch)
    return Story(acme)
