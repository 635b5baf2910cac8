"""The engagement journey of issue 16, as the members live it: on both backends, against the real
SMTP sink and the real Kannel with its fake SMS centre, on the story clock.

Ben mentors from Madrid and has a verified mobile number; Ana runs her business in New York.
She signs up, asks Ben to mentor her (he is told by mail and SMS), he accepts, she proposes a
meeting across the United States' clock change (the calendar file opens at the same instant for
both, and each is reminded a day and an hour before on their own clock); three messages in a
row give one notification; Ben's messages come in a daily digest; a request made late in his
evening waits for 08:00 in Madrid; one click in a mail stops that category; and a request he
never answers expires on its deadline, which the admin sees.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import icalendar  # type: ignore[import-untyped]
import msgspec
import pytest
from eventsourcing.utils import get_topic

from infra.clock import SettableClock
from infra.delivery.records import DeliveryRecords, Outcome
from infra.mail.sink import MailSink, text_of
from infra.settings import Settings
from services.mentoring.application import Mentoring
from services.mentoring.domain import Relationship
from services.notifications.values import Category, Channel
from tests.mail.fixtures import mail_settings_for, provision_acme
from tests.sms import Kannel
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import Served, serving

BEN_NUMBERS = {True: ("612 345 678", "+34612345678"), False: ("612 345 679", "+34612345679")}
"""Ben's number as he types it and as it is texted, one per backend: the fake SMS centre keeps
every SMS the tests' Kannel passed on."""
MEETING_STARTS = datetime(2026, 3, 10, 14, tzinfo=UTC)
"""10:00 in New York (EDT since 8 March), 15:00 in Madrid (CET until 29 March)."""
NINE_TO_SIX = {"start": "09:00", "end": "18:00", "weekdays": [0, 1, 2, 3, 4]}


class Journey:
    def __init__(self, served: Served, sink: MailSink, kannel: Kannel, clock: SettableClock):
        self.served, self.sink, self.kannel, self.clock = served, sink, kannel, clock
        self.acme = TenantApi(served, "acme")
        self.ben_types, self.ben_number = BEN_NUMBERS[served.ithaca.settings.embedded]

    def deliver(self) -> None:
        self.served.app.state.scheduler.run_once()

    def at(self, moment: str) -> None:
        self.clock.set(moment)
        self.deliver()

    def mail_to(self, member: SignedInMember, containing: str = "") -> list[EmailMessage]:
        return [mail for mail in self.sink.messages if member.email in str(mail["To"])
                and "/verify-email" not in text_of(mail)
                and containing in str(mail["Subject"]) + text_of(mail)]

    def mentor(self, name: str) -> SignedInMember:
        member = self.acme.member(name, roles=["mentor"])
        self.ok(self.acme.put("/api/v1/profiles/mentor/me", member, json={
            "headline": "Wholesale pricing", "bio": "Twenty years selling to shops.",
            "expertise": ["finance"], "industries": ["C"], "languages": ["en", "es"],
            "country": "ES", "countriesOfExperience": [], "timeZone": "Europe/Madrid",
            "workingHours": NINE_TO_SIX, "capacity": 9, "monthlyHours": 8,
        }))
        return member

    def entrepreneur(self, name: str, zone: str = "America/New_York") -> SignedInMember:
        member = self.acme.member(name, roles=["entrepreneur"])
        self.ok(self.acme.put("/api/v1/profiles/entrepreneur/me", member, json={
            "businessName": f"{name} Ceramics", "description": "Hand-made tableware.",
            "stage": "early", "industry": "C", "country": "US", "languages": ["en"],
            "timeZone": zone, "workingHours": NINE_TO_SIX, "challenges": "Pricing.",
            "goals": "Three shops.", "employees": 1,
        }))
        return member

    def request(self, entrepreneur: SignedInMember, mentor: SignedInMember) -> UUID:
        response = self.acme.post("/api/v1/relationships", entrepreneur, json={
            "mentorId": str(mentor.id),
            "introduction": "I make hand-made tableware and need help setting wholesale prices.",
        })
        return UUID(self.ok(response, 201)["id"])

    @staticmethod
    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None


def calendar_of(mail: EmailMessage) -> tuple[str, Any]:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


