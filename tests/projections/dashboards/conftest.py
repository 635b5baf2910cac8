"""Acme's corporate volunteering programme in 2031, told through the API, with known figures.

Two employers lend mentors: Max (Acme Bank, Spain) and Noa (Globex, Kenya). Four entrepreneurs
answer a baseline survey in January: Ana (Kenya, manufacturing, in the women-in-business
programme), Bea (Kenya, trade), Cai (Mexico, manufacturing) and Dan (Mexico, farming). In
February they ask for mentoring: Max accepts Ana after 2 hours and Bea after 24, Noa accepts Cai
after 6 and declines Dan after 48. Sessions are held in March and April; follow-ups come in
April (Dan, never mentored) and May (the three mentored); Ana and Max complete in June.

The one clock is the story's clock, so every figure below is known to the minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from infra.clock import SettableClock
from tests.profiles.profiles_data import entrepreneur_profile, mentor_profile
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi

PROGRAMME = "women-in-business-2026"
INTRODUCTION = (
    "Hello! I run a small business and would value your advice on growing it this year, "
    "especially on pricing and finding the first wholesale customers."
)


@dataclass
class Story:
    acme: TenantApi
    clock: SettableClock
    ana: SignedInMember
    bea: SignedInMember
    cai: SignedInMember
    dan: SignedInMember
    max: SignedInMember
    noa: SignedInMember
    pam: SignedInMember
    """A programme admin: the dashboard's reader."""

    def at(self, moment: str) -> None:
        self.clock.set(moment)

    def ok(self, response: httpx.Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body

    def dashboard(self, **params: Any) -> dict[str, Any]:
        """The programme admin's dashboard, with every event so far projected."""
        self.acme.project()
        return self.ok(self.acme.get("/api/v1/dashboard", self.pam, params=params))


def survey(**answers: Any) -> dict[str, Any]:
    return {"businessOperating": True, "newFinance": False, "partTimeEmployees": 0, **answers}


def _join(acme: TenantApi) -> dict[str, SignedInMember]:
    people = {name: acme.member(name.title(), roles=["entrepreneur"])
              for name in ("ana", "bea", "cai", "dan")}
    people |= {name: acme.member(name.title(), roles=["mentor"]) for name in ("max", "noa")}
    people["pam"] = acme.member("Pam", roles=["programme_admin"])
    people["tess"] = acme.member("Tess", roles=["tenant_admin"])
    return people


@pytest.fixture
def story(
    acme: TenantApi, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Story:
    # They join today and the story runs from January to June 2031: they stay signed in.
    sessions_outlast_the_story(monkeypatch)
    people = _join(acme)
    ithaca_clock.set("2031-01-01T00:00:00+00:00")
    story = Story(acme, ithaca_clock, **{k: v for k, v in people.items() if k != "tess"})
    settings = story.ok(acme.get("/api/v1/programme/settings", people["tess"]))
    story.ok(acme.put("/api/v1/programme/settings", people["tess"], json={
        **settings, "corporate": True, "programmes": [PROGRAMME],
    }))
    _profiles(story)
    _baselines(story)
    relationships = _requests(story)
    _sessions(story, relationships)
    _follow_ups(story, relationships)
    story.at("2031-06-01T12:00:00Z")
    story.ok(acme.post(f"/api/v1/relationships/{relationships['ana']}/complete", story.max))
    return story


def _profiles(story: Story) -> None:
    acme = story.acme
    for member, country, industry, programme in (
        (story.ana, "KE", "C", PROGRAMME), (story.bea, "KE", "G", ""),
        (story.cai, "MX", "C", ""), (story.dan, "MX", "A", ""),
    ):
        story.ok(acme.put("/api/v1/profiles/entrepreneur/me", member, json=entrepreneur_profile(
            country=country, industry=industry, programme=programme, timeZone="UTC",
        )))
    for member, country, employer in ((story.max, "ES", "Acme Bank"),
                                       (story.noa, "KE", "Globex")):
        story.ok(acme.put("/api/v1/profiles/mentor/me", member, json=mentor_profile(
            country=country, employer=employer, employeeId=f"E-{country}", capacity=3,
            industries=["C"] if member is story.max else ["A", "G"], timeZone="UTC",
        )))


def _baselines(story: Story) -> None:
    story.at("2031-01-10T10:00:00Z")
    for member, answers in (
        (story.ana, survey(revenueAmount="100000.00", revenueCurrency="KES",
                           fullTimeEmployees=2, partTimeEmployees=1,
                           confidence={"finance": 2, "marketing": 3})),
        (story.bea, survey(revenueBand="1k-10k", fullTimeEmployees=1,
                           confidence={"finance": 3})),
        (story.cai, survey(revenueAmount="50000", revenueCurrency="MXN", fullTimeEmployees=4,
                           confidence={"sales": 2})),
        (story.dan, survey(revenueAmount="20000", revenueCurrency="MXN", fullTimeEmployees=1,
                           partTimeEmployees=1, confidence={"finance": 4})),
    ):
        story.ok(story.acme.post("/api/v1/surveys", member, json={"kind": "baseline",
                                                                 **answers}), 201)


def _requests(story: Story) -> dict[str, str]:
    acme = story.acme
    story.at("2031-02-01T09:00:00Z")
    ids = {
        name: story.ok(acme.post("/api/v1/relationships", member, json={
            "mentorId": str(mentor.id), "introduction": INTRODUCTION,
        }), 201)["id"]
        for name, member, mentor in (("ana", story.ana, story.max), ("bea", story.bea, story.max),
                                     ("cai", story.cai, story.noa), ("dan", story.dan, story.noa))
    }
    for moment, name, mentor, verb in (
        ("2031-02-01T11:00:00Z", "ana", story.max, "accept"),
        ("2031-02-01T15:00:00Z", "cai", story.noa, "accept"),
        ("2031-02-02T09:00:00Z", "bea", story.max, "accept"),
        ("2031-02-03T09:00:00Z", "dan", story.noa, "decline"),
    ):
        story.at(moment)
        body = {"reason": "too_busy"} if verb == "decline" else None
        story.ok(acme.post(f"/api/v1/relationships/{ids[name]}/{verb}", mentor, json=body))
    for moment, name, member in (("2031-02-05T10:00:00Z", "ana", story.ana),
                                 ("2031-02-05T11:00:00Z", "bea", story.bea),
                                 ("2031-02-06T10:00:00Z", "cai", story.cai)):
        story.at(moment)
        story.ok(acme.post(f"/api/v1/relationships/{ids[name]}/start", member))
    return ids


def _sessions(story: Story, relationships: dict[str, str]) -> None:
    """Ana 90 and Bea 30 minutes with Max in March, Cai 45 with Noa in April, all confirmed;
    Ana's April session with Max (60 minutes) is logged but never confirmed."""
    acme = story.acme
    for day, name, mentor, mentee, minutes, confirmed in (
        ("2031-03-10", "ana", story.max, story.ana, 90, True),
        ("2031-03-12", "bea", story.max, story.bea, 30, True),
        ("2031-04-02", "cai", story.noa, story.cai, 45, True),
        ("2031-04-15", "ana", story.max, story.ana, 60, False),
    ):
        story.at(f"{day}T06:00:00Z")
        meeting = story.ok(acme.post(
            f"/api/v1/relationships/{relationships[name]}/meetings", mentor, json={
                "startsAt": f"{day}T09:00", "timeZone": "UTC", "durationMinutes": 60,
                "agenda": "Pricing and the first wholesale order",
            }), 201)["meeting"]["meetingId"]
        story.ok(acme.post(f"/api/v1/meetings/{meeting}/accept", mentee))
        story.at(f"{day}T10:30:00Z")
        story.ok(acme.post(f"/api/v1/meetings/{meeting}/session-log", mentee, json={
            "durationMinutes": minutes, "summary": "Went through the price list.",
        }), 201)
        if confirmed:
            story.ok(acme.post(f"/api/v1/meetings/{meeting}/session-log/confirm", mentor))


def _follow_ups(story: Story, relationships: dict[str, str]) -> None:
    """Three months on: Dan (never mentored) from his baseline, the others from their start."""
    for moment, member, relationship, answers in (
        ("2031-04-20T10:00:00Z", story.dan, None,
         survey(revenueAmount="25000", revenueCurrency="MXN", fullTimeEmployees=1,
                partTimeEmployees=1, confidence={"finance": 3})),
        ("2031-05-10T10:00:00Z", story.ana, relationships["ana"],
         survey(revenueAmount="150000", revenueCurrency="KES", fullTimeEmployees=3,
                partTimeEmployees=2, confidence={"finance": 4, "marketing": 4},
                newFinance=True)),
        ("2031-05-10T11:00:00Z", story.bea, relationships["bea"],
         survey(revenueBand="10k-50k", fullTimeEmployees=1, partTimeEmployees=1,
                confidence={"finance": 4})),
        ("2031-05-12T10:00:00Z", story.cai, relationships["cai"],
         survey(revenueAmount="40000", revenueCurrency="MXN", fullTimeEmployees=2,
                confidence={"sales": 4}, newFinance=True)),
    ):
        story.at(moment)
        story.ok(story.acme.post("/api/v1/surveys", member, json={
            "kind": "follow_up", "monthsAfter": 3, "relationshipId": relationship, **answers,
        }), 201)
