"""Erasure leaves nothing of the person in the database, and every figure as it was.

Zebulon is an entrepreneur and a mentor with distinctive words everywhere Ithaca keeps a
person's data: his name and address, his profiles and employer, an introduction, messages, a
meeting agenda and session log, survey and self-assessment answers, a mail sent to him, and
answers to his retried commands. After his erasure, a search of every table and every file of
the test's database finds none of them; before it, the same search finds what is kept in plain
text (the read models' search text and employer), and it goes on finding another mentor's.
"""

from __future__ import annotations

from typing import Any

from infra.clock import SettableClock
from infra.settings import Settings
from services.actor import Actor
from services.meetings.application import Meetings
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.mail.fixtures import Mailroom
from tests.privacy.scenes import accept, mentor_profile
from tests.privacy.storage_search import found_in_storage
from tests.tenant_api import PASSWORD, SignedInMember, TenantApi

ZEBULON = {
    "name": "Zebulon Quartermaine",
    "email": "zebulon.quartermaine.x7@example.org",
    "email local part": "zebulon.quartermaine.x7",
    "headline": "Quasarlantern workshops",
    "bio": "Xylophonic bakery wisdom",
    "employer": "Vortiglen Holdings",
    "business name": "Zebquart Ceramics",
    "introduction": "Marmalundian kilns",
    "message": "Frobnicated sourdough",
    "agenda": "Quibblestone agenda",
    "session log": "Snorkelwick summary",
    "survey comment": "Glimmerhaven comment",
    "self-assessment note": "Plinthwobble bookkeeping",
}
PLAIN_BEFORE_ERASURE = {"headline", "bio", "employer"}
"""What read models keep in plain text (matching's search text, the dashboards' employer)."""
ULA_HEADLINE = "Umbrellafish consultancy"
HOURS = {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}
ADMIN = Actor(kind="cli", id="test")


def test_nothing_of_an_erased_member_is_left_in_any_table_or_file(
    mailroom: Mailroom, settings: Settings, ithaca_clock: SettableClock,
) -> None:
    acme = mailroom.acme
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant("acme")
    ithaca.tenant_application(tenant, Programme).change_settings(
        ProgrammeSettings(corporate=True), ADMIN)
    # Five days before the meeting: the week-long link of his verification mail, delivered
    # after it, still works (an expired one is dropped unsent).
    ithaca_clock.set("2026-06-05T08:00:00+00:00")
    admin = acme.member("Tess", roles=["tenant_admin"])
    ula = acme.member("Ula", roles=["mentor"])
    mentor_profile(acme, ula, headline=ULA_HEADLINE, employer="Ulterior Widgets")
    zed = _zebulon_everywhere(acme, ula, ithaca_clock)
    assert mailroom.deliver() >= 1
    assert mailroom.inbox(ZEBULON["email"]), "the mail to Zebulon was sent"
    acme.project()
    key = ithaca.tenant_application(tenant, Meetings).stream.personal_keys.key_for(
        zed.id, create=False)
    assert key is not None
    needles: dict[str, str | bytes] = {**ZEBULON, "his key": key, "Ula's headline": ULA_HEADLINE}

    before = found_in_storage(settings, needles)
    assert PLAIN_BEFORE_ERASURE | {"his key", "Ula's headline"} <= set(before), before
    figures = _figures(acme, admin)
    assert figures["total volunteer hours"] > 0

    erased = acme.post("/api/v1/me/erasure", zed, json={"password": PASSWORD})
    assert erased.status_code == 201, erased.text
    acme.project()

    after = found_in_storage(settings, needles)
    assert set(after) == {"Ula's headline"}, after
    # Every figure of the dashboard is as it was: members, requests, relationships, meetings,
    # surveys, and the volunteer hours (now under no employer for his share).
    assert _figures(acme, admin) == figures
    account = acme.get(f"/api/v1/members/{zed.id}", admin).json()
    assert (account["name"], account["email"], account["status"]) == (
        "[erased]", "[erased]", "erased")