@pytest.fixture
def journey(
    settings: Settings, sink: MailSink, kannel: Kannel, ithaca_clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    sessions_outlast_the_story(monkeypatch)
    ithaca_clock.set("2026-02-02T12:00:00+00:00")  # a Monday
    configured = msgspec.structs.replace(
        mail_settings_for(settings, sink.port), **kannel.settings())
    with serving(configured, clock=ithaca_clock) as served:
        provision_acme(served)
        yield Journey(served, sink, kannel, ithaca_clock)


def test_the_engagement_journey(journey: Journey) -> None:
    ben, ana = journey.mentor("Ben"), journey.entrepreneur("Ana")
    signs_up_and_verifies_a_number(journey, ben, ana)
    relationship_id = requests_and_is_accepted(journey, ben, ana)
    meets_across_the_clock_change(journey, ben, ana, relationship_id)
    writes_three_messages_then_gets_a_digest(journey, ben, ana, relationship_id)
    waits_out_quiet_hours_and_unsubscribes(journey, ben)
    leaves_a_request_to_expire(journey, ben)
    was_nudged_once_per_reason(journey, ben)


def signs_up_and_verifies_a_number(
    journey: Journey, ben: SignedInMember, ana: SignedInMember
) -> None:
    acme, ok = journey.acme, journey.ok
    # Sign-up: each member gets their address confirmation at once.
    journey.deliver()
    assert any("/verify-email" in text_of(m) for m in journey.sink.messages
               if ana.email in str(m["To"]))
    # Ben gives his mobile number and proves it with the code he is texted.
    ok(acme.post("/api/v1/me/phone", ben, json={"phone": journey.ben_types, "region": "ES"}))
    journey.deliver()
    [code_sms] = journey.kannel.received(to=journey.ben_number)
    code = re.search(r"\b\d{6}\b", code_sms.text)
    assert code, code_sms.text
    ok(acme.post("/api/v1/me/phone/verify", ben, json={"code": code.group(0)}))


def requests_and_is_accepted(journey: Journey, ben: SignedInMember, ana: SignedInMember) -> UUID:
    # A request: Ben is told by mail and by SMS, with a link that opens.
    relationship_id = journey.request(ana, ben)
    journey.deliver()
    assert len(journey.mail_to(ben, "/requests")) == 1
    [_, request_sms] = journey.kannel.received(to=journey.ben_number, count=2)
    assert "Ana" in request_sms.text
    link = re.search(r"https?://\S+", request_sms.text)
    assert link, request_sms.text
    assert urlsplit(link.group(0)).netloc == "acme.ithaca.localhost:8000"
    # He accepts; Ana is told when her day starts in New York (quiet hours until 08:00).
    journey.ok(journey.acme.post(f"/api/v1/relationships/{relationship_id}/accept", ben))
    journey.deliver()
    assert journey.mail_to(ana, "Ben") == []
    journey.at("2026-02-02T13:00:00+00:00")
    assert journey.mail_to(ana, "Ben")
    return relationship_id


def meets_across_the_clock_change(
    journey: Journey, ben: SignedInMember, ana: SignedInMember, relationship_id: UUID
) -> None:
    acme, ok = journey.acme, journey.ok
    proposed = acme.post(f"/api/v1/relationships/{relationship_id}/meetings", ana, json={
        "startsAt": "2026-03-10T10:00", "durationMinutes": 60, "agenda": "Price list"})
    meeting = ok(proposed, 201)["meeting"]
    journey.deliver()
    [invitation] = [m for m in journey.mail_to(ben) if list(m.iter_attachments())]
    method, event = calendar_of(invitation)
    assert method == "REQUEST"
    assert event.decoded("DTSTART").astimezone(UTC) == MEETING_STARTS
    ok(acme.post(f"/api/v1/meetings/{meeting['meetingId']}/accept", ben))
    journey.deliver()
    before = {member.email: len(journey.mail_to(member)) for member in (ana, ben)}
    journey.at("2026-03-09T14:00:00+00:00")  # a day before
    journey.at("2026-03-10T13:00:00+00:00")  # an hour before
    for member, local in ((ana, "10:00\u202fAM (America/New_York)"),
                          (ben, "3:00\u202fPM (Europe/Madrid)")):
        reminders = [mail for mail in journey.mail_to(member)[before[member.email]:]
                     if "/relationships/" in text_of(mail)]
        assert len(reminders) == 2, [m["Subject"] for m in reminders]
        assert local in str(reminders[0]["Subject"]) + text_of(reminders[0])


def writes_three_messages_then_gets_a_digest(
    journey: Journey, ben: SignedInMember, ana: SignedInMember, relationship_id: UUID
) -> None:
    acme, ok = journey.acme, journey.ok
    messages = f"/api/v1/relationships/{relationship_id}/messages"
    # Three messages in a row: one notification, after a few minutes.
    journey.at("2026-03-11T10:00:00+00:00")
    for text in ("Thanks!", "Here is my price list.", "And the shop photos."):
        ok(acme.post(messages, ana, json={"body": text}), 201)
    journey.deliver()
    assert journey.mail_to(ben, "message") == []
    journey.at("2026-03-11T10:06:00+00:00")
    [messages_mail] = journey.mail_to(ben, "message")
    assert "3" in str(messages_mail["Subject"]) + text_of(messages_mail)
    # Ben wants his messages in a daily digest: the next one waits for 08:00 in Madrid.
    ok(acme.put("/api/v1/me/notification-settings", ben, json={"preferences": [
        {"category": "messages", "channel": "email", "frequency": "daily"}]}))
    ok(acme.post(messages, ana, json={"body": "Did you see the photos?"}), 201)
    journey.at("2026-03-11T12:00:00+00:00")
    assert len(journey.mail_to(ben, "message")) == 1
    journey.at("2026-03-12T07:00:00+00:00")  # 08:00 in Madrid (CET)
    digest = journey.mail_to(ben)[-1]
    assert "/notifications" in text_of(digest)
    assert "Ana" in text_of(digest)


def waits_out_quiet_hours_and_unsubscribes(journey: Journey, ben: SignedInMember) -> None:
    # Quiet hours: a request at 23:30 in Madrid waits for 08:00 there.
    cara = journey.entrepreneur("Cara")
    journey.at("2026-03-12T22:30:00+00:00")
    journey.request(cara, ben)
    journey.deliver()
    assert journey.mail_to(ben, "Cara") == []
    journey.at("2026-03-13T06:59:00+00:00")
    assert journey.mail_to(ben, "Cara") == []
    journey.at("2026-03-13T07:00:00+00:00")
    [cara_mail] = journey.mail_to(ben, "Cara")
    # One click in that mail stops request mail (mail clients post without cookies).
    unsubscribe = re.fullmatch(r"<(.+)>", str(cara_mail["List-Unsubscribe"]))
    assert unsubscribe, cara_mail["List-Unsubscribe"]
    target = urlsplit(unsubscribe.group(1))
    journey.served.client.cookies.clear()
    clicked = journey.served.client.post(
        f"{target.path}?{target.query}", content="List-Unsubscribe=One-Click",
        headers={"Host": target.netloc, "Content-Type": "application/x-www-form-urlencoded"})
    assert clicked.status_code in (200, 204), clicked.text
    journey.at("2026-03-13T10:00:00+00:00")
    journey.request(journey.entrepreneur("Dan"), ben)
    journey.deliver()
    assert journey.mail_to(ben, "Dan") == []


def leaves_a_request_to_expire(journey: Journey, ben: SignedInMember) -> None:
    # Ben never answers Eve: the request expires on its deadline, once; the admin sees it.
    eve = journey.entrepreneur("Eve")
    unanswered = journey.request(eve, ben)
    mentoring = journey.served.ithaca.tenant_application(
        journey.served.ithaca.tenant("acme"), Mentoring)
    deadline = mentoring.get(unanswered, Relationship, field="id").expires_at
    journey.at((deadline - timedelta(seconds=1)).isoformat())
    assert _expiries(mentoring, unanswered) == 0
    journey.at(deadline.isoformat())
    assert _expiries(mentoring, unanswered) == 1
    journey.at((deadline + timedelta(hours=3)).isoformat())  # past 08:00 in New York
    assert _expiries(mentoring, unanswered) == 1
    assert journey.mail_to(eve, "Ben")
    admin = journey.acme.member("Tess", roles=["programme_admin"])
    journey.acme.project()
    seen = journey.ok(journey.acme.get(f"/api/v1/members/{eve.id}/relationships", admin))
    [listed] = [item for item in seen["relationships"]
                if item["relationshipId"] == str(unanswered)]
    assert listed["status"] == "expired"
    # Recorded as expired at its deadline, not only read so.
    assert datetime.fromisoformat(listed["closedAt"]) == deadline


def _expiries(mentoring: Mentoring, relationship_id: UUID) -> int:
    recorded = mentoring.recorder.select_notifications(
        1, 100_000, topics=[get_topic(Relationship.Expired)])
    return sum(1 for event in recorded if event.originator_id == relationship_id)


def was_nudged_once_per_reason(journey: Journey, ben: SignedInMember) -> None:
    """Across the journey, each nudge reached its member once: Ben for each of the two requests
    he left unanswered for a week (Dan's and Eve's), the newcomers whose profiles stayed
    incomplete once each. (`tests/nudges/test_default_nudges.py` times every default nudge.)"""
    stream = journey.served.ithaca.tenant_stream(journey.served.ithaca.tenant("acme"))
    nudges = [delivery for delivery in DeliveryRecords(stream).recent(1000)
              if delivery.category is Category.TIPS and delivery.channel is Channel.EMAIL
              and delivery.outcome is Outcome.SENT]
    told = [(delivery.kind, delivery.member_id, delivery.notification_id) for delivery in nudges]
    assert len(told) == len(set(told))
    assert sum(1 for kind, member_id, _ in told
               if kind == "request_unanswered" and member_id == ben.id) == 2
    assert len({member_id for kind, member_id, _ in told if kind == "profile_incomplete"}) == (
        sum(1 for kind, _, _ in told if kind == "profile_incomplete"))
