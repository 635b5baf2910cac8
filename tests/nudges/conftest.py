"""Acme's programme on the story clock, its mail going to a real SMTP sink: members who sign
up, write their profiles, ask, answer, meet and write through the API, and the tips they get.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import pytest

from infra.clock import SettableClock
from infra.mail.sink import text_of
from tests.mail.fixtures import Mailroom, mailroom, sink
from tests.story_time import sessions_outlast_the_story, story_clock
from tests.tenant_api import SignedInMember, TenantApi

__all__ = ["Programme", "mailroom", "programme", "sink"]

WEEKDAYS = {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}
AREAS = ["strategy", "finance", "marketing", "sales", "operations", "human-resources",
         "digital", "legal", "fundraising", "customer-service"]
INTRODUCTION = (
    "Hello! I run a small ceramics workshop and would value your advice on pricing and sales."
)
LOG = {"durationMinutes": 50, "summary": "Went through the price list.",
       "agreements": "", "nextSteps": ""}
START = datetime.fromisoformat("2031-03-03T09:00:00+00:00")
"""A Monday, 10:00 in Madrid: outside every member's quiet hours, as the story's instants are."""


class Programme:
    """Acme's members, driven through the API, and what reached their inboxes."""

    def __init__(self, mailroom: Mailroom) -> None:
        self.mailroom = mailroom
        self.acme: TenantApi = mailroom.acme
        self.clock: SettableClock = story_clock(self.acme)
        self.clock.set(START)

    # Time -------------------------------------------------------------------------------------

    def at(self, moment: datetime) -> None:
        """Moves the story to `moment` and lets the scheduler do what fell due by then."""
        self.clock.set(moment)
        self.mailroom.deliver()

    def after(self, **delta: float) -> datetime:
        return self.clock.now + timedelta(**delta)

    # People -----------------------------------------------------------------------------------

    def newcomer(self, name: str, *, roles: tuple[str, ...] = ("entrepreneur",),
                 locale: str = "en") -> SignedInMember:
        """Signed up, nothing more."""
        return self.acme.member(name, roles=list(roles), locale=locale)

    def entrepreneur(self, name: str, *, locale: str = "en") -> SignedInMember:
        """Signed up, with a profile and a self-assessment (needs: finance, sales)."""
        member = self.newcomer(name, locale=locale)
        self.ok(self.acme.put("/api/v1/profiles/entrepreneur/me", member, json={
            "businessName": f"{name}'s workshop", "description": "Hand-made ceramics",
            "stage": "early", "industry": "C", "country": "ES", "languages": ["es", "en"],
            "timeZone": "Europe/Madrid", "workingHours": WEEKDAYS,
            "challenges": "Finding customers", "goals": "Grow sales", "employees": 2,
        }))
        ratings = {area: 1 if area in ("finance", "sales") else 4 for area in AREAS}
        self.ok(self.acme.post("/api/v1/self-assessments", member,
                               json={"version": 1, "ratings": ratings, "notes": {}}))
        return member

    def mentor(self, name: str, **profile: Any) -> SignedInMember:
        member = self.newcomer(name, roles=("mentor",))
        self.ok(self.acme.put("/api/v1/profiles/mentor/me", member, json={
            "headline": f"{name} helps workshops grow", "bio": "Years of advising shops.",
            "expertise": ["finance", "sales"], "industries": ["C"], "languages": ["en", "es"],
            "country": "ES", "countriesOfExperience": [], "timeZone": "Europe/Madrid",
            "workingHours": WEEKDAYS, "capacity": 5, "monthlyHours": 8, **profile,
        }))
        return member

    def admin(self) -> SignedInMember:
        return self.acme.member("Tia", roles=["tenant_admin"])

    # Steps ------------------------------------------------------------------------------------

    def request(self, mentee: SignedInMember, mentor: SignedInMember) -> UUID:
        response = self.ok(self.acme.post("/api/v1/relationships", mentee, json={
            "mentorId": str(mentor.id), "introduction": INTRODUCTION}))
        return UUID(response["id"])

    def mentoring(self, mentee: SignedInMember, mentor: SignedInMember) -> UUID:
        """A relationship asked for, accepted and started now."""
        relationship_id = self.request(mentee, mentor)
        for command, member in (("accept", mentor), ("start", mentee)):
            self.ok(self.acme.post(f"/api/v1/relationships/{relationship_id}/{command}",
                                   member))
        return relationship_id

    def write(self, relationship_id: UUID, member: SignedInMember, body: str) -> None:
        self.ok(self.acme.post(f"/api/v1/relationships/{relationship_id}/messages", member,
                               json={"body": body}))

    def hold_session(self, relationship_id: UUID, mentor: SignedInMember,
                     mentee: SignedInMember) -> None:
        """A meeting tomorrow at 10:00 (Madrid), accepted, held and logged by the mentor; the
        story's clock ends after it."""
        day = self.after(days=1).astimezone(self.clock.now.tzinfo)
        meeting = self.ok(self.acme.post(
            f"/api/v1/relationships/{relationship_id}/meetings", mentor, json={
                "startsAt": f"{day:%Y-%m-%d}T10:00", "durationMinutes": 60,
                "agenda": "Prices"}))["meeting"]
        self.ok(self.acme.post(f"/api/v1/meetings/{meeting['meetingId']}/accept", mentee))
        self.clock.set(self.after(days=1, hours=1))
        self.ok(self.acme.post(f"/api/v1/meetings/{meeting['meetingId']}/session-log",
                               mentor, json=LOG))

    @staticmethod
    def ok(response: Any) -> Any:
        assert response.status_code in (200, 201), response.text
        return response.json()

    # Mail -------------------------------------------------------------------------------------

    def tips(self, member: SignedInMember, subject: str) -> list[EmailMessage]:
        """The member's mail whose subject holds `subject`."""
        return [mail for mail in self.mailroom.inbox(member.email)
                if subject in str(mail["Subject"])]


def words_of(mail: EmailMessage) -> str:
    return " ".join(text_of(mail).split())


@pytest.fixture
def programme(mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch) -> Programme:
    sessions_outlast_the_story(monkeypatch)
    return Programme(mailroom)