def _zebulon_everywhere(
    acme: TenantApi, ula: SignedInMember, clock: SettableClock
) -> SignedInMember:
    zed = acme.member(ZEBULON["name"], roles=["entrepreneur", "mentor"], email=ZEBULON["email"])
    mentor_profile(acme, zed, headline=ZEBULON["headline"], bio=ZEBULON["bio"],
                   employer=ZEBULON["employer"])
    saved = acme.put("/api/v1/profiles/entrepreneur/me", zed, json={
        "businessName": ZEBULON["business name"], "description": "Tableware.", "stage": "early",
        "industry": "C", "country": "PT", "languages": ["en"], "timeZone": "Europe/Lisbon",
        "workingHours": HOURS, "challenges": "Pricing.", "goals": "Three shops.",
        "employees": 1,
    })
    assert saved.status_code == 200, saved.text
    ratings = {area: 4 for area in (
        "strategy", "finance", "marketing", "sales", "operations", "human-resources", "digital",
        "legal", "fundraising", "customer-service")}
    assessed = acme.post("/api/v1/self-assessments", zed, json={
        "version": 1, "ratings": {**ratings, "finance": 1},
        "notes": {"finance": ZEBULON["self-assessment note"]}})
    assert assessed.status_code == 201, assessed.text
    requested = acme.post("/api/v1/relationships", zed, json={
        "mentorId": str(ula.id),
        "introduction": f"Hello Ula, I make {ZEBULON['introduction']} and need your advice.",
    })
    assert requested.status_code == 201, requested.text
    relationship = requested.json()["id"]
    accept(acme, relationship, ula)
    sent = acme.post(f"/api/v1/relationships/{relationship}/messages", zed,
                     json={"body": ZEBULON["message"]})
    assert sent.status_code == 201, sent.text
    # A meeting, proposed and accepted with idempotency keys: both answers quote his agenda.
    proposed = acme.post(f"/api/v1/relationships/{relationship}/meetings", zed,
                         headers={"Idempotency-Key": "zed-meeting"}, json={
                             "startsAt": "2026-06-10T17:00", "durationMinutes": 60,
                             "agenda": ZEBULON["agenda"]})
    assert proposed.status_code == 201, proposed.text
    meeting = proposed.json()["meeting"]["meetingId"]
    accepted = acme.post(f"/api/v1/meetings/{meeting}/accept", ula,
                         headers={"Idempotency-Key": "ula-accept"})
    assert accepted.status_code == 200, accepted.text
    assert ZEBULON["agenda"] in accepted.text
    clock.set("2026-06-10T17:05:00+00:00")
    logged = acme.post(f"/api/v1/meetings/{meeting}/session-log", zed, json={
        "durationMinutes": 55, "summary": ZEBULON["session log"], "agreements": "Prices.",
        "nextSteps": "A list."})
    assert logged.status_code == 201, logged.text
    assert acme.post(f"/api/v1/meetings/{meeting}/session-log/confirm", ula).status_code == 200
    surveyed = acme.post("/api/v1/surveys", zed, json={
        "kind": "baseline", "businessOperating": True, "revenueAmount": "18500.50",
        "revenueCurrency": "EUR", "fullTimeEmployees": 2, "partTimeEmployees": 1,
        "confidence": {"marketing": 3, "finance": 2}, "newFinance": False,
        "comment": ZEBULON["survey comment"]})
    assert surveyed.status_code == 201, surveyed.text
    # The relationship is over before the erasure, so that erasing changes no figure.
    for step in ("start", "complete"):
        moved = acme.post(f"/api/v1/relationships/{relationship}/{step}", zed)
        assert moved.status_code == 200, moved.text
    return zed


def _figures(acme: TenantApi, admin: SignedInMember) -> dict[str, Any]:
    acme.project()
    response = acme.get("/api/v1/dashboard", admin)
    assert response.status_code == 200, response.text
    dashboard: dict[str, Any] = response.json()
    hours = dashboard.pop("volunteerHours")
    dashboard.pop("position")
    dashboard["total volunteer hours"] = sum(entry["hours"]["total"]["value"] for entry in hours)
    return dashboard
