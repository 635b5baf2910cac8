"""A whole mentoring journey over the JSON API, from sign-up to a completed relationship.

Sofía runs a small business in Mexico City and uses the platform in Spanish; Ben mentors from
Madrid in English. Each of them only ever talks to the API, as their browser or app would. The
one clock is the story's clock, moved forward as weeks and months pass, so nothing here depends
on today's date.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar  # type: ignore[import-untyped]

from infra.clock import SettableClock
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import PASSWORD, SignedInMember, TenantApi

MEXICO_CITY = ZoneInfo("America/Mexico_City")
MADRID = ZoneInfo("Europe/Madrid")

INTRODUCTION = (
    "¡Hola Ben! Tengo un taller de cerámica en Coyoacán con tres empleadas. Quiero vender a "
    "tiendas en España y no sé cómo fijar precios de exportación ni financiar el primer pedido."
)
QUESTIONNAIRE_AREAS = [
    "strategy", "finance", "marketing", "sales", "operations", "human-resources", "digital",
    "legal", "fundraising", "customer-service",
]


class Journey:
    """The API calls of the story, and the stream positions their answers gave."""

    def __init__(self, acme: TenantApi, clock: SettableClock) -> None:
        self.acme, self.clock = acme, clock
        self.positions: list[int] = []

    def wrote(self, response: httpx.Response, status: int = 200) -> dict[str, Any]:
        """A command that must succeed; its position is kept to check they only grow."""
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        self.positions.append(body["position"])
        return body

    def read(self, path: str, member: SignedInMember) -> Any:
        response = self.acme.get(path, member)
        assert response.status_code == 200, response.text
        return response.json()

    def join(self, name: str, email: str, roles: list[str], locale: str) -> SignedInMember:
        """Signs up through the public sign-up form, then signs in for a bearer token."""
        signed_up = self.wrote(self.acme.post("/api/v1/accounts", json={
            "email": email, "name": name, "password": PASSWORD, "roles": roles,
            "locale": locale,
        }), 201)
        session = self.wrote(self.acme.post("/api/v1/sessions", json={
            "email": email, "password": PASSWORD,
        }), 201)
        assert session["memberId"] == signed_up["memberId"]
        assert session["token"]
        return SignedInMember(id=UUID(signed_up["memberId"]), email=email, token=session["token"])

    def due_surveys(self, member: SignedInMember) -> list[dict[str, Any]]:
        surveys: list[dict[str, Any]] = self.read("/api/v1/me/surveys/due", member)["surveys"]
        return surveys

    def relationships(self, member: SignedInMember) -> dict[str, dict[str, Any]]:
        entries = self.read("/api/v1/me/relationships", member)["relationships"]
        return {entry["relationshipId"]: entry for entry in entries}


def at(text: str) -> datetime:
    """An instant as the API writes it (ISO-8601, `Z` or an offset)."""
    return datetime.fromisoformat(text)


def survey_answers(**change: Any) -> dict[str, Any]:
    return {
        "businessOperating": True, "revenueAmount": "850000.00", "revenueCurrency": "MXN",
        "fullTimeEmployees": 3, "partTimeEmployees": 1,
        "confidence": {"finance": 2, "sales": 1, "export": 1}, "newFinance": False, **change,
    }


def test_sofia_in_mexico_city_is_mentored_by_ben_in_madrid(
    acme: TenantApi, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ithaca_clock.set(datetime(2031, 3, 3, 16, 0, tzinfo=UTC))
    # The story runs from March to June; Sofía and Ben stay signed in throughout.
    sessions_outlast_the_story(monkeypatch)
    story = Journey(acme, ithaca_clock)

    sofia, ben = sign_up_and_in(story)
    write_profiles(story, sofia, ben)
    assess_her_business(story, sofia)
    answer_the_baseline(story, sofia)
    relationship_id = request_accept_and_start(story, sofia, ben)
    exchange_messages(story, sofia, ben, relationship_id)
    meeting_id = arrange_a_meeting(story, sofia, ben, relationship_id)
    log_and_confirm_the_session(story, sofia, ben, meeting_id)
    answer_the_follow_up(story, sofia, relationship_id)
    complete_the_relationship(story, sofia, ben, relationship_id)

    # Every command answered a later position than the one before, and the last one is
    # where the tenant's stream now stands (reads wrote nothing).
    assert all(a < b for a, b in itertools.pairwise(story.positions))
    assert story.positions[-1] == acme.accounts().position


# The chapters of the story, in order ----------------------------------------------------------


def sign_up_and_in(story: Journey) -> tuple[SignedInMember, SignedInMember]:
    """Sofía signs up as an entrepreneur with a Spanish interface; Ben as a mentor in English."""
    sofia = story.join("Sofía Hernández", "sofia@taller-coyoacan.example", ["entrepreneur"], "es")
    ben = story.join("Ben Carter", "ben@example.org", ["mentor"], "en")
    me = story.read("/api/v1/me", sofia)
    assert (me["name"], me["locale"], me["roles"]) == ("Sofía Hernández", "es", ["entrepreneur"])
    assert story.read("/api/v1/me", ben)["locale"] == "en"
    return sofia, ben


def write_profiles(story: Journey, sofia: SignedInMember, ben: SignedInMember) -> None:
    acme = story.acme
    story.wrote(acme.put("/api/v1/profiles/entrepreneur/me", sofia, json={
        "businessName": "Taller Coyoacán", "description": "Cerámica de alta temperatura hecha "
        "a mano, vendida en mercados y en línea.", "stage": "early", "industry": "C",
        "country": "MX", "languages": ["es", "en"], "timeZone": "America/Mexico_City",
        "workingHours": {"start": "08:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]},
        "challenges": "Precios de exportación; financiar pedidos grandes.",
        "goals": "Primer cliente mayorista en España este año.", "employees": 3,
    }))
    story.wrote(acme.put("/api/v1/profiles/mentor/me", ben, json={
        "headline": "Export pricing and trade finance for makers",
        "bio": "Fifteen years importing Latin American crafts into Spanish shops.",
        "expertise": ["export", "pricing", "finance"], "industries": ["C", "G"],
        "languages": ["en", "es"], "country": "ES", "countriesOfExperience": ["MX", "ES"],
        "timeZone": "Europe/Madrid",
        "workingHours": {"start": "15:00", "end": "20:00", "weekdays": [0, 1, 2, 3]},
        "capacity": 2, "monthlyHours": 6,
    }))


def assess_her_business(story: Journey, sofia: SignedInMember) -> None:
    # The questionnaire comes in Sofía's own interface language without her asking.
    questionnaire = story.read("/api/v1/programme/questionnaire", sofia)
    assert (questionnaire["locale"], questionnaire["version"]) == ("es", 1)
    assert [area["area"] for area in questionnaire["areas"]] == QUESTIONNAIRE_AREAS
    assert questionnaire["areas"][1]["question"].startswith("¿")
    # She rates finance and sales low: those become her need areas, in questionnaire order.
    ratings = {area: 4 for area in QUESTIONNAIRE_AREAS} | {"sales": 1, "finance": 2}
    assessed = story.wrote(story.acme.post("/api/v1/self-assessments", sofia, json={
        "version": 1, "ratings": ratings, "notes": {"finance": "Sin contabilidad formal"},
    }), 201)
    assert (assessed["number"], assessed["needAreas"]) == (1, ["finance", "sales"])
    assert story.read("/api/v1/profiles/entrepreneur/me", sofia)["needAreas"] == [
        "finance", "sales"
    ]


def answer_the_baseline(story: Journey, sofia: SignedInMember) -> None:
    assert story.due_surveys(sofia) == [
        {"kind": "baseline", "monthsAfter": None, "relationshipId": None, "dueAt": None}
    ]
    baseline = story.wrote(story.acme.post("/api/v1/surveys", sofia, json={
        "kind": "baseline", **survey_answers(), "comment": "Antes de la mentoría.",
    }), 201)["response"]
    assert at(baseline["answeredAt"]) == story.clock.now
    assert story.due_surveys(sofia) == []


def request_accept_and_start(story: Journey, sofia: SignedInMember, ben: SignedInMember) -> str:
    acme, clock = story.acme, story.clock
    # An hour later Sofía asks Ben, introducing herself in Spanish (a language they share).
    clock.set("2031-03-03T17:00:00Z")
    requested = story.wrote(acme.post("/api/v1/relationships", sofia, json={
        "mentorId": str(ben.id), "introduction": INTRODUCTION,
    }), 201)
    assert requested["status"] == "requested"
    relationship_id: str = requested["id"]

    # Ben finds it among his relationships, reads her introduction and her needs.
    assert story.relationships(ben)[relationship_id] | {"changedAt": None} == {
        "relationshipId": relationship_id, "side": "mentor", "counterpartId": str(sofia.id),
        "status": "requested", "changedAt": None,
    }
    seen = story.read(f"/api/v1/relationships/{relationship_id}", ben)
    assert seen["introduction"] == INTRODUCTION
    assert at(seen["expiresAt"]) == datetime(2031, 3, 17, 17, tzinfo=UTC)  # 14 days to answer
    assert story.read(f"/api/v1/entrepreneurs/{sofia.id}", ben)["needAreas"] == [
        "finance", "sales"
    ]

    # He accepts the next morning; Sofía starts the relationship that afternoon.
    clock.set("2031-03-04T09:30:00Z")
    assert story.wrote(acme.post(
        f"/api/v1/relationships/{relationship_id}/accept", ben
    ))["status"] == "accepted"
    clock.set("2031-03-04T17:00:00Z")
    assert story.wrote(acme.post(
        f"/api/v1/relationships/{relationship_id}/start", sofia
    ))["status"] == "active"
    started = story.read(f"/api/v1/relationships/{relationship_id}", sofia)
    assert at(started["answeredAt"]) == datetime(2031, 3, 4, 9, 30, tzinfo=UTC)
    assert at(started["activatedAt"]) == datetime(2031, 3, 4, 17, tzinfo=UTC)
    return relationship_id


def exchange_messages(
    story: Journey, sofia: SignedInMember, ben: SignedInMember, relationship_id: str
) -> None:
    acme, clock = story.acme, story.clock
    conversation = f"/api/v1/relationships/{relationship_id}/messages"
    clock.set("2031-03-05T15:00:00Z")
    first = story.wrote(acme.post(conversation, sofia, json={
        "body": "¡Gracias por aceptar! ¿Podemos hablar de precios la semana que viene?",
    }), 201)
    assert first["number"] == 1
    # Ben reads it in the evening in Madrid and marks it read; then he answers.
    clock.set("2031-03-05T19:00:00Z")
    assert story.read(conversation, ben)["messages"][0]["readAt"] is None
    story.wrote(acme.post(f"{conversation}/read", ben, json={"upTo": 1}))
    second = story.wrote(acme.post(conversation, ben, json={
        "body": "Con gusto. I'll send a time that suits us both.",
    }), 201)
    assert second["number"] == 2
    # Sofía sees her message read at 19:00 UTC, and Ben's answer not yet marked by her.
    clock.set("2031-03-05T20:30:00Z")
    messages = story.read(conversation, sofia)["messages"]
    assert [(m["number"], m["senderId"]) for m in messages] == [
        (1, str(sofia.id)), (2, str(ben.id))
    ]
    assert at(messages[0]["readAt"]) == datetime(2031, 3, 5, 19, tzinfo=UTC)
    assert messages[1]["readAt"] is None
    story.wrote(acme.post(f"{conversation}/read", sofia, json={"upTo": 2}))
    assert at(story.read(conversation, ben)["messages"][1]["readAt"]) == clock.now


def arrange_a_meeting(
    story: Journey, sofia: SignedInMember, ben: SignedInMember, relationship_id: str
) -> str:
    acme, clock = story.acme, story.clock
    # Ben proposes 17:00 on Tuesday 8 April, typed as his Madrid wall time. Spain moved to
    # summer time on 30 March (UTC+2); Mexico City has had no summer time since 2022 (it
    # would have moved on 6 April under the old rules), so it stays at UTC-6: 15:00 UTC is
    # 09:00 for Sofía. An hour off either way would mean a zone rule went wrong.
    clock.set("2031-03-20T18:00:00Z")
    proposed = story.wrote(acme.post(
        f"/api/v1/relationships/{relationship_id}/meetings", ben, json={
            "startsAt": "2031-04-08T17:00", "durationMinutes": 60,
            "agenda": "Precios de exportación y el primer pedido a España",
            "videoLink": "https://meet.example.org/sofia-ben",
        },
    ), 201)["meeting"]
    meeting_id: str = proposed["meetingId"]
    assert proposed["status"] == "proposed"
    assert proposed["proposedInTimeZone"] == "Europe/Madrid"  # from Ben's profile
    assert proposed["awaitingId"] == str(sofia.id)
    assert proposed["startsAtUtc"] == "2031-04-08T15:00:00Z"
    bens_clock = proposed["participants"][0]
    assert (bens_clock["isYou"], bens_clock["side"], bens_clock["startsAt"],
            bens_clock["utcOffset"]) == (True, "mentor", "2031-04-08T17:00:00+02:00", "+02:00")

    # Sofía opens it: her own clock first, then Ben's.
    meeting = story.read(f"/api/v1/meetings/{meeting_id}", sofia)
    hers, his = meeting["participants"]
    assert hers == {
        "memberId": str(sofia.id), "side": "mentee", "isYou": True,
        "timeZone": "America/Mexico_City", "startsAt": "2031-04-08T09:00:00-06:00",
        "endsAt": "2031-04-08T10:00:00-06:00", "utcOffset": "-06:00", "publicHoliday": None,
    }
    assert (his["memberId"], his["isYou"], his["timeZone"], his["startsAt"], his["endsAt"],
            his["utcOffset"]) == (str(ben.id), False, "Europe/Madrid",
                                  "2031-04-08T17:00:00+02:00", "2031-04-08T18:00:00+02:00",
                                  "+02:00")
    assert at(hers["startsAt"]) == at(his["startsAt"]) == at(meeting["startsAtUtc"])
    assert meeting["agenda"] == "Precios de exportación y el primer pedido a España"

    # The next morning in Mexico City she accepts.
    clock.set("2031-03-21T15:00:00Z")
    accepted = story.wrote(acme.post(f"/api/v1/meetings/{meeting_id}/accept", sofia))["meeting"]
    assert (accepted["status"], accepted["awaitingId"]) == ("accepted", None)
    check_the_calendar_file(story, sofia, meeting_id)
    return meeting_id


def check_the_calendar_file(story: Journey, sofia: SignedInMember, meeting_id: str) -> None:
    """Her calendar file holds the same instant, on Madrid's wall clock with its zone rules."""
    ics = story.acme.get(f"/api/v1/meetings/{meeting_id}.ics", sofia)
    assert ics.status_code == 200, ics.text
    assert ics.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    assert calendar.get_missing_tzids() == set()
    [event] = calendar.walk("VEVENT")
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert starts.astimezone(UTC) == datetime(2031, 4, 8, 15, 0, tzinfo=UTC)
    assert ends.astimezone(UTC) == datetime(2031, 4, 8, 16, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert starts.astimezone(MEXICO_CITY).replace(tzinfo=None) == datetime(2031, 4, 8, 9, 0)
    assert starts.astimezone(MADRID).replace(tzinfo=None) == datetime(2031, 4, 8, 17, 0)
    assert str(event["STATUS"]) == "CONFIRMED"


def log_and_confirm_the_session(
    story: Journey, sofia: SignedInMember, ben: SignedInMember, meeting_id: str
) -> None:
    acme, clock = story.acme, story.clock
    hours_path = "/api/v1/me/volunteer-hours"
    assert story.read(hours_path, ben)["sessions"] == 0
    clock.set("2031-04-08T16:05:00Z")  # 10:05 in Mexico City, just after they hung up
    logged = story.wrote(acme.post(f"/api/v1/meetings/{meeting_id}/session-log", sofia, json={
        "durationMinutes": 55, "summary": "Revisamos la lista de precios de exportación.",
        "agreements": "Precio FOB con margen del 35 %.",
        "nextSteps": "Sofía prepara la cotización para la tienda de Valencia.",
    }), 201)["meeting"]["sessionLog"]
    assert (logged["authorId"], logged["durationMinutes"], logged["confirmed"]) == (
        str(sofia.id), 55, False
    )
    # Logged but not yet confirmed: the minutes count, the confirmed minutes not yet.
    assert story.read(hours_path, ben) == {
        "mentorId": str(ben.id), "totalMinutes": 55, "confirmedMinutes": 0, "sessions": 1,
        "confirmedSessions": 0,
    }
    clock.set("2031-04-08T18:30:00Z")
    confirmed = story.wrote(acme.post(
        f"/api/v1/meetings/{meeting_id}/session-log/confirm", ben
    ))["meeting"]["sessionLog"]
    assert confirmed["confirmed"] is True
    assert at(confirmed["confirmedAt"]) == clock.now
    assert story.read(hours_path, ben) == {
        "mentorId": str(ben.id), "totalMinutes": 55, "confirmedMinutes": 55, "sessions": 1,
        "confirmedSessions": 1,
    }


def answer_the_follow_up(story: Journey, sofia: SignedInMember, relationship_id: str) -> None:
    # It counts from the day the relationship became active (4 March, 17:00 UTC), not from
    # her baseline: a minute before 4 June it is not due yet; on the minute it is.
    story.clock.set("2031-06-04T16:59:00Z")
    assert story.due_surveys(sofia) == []
    story.clock.set("2031-06-04T17:00:00Z")
    assert story.due_surveys(sofia) == [{
        "kind": "follow_up", "monthsAfter": 3, "relationshipId": relationship_id,
        "dueAt": "2031-06-04T17:00:00Z",
    }]
    follow_up = story.wrote(story.acme.post("/api/v1/surveys", sofia, json={
        "kind": "follow_up", "monthsAfter": 3, "relationshipId": relationship_id,
        **survey_answers(fullTimeEmployees=4, confidence={"finance": 3, "sales": 3, "export": 4}),
    }), 201)["response"]
    assert (follow_up["monthsAfter"], follow_up["relationshipId"]) == (3, relationship_id)
    assert story.due_surveys(sofia) == []
    history = story.read("/api/v1/me/surveys", sofia)["responses"]
    assert [(r["kind"], r["fullTimeEmployees"]) for r in history] == [
        ("baseline", 3), ("follow_up", 4)
    ]


def complete_the_relationship(
    story: Journey, sofia: SignedInMember, ben: SignedInMember, relationship_id: str
) -> None:
    clock = story.clock
    clock.set("2031-06-10T17:00:00Z")
    assert story.wrote(story.acme.post(
        f"/api/v1/relationships/{relationship_id}/complete", ben
    ))["status"] == "completed"
    for member, side, counterpart in ((sofia, "mentee", ben), (ben, "mentor", sofia)):
        entry = story.relationships(member)[relationship_id]
        assert (entry["side"], entry["counterpartId"], entry["status"]) == (
            side, str(counterpart.id), "completed"
        )
        assert at(entry["changedAt"]) == clock.now
    closed = story.read(f"/api/v1/relationships/{relationship_id}", sofia)
    assert (closed["status"], at(closed["closedAt"])) == ("completed", clock.now)
