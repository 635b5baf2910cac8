"""Meeting mail as the two members receive it, each in their language: the app's own
scheduler run on the story clock, its mail read from a real SMTP sink, on both backends
(`tests/meetings/test_notifications.py` tells the source's rules on the fast tier).

Ben mentors from Madrid, Ana runs her business in New York. On 2 February 2026 Ana proposes to
meet on Tuesday 10 March at 10:00 on her clock: the United States move their clocks forward on
8 March, in between, and Madrid only on 29 March, so the two are five hours apart that week
instead of six.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import icalendar  # type: ignore[import-untyped]
import pytest

from infra.clock import SettableClock
from infra.mail.sink import text_of
from services.actor import Actor
from tests.mail.fixtures import Mailroom
from tests.meetings.conftest import Pair
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember

STARTS = datetime(2026, 3, 10, 14, tzinfo=UTC)
"""10:00 in New York (EDT), 15:00 in Madrid (CET)."""


@pytest.fixture
def pair(mailroom: Mailroom, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch) -> Pair:
    ithaca_clock.set("2026-02-02T14:00:00+00:00")  # daytime for both: no quiet hours
    sessions_outlast_the_story(monkeypatch)
    return Pair(mailroom.acme, ithaca_clock, mentor_zone="Europe/Madrid", mentor_country="ES",
                mentee_zone="America/New_York", mentee_country="US")


def meeting_mail(mailroom: Mailroom, member: SignedInMember) -> list[EmailMessage]:
    """The member's mail about meetings (not their sign-up's nor the request's), oldest
    first: what links to the relationship's meetings."""
    return [mail for mail in mailroom.inbox(member.email) if "#meetings" in text_of(mail)]


def calendar_in(mail: EmailMessage) -> tuple[str, icalendar.Event]:
    """The mail's calendar file: its METHOD and its one event."""
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "meeting.ics"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert part.get_param("method") == calendar["METHOD"]
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def proposed(pair: Pair) -> dict[str, Any]:
    return pair.proposed(pair.ana, startsAt="2026-03-10T10:00")


def test_a_proposal_across_a_clock_change_opens_at_the_same_instant_in_bens_calendar(
    mailroom: Mailroom, pair: Pair,
) -> None:
    meeting = proposed(pair)
    mailroom.deliver()

    [mail] = meeting_mail(mailroom, pair.ben)
    assert mail["Subject"] == (
        "Ana proposes a meeting on March 10, 2026, 3:00\u202fPM (Europe/Madrid)")
    assert f"http://acme.ithaca.localhost:8000/relationships/{pair.relationship_id}#meetings" in (
        text_of(mail))
    method, event = calendar_in(mail)
    assert method == "REQUEST"
    assert event["UID"] == f"{meeting['meetingId']}@acme.ithaca"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART").astimezone(UTC) == STARTS
    assert pair.ben.email not in str(mail.get_body())  # nobody's address in the invitation
    assert meeting_mail(mailroom, pair.ana) == []  # the proposer is not told of her own step


def test_reminders_arrive_a_day_and_an_hour_before_each_on_their_own_clock(
    mailroom: Mailroom, pair: Pair,
) -> None:
    meeting = proposed(pair)
    pair.done(meeting["meetingId"], "accept", pair.ben)
    mailroom.deliver()
    assert meeting_mail(mailroom, pair.ben) == []  # he answered before the proposal went out
    [accepted] = meeting_mail(mailroom, pair.ana)
    assert accepted["Subject"].startswith("Ben accepted the meeting on March 10, 2026, 10:00")
    assert calendar_in(accepted)[1]["STATUS"] == "CONFIRMED"

    pair.clock.set("2026-03-09T13:59:00+00:00")
    mailroom.deliver()
    assert len(meeting_mail(mailroom, pair.ana)) == 1  # nothing before its time

    pair.clock.set("2026-03-09T14:00:00+00:00")
    mailroom.deliver()
    anas, bens = meeting_mail(mailroom, pair.ana)[-1], meeting_mail(mailroom, pair.ben)[-1]
    assert anas["Subject"] == (
        "Reminder: you meet Ben on March 10, 2026, 10:00\u202fAM (America/New_York)")
    assert bens["Subject"] == (
        "Reminder: you meet Ana on March 10, 2026, 3:00\u202fPM (Europe/Madrid)")

    pair.clock.set("2026-03-10T13:00:00+00:00")
    mailroom.deliver()
    assert meeting_mail(mailroom, pair.ana)[-1]["Subject"] == (
        "Your meeting with Ben starts in one hour")
    assert "10:00\u202fAM (America/New_York)" in text_of(meeting_mail(mailroom, pair.ana)[-1])
    assert "3:00\u202fPM (Europe/Madrid)" in text_of(meeting_mail(mailroom, pair.ben)[-1])
    assert [len(meeting_mail(mailroom, m)) for m in (pair.ana, pair.ben)] == [3, 2]


def test_a_move_updates_the_same_entry_and_a_cancellation_removes_it(
    mailroom: Mailroom, pair: Pair,
) -> None:
    meeting = proposed(pair)
    pair.done(meeting["meetingId"], "accept", pair.ben)
    pair.done(meeting["meetingId"], "reschedule", pair.ben, startsAt="2026-03-11T16:00")
    mailroom.deliver()
    [moved] = meeting_mail(mailroom, pair.ana)  # the acceptance is old news by now
    assert moved["Subject"].startswith("Ben moved your meeting to March 11, 2026, 11:00")
    method, moved_event = calendar_in(moved)
    assert method == "REQUEST"
    assert moved_event["UID"] == f"{meeting['meetingId']}@acme.ithaca"
    assert moved_event["SEQUENCE"] == 1
    assert moved_event.decoded("DTSTART").astimezone(UTC) == datetime(
        2026, 3, 11, 15, tzinfo=UTC)

    pair.done(meeting["meetingId"], "cancel", pair.ben)
    mailroom.deliver()
    cancelled = meeting_mail(mailroom, pair.ana)[-1]
    assert cancelled["Subject"].startswith("Ben cancelled the meeting on March 11, 2026")
    method, cancelled_event = calendar_in(cancelled)
    assert method == "CANCEL"
    assert cancelled_event["UID"] == moved_event["UID"]
    assert cancelled_event["SEQUENCE"] > moved_event["SEQUENCE"]
    assert cancelled_event["STATUS"] == "CANCELLED"

    # No reminder for either time.
    pair.clock.set("2026-03-11T15:00:00+00:00")
    mailroom.deliver()
    assert [len(meeting_mail(mailroom, m)) for m in (pair.ana, pair.ben)] == [2, 0]


def test_the_calendar_entry_is_titled_in_each_readers_language(
    mailroom: Mailroom, pair: Pair,
) -> None:
    mailroom.acme.accounts().change_locale(pair.ben.id, "es", Actor(kind="cli", id="test"))
    meeting = proposed(pair)
    mailroom.deliver()

    [mail] = meeting_mail(mailroom, pair.ben)
    assert str(calendar_in(mail)[1]["SUMMARY"]) == "Sesión de mentoría (Acme Mentoring)"
    for member, title in ((pair.ben, "Sesión de mentoría ("), (pair.ana, "Mentoring session (")):
        download = mailroom.acme.get(f"/api/v1/meetings/{meeting['meetingId']}.ics", member)
        assert download.status_code == 200, download.text
        [event] = icalendar.Calendar.from_ical(download.content).walk("VEVENT")
        assert str(event["SUMMARY"]).startswith(title), (member.email, event["SUMMARY"])
