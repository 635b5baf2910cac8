"""The relationship pages: Ana (a mentee in Madrid) and Budi (her mentor in Jakarta) share a
workspace: they write to each other, Ana proposes a meeting on her clock and each of them sees
it on both clocks, download it for their calendars, and a stranger finds nothing there.

The one clock is set by the test (3 March 2031), never today's date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from infra.clock import SettableClock
from infra.web.i18n import Formatter
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember
from tests.web.pages.conftest import TenantPages, Visitor

NOW = datetime(2031, 3, 3, 16, 0, tzinfo=UTC)
WORKING_HOURS = {"start": "08:00", "end": "18:00", "weekdays": [0, 1, 2, 3, 4]}
# 10:00 on 8 April 2031 in Madrid (summer time, UTC+2) is 08:00 UTC, 15:00 in Jakarta (UTC+7).
MEETING = datetime(2031, 4, 8, 8, 0, tzinfo=UTC)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


class Pair:
    """Ana and Budi in an active relationship, each with a browser (and an API token)."""

    def __init__(self, acme: TenantPages, clock: SettableClock) -> None:
        self.acme = acme
        self.clock = clock
        clock.set(NOW)
        api = acme.api
        self.ana_api = api.member("Ana Ruiz", roles=["entrepreneur"])
        self.budi_api = api.member("Budi Santoso", roles=["mentor"])
        ok(api.put("/api/v1/profiles/entrepreneur/me", self.ana_api, json={
            "businessName": "Cerámica Ruiz", "description": "Handmade pottery.",
            "stage": "early", "industry": "C", "country": "ES", "languages": ["es", "en"],
            "timeZone": "Europe/Madrid", "workingHours": WORKING_HOURS,
            "challenges": "Export pricing.", "goals": "A first shop abroad.", "employees": 3,
        }))
        ok(api.put("/api/v1/profiles/mentor/me", self.budi_api, json={
            "headline": "Export for makers", "bio": "Twenty years exporting crafts.",
            "expertise": ["finance"], "industries": ["C"], "languages": ["en"],
            "country": "ID", "countriesOfExperience": ["ES"], "timeZone": "Asia/Jakarta",
            "workingHours": WORKING_HOURS, "capacity": 5, "monthlyHours": 6,
        }))
        self.id = ok(api.post("/api/v1/relationships", self.ana_api, json={
            "mentorId": str(self.budi_api.id),
            "introduction": "I make pottery in Madrid and want to sell it in Asia; "
                            "I need help with export pricing.",
        }), 201)["id"]
        ok(api.post(f"/api/v1/relationships/{self.id}/accept", self.budi_api))
        ok(api.post(f"/api/v1/relationships/{self.id}/start", self.ana_api))
        self.ana = self.browser(self.ana_api)
        self.budi = self.browser(self.budi_api)
        self.path = f"/relationships/{self.id}"

    def browser(self, member: SignedInMember) -> Visitor:
        person = self.acme.visitor()
        person.sign_in(member.email)
        person.member_id = member.id
        return person

    def meetings(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = ok(self.acme.api.get(
            f"/api/v1/relationships/{self.id}/meetings", self.ana_api))["meetings"]
        return found


@pytest.fixture
def pair(
    acme_pages: TenantPages, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Pair:
    # The meeting is held five weeks after Ana and Budi signed in.
    sessions_outlast_the_story(monkeypatch)
    return Pair(acme_pages, ithaca_clock)


def test_a_meeting_proposed_on_one_clock_shows_on_both_and_downloads(pair: Pair) -> None:
    response = pair.ana.post(f"{pair.path}/meetings", {
        "date": "2031-04-08", "time": "10:00", "durationMinutes": "60",
        "agenda": "Export price list",
    })
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == f"/t/acme{pair.path}#meetings"

    madrid, jakarta = "Europe/Madrid", "Asia/Jakarta"
    on_madrid = Formatter("en", madrid).time_in(MEETING, madrid)
    on_jakarta = Formatter("en", madrid).time_in(MEETING, jakarta)
    before_noon, after_noon = "\N{NARROW NO-BREAK SPACE}AM", "\N{NARROW NO-BREAK SPACE}PM"
    assert on_madrid == f"Tue, Apr 8, 2031, 10:00{before_noon} (Spain (Madrid) Time)"
    assert on_jakarta == f"Tue, Apr 8, 2031, 3:00{after_noon} (Indonesia (Jakarta) Time)"
    for person in (pair.ana, pair.budi):
        page = person.get(pair.path)
        assert page.status_code == 200
        assert on_madrid in page.text
        assert on_jakarta in page.text
        assert "Export price list" in page.text
    # Budi answers it; Ana waits for him.
    assert "Waiting for your answer." in pair.budi.get(pair.path).text
    assert "Waiting for your answer." not in pair.ana.get(pair.path).text

    meeting_id = pair.meetings()[0]["meetingId"]
    calendar = pair.budi.get(f"{pair.path}/meetings/{meeting_id}.ics")
    assert calendar.status_code == 200
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=Europe/Madrid:20310408T100000" in calendar.text
    assert "STATUS:TENTATIVE" in calendar.text

    accepted = pair.budi.post(f"{pair.path}/meetings/{meeting_id}/accept")
    assert accepted.status_code in (302, 303)
    assert pair.meetings()[0]["status"] == "accepted"
    assert "STATUS:CONFIRMED" in pair.ana.get(f"{pair.path}/meetings/{meeting_id}.ics").text

    # After the meeting, Ana logs the session and Budi confirms her log.
    pair.clock.set(datetime(2031, 4, 8, 9, 5, tzinfo=UTC))
    assert "Log this session" in pair.ana.get(pair.path).text
    bad_log = pair.ana.post(f"{pair.path}/meetings/{meeting_id}/session-log",
                            {"durationMinutes": "55", "summary": ""})
    assert bad_log.status_code == 400
    assert 'id="error-summary"' in bad_log.text
    logged = pair.ana.post(f"{pair.path}/meetings/{meeting_id}/session-log",
                           {"durationMinutes": "55", "summary": "We went through the prices."})
    assert logged.status_code in (302, 303), logged.text
    assert "We went through the prices." in pair.budi.get(pair.path).text
    confirmed = pair.budi.post(f"{pair.path}/meetings/{meeting_id}/session-log/confirm")
    assert confirmed.status_code in (302, 303)
    assert pair.meetings()[0]["sessionLog"]["confirmed"] is True

    # The timeline (read model) shows the steps with who did them.
    pair.acme.project()
    timeline = pair.ana.get(pair.path).text.split('id="timeline"')[1]
    assert "Meeting proposed" in timeline
    assert "Meeting accepted" in timeline
    assert "Budi Santoso" in timeline


def test_messages_appear_in_the_conversation_with_and_without_htmx(pair: Pair) -> None:
    sent = pair.ana.post(f"{pair.path}/messages", {"body": "Hola Budi, ¿hablamos el martes?"})
    assert sent.status_code in (302, 303)
    assert sent.headers["location"].endswith("#conversation")

    swapped = pair.budi.post(f"{pair.path}/messages", {"body": "Selamat pagi, Ana!"}, htmx=True)
    assert swapped.status_code == 200
    assert "<html" not in swapped.text
    assert 'id="conversation"' in swapped.text
    text = swapped.text
    assert text.index("¿hablamos el martes?") < text.index("Selamat pagi, Ana!")

    page = pair.ana.get(pair.path).text
    assert page.index("¿hablamos el martes?") < page.index("Selamat pagi, Ana!")

    empty = pair.ana.post(f"{pair.path}/messages", {"body": ""})
    assert empty.status_code == 400
    assert 'id="error-body"' in empty.text

    pair.acme.project()
    listed = pair.ana.get("/relationships")
    assert listed.status_code == 200
    assert "Budi Santoso" in listed.text
    assert f'href="/t/acme{pair.path}"' in listed.text
    assert "Messages" in pair.ana.get(pair.path).text.split('id="timeline"')[1]


def test_a_bad_meeting_form_says_what_is_wrong_beside_the_field(pair: Pair) -> None:
    past = pair.ana.post(f"{pair.path}/meetings", {
        "date": "2031-01-10", "time": "09:30", "durationMinutes": "45",
        "agenda": "Pricing questions",
    })
    assert past.status_code in (400, 422)
    assert 'id="error-date"' in past.text
    assert 'value="Pricing questions"' in past.text
    assert 'value="09:30"' in past.text
    assert 'value="2031-01-10"' in past.text

    no_time = pair.ana.post(f"{pair.path}/meetings", {
        "date": "2031-04-08", "time": "", "durationMinutes": "45", "agenda": "Pricing",
    })
    assert no_time.status_code == 400
    assert 'id="error-time"' in no_time.text
    assert pair.meetings() == []


def test_a_third_member_finds_nothing_and_the_steps_change_the_status(
    pair: Pair, acme_pages: TenantPages,
) -> None:
    carla = acme_pages.member("Carla", roles=["mentor"])
    page = carla.get(pair.path)
    assert page.status_code == 404
    assert "Acme Mentoring" in page.text
    assert "Ana Ruiz" not in page.text
    assert carla.post(f"{pair.path}/messages", {"body": "hello"}).status_code == 404

    paused = pair.budi.post(f"{pair.path}/pause")
    assert paused.status_code in (302, 303)
    assert "Paused" in pair.ana.get(pair.path).text
    refused = pair.budi.post(f"{pair.path}/pause")
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    ended = pair.ana.post(f"{pair.path}/end", {"reason": ""})
    assert ended.status_code == 400
    assert 'id="error-reason"' in ended.text
