"""A meeting as an iCalendar file (RFC 5545), for any calendar application.

The event's start and end are given in the zone the time was proposed in (TZID, with its
VTIMEZONE, so the calendar keeps it on that wall clock); the UID stays the same for the
meeting's whole life and SEQUENCE counts its revisions (each move and a cancellation), so a
calendar that imported an earlier version replaces it. METHOD is PUBLISH: the file informs,
it does not invite (no organiser or attendee addresses leave the platform).
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event  # type: ignore[import-untyped]

from services.meetings.domain import Meeting, MeetingStatus
from services.meetings.timezones import local

__all__ = ["PRODID", "meeting_calendar"]

PRODID = "-//Ithaca//Mentoring meetings//EN"

_STATUS = {
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.ACCEPTED: "CONFIRMED",
    MeetingStatus.DECLINED: "CANCELLED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_calendar(meeting: Meeting, programme_name: str, uid_domain: str) -> bytes:
    """The meeting as a VCALENDAR with one VEVENT; the same meeting state gives the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting.id}@{uid_domain}")
    # When this version of the meeting was recorded: re-downloading it gives the same file.
    event.add("dtstamp", meeting.modified_on)
    event.add("dtstart", local(meeting.starts_at, meeting.time_zone))
    event.add("dtend", local(meeting.ends_at, meeting.time_zone))
    event.add("summary", f"Mentoring session ({programme_name})")
    event.add("description", meeting.agenda)
    if meeting.video_link:
        event.add("url", meeting.video_link)
        event.add("location", meeting.video_link)
    event.add("sequence", meeting.sequence)
    status = _STATUS[meeting.status]
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    calendar.add_component(event)
    # Only the rules around the meeting: the zone's whole history would be kilobytes.
    start = meeting.starts_at.date()
    calendar.add_missing_timezones(start - timedelta(days=400), start + timedelta(days=400))
    ical: bytes = calendar.to_ical()
    return ical
