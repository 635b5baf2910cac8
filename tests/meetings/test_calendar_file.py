"""A meeting as an iCalendar file: what a calendar application reads back from it."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar  # type: ignore[import-untyped]

from infra.clock import SettableClock
from tests.meetings.conftest import Pair

LONG_AGENDA = (
    "Go through the wholesale price list line by line, decide the discount for orders above "
    "fifty pieces, and agree on what to tell the three shops in Lisbon — acentos incluídos."
)


def _calendar(pair: Pair, meeting_id: str) -> tuple[Calendar, bytes]:
    response = pair.acme.get(f"/api/v1/meetings/{meeting_id}.ics", pair.ana)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content), response.content


def test_the_calendar_file_carries_the_instant_and_follows_the_meeting(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-03-01T12:00:00+00:00")
    meeting = pair.proposed(pair.ben, startsAt="2026-03-12T10:00", durationMinutes=90,
                            agenda=LONG_AGENDA, videoLink="https://meet.example.org/ana-ben")
    meeting_id = meeting["meetingId"]

    calendar, raw = _calendar(pair, meeting_id)
    # Valid as the library reads it: nothing it could not parse, every zone defined.
    assert all(not component.errors for component in calendar.walk())
    assert calendar.get_missing_tzids() == set()
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Ithaca//")
    assert str(calendar["METHOD"]) == "PUBLISH"
    # Lines end in CRLF and are folded at 75 octets.
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long agenda was folded

    [event] = calendar.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.astimezone(UTC) == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 12, 10, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert start.replace(tzinfo=None) == datetime(2026, 3, 12, 10, 0)  # Ben's wall clock
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Madrid"]
    assert str(event["DESCRIPTION"]) == LONG_AGENDA
    assert str(event["URL"]) == str(event["LOCATION"]) == "https://meet.example.org/ana-ben"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("SEQUENCE") == 0
    assert "DTSTAMP" in event
    assert "SUMMARY" in event
    uid = str(event["UID"])
    assert meeting_id in uid

    # The same meeting state gives the same file.
    assert _calendar(pair, meeting_id)[1] == raw

    pair.done(meeting_id, "accept", pair.ana)
    [event] = _calendar(pair, meeting_id)[0].walk("VEVENT")
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CONFIRMED", 0)

    # Ana moves it in her zone: same UID, next sequence, her zone on the file.
    pair.done(meeting_id, "reschedule", pair.ana, startsAt="2026-03-13T06:00")
    calendar, _ = _calendar(pair, meeting_id)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid
    assert event.decoded("SEQUENCE") == 1
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 13, 10, 0, tzinfo=UTC)
    assert calendar.get_missing_tzids() == set()

    pair.done(meeting_id, "cancel", pair.ben)
    [event] = _calendar(pair, meeting_id)[0].walk("VEVENT")
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CANCELLED", 2)
    assert str(event["UID"]) == uid


def test_a_meeting_without_a_video_link_has_no_location(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-03-01T12:00:00+00:00")
    meeting = pair.proposed(pair.ben, startsAt="2026-03-12T10:00")
    [event] = _calendar(pair, meeting["meetingId"])[0].walk("VEVENT")
    assert "URL" not in event
    assert "LOCATION" not in event
