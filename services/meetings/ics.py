"""A meeting as an iCalendar file (RFC 5545), for any calendar application.

The event's title (SUMMARY) is in the reader's language: the mail's recipient's, or the
member's who downloads it. The event's start and end are given in the zone the time was
proposed in (TZID, with its VTIMEZONE, so the calendar keeps it on that wall clock); the UID
stays the same for the meeting's whole life and SEQUENCE counts its revisions (each move and a
cancellation), so a calendar that imported an earlier version replaces it.

Two variants share that event:
- the download (`meeting_calendar`) is METHOD:PUBLISH: the file informs, it does not invite
  (no organiser or attendee addresses leave the platform);
- the mail attachment (`meeting_invitation`) is an iTIP message (RFC 5546): METHOD:REQUEST
  puts the meeting in the recipient's calendar or updates it there, METHOD:CANCEL takes it out.
  iTIP needs an ORGANIZER and ATTENDEEs, see `invitation_addresses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from icalendar import Calendar, Event  # type: ignore[import-untyped]

from infra.translations import NC_, translated
from services.meetings.domain import Meeting, MeetingStatus
from services.meetings.timezones import local

__all__ = [
    "CALENDAR_MEDIA_TYPE",
    "PRODID",
    "CalendarMethod",
    "Invited",
    "meeting_calendar",
    "meeting_invitation",
]

PRODID = "-//Ithaca//Mentoring meetings//EN"
CALENDAR_MEDIA_TYPE = "text/calendar"
"""Without a charset: Litestar adds `; charset=utf-8` to every text/* answer itself."""

_SUMMARY = NC_("calendar", "Mentoring session (%(programme)s)")

_STATUS = {
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.ACCEPTED: "CONFIRMED",
    MeetingStatus.DECLINED: "CANCELLED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


class CalendarMethod(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Invited:
    """The two participants as the invitation names them, and the platform's own address.

    The addresses are the platform's, never the members': `meetings@<tenant host>` for the
    organiser (the platform arranges the meeting; its CN is the programme) and
    `meetings+mentor@` / `meetings+mentee@` for the attendees (each with their name as CN).
    A member's own address would tell the other member where to write outside the platform,
    which moderation forbids and which members never agreed to; and a meeting is answered on
    the platform, not by the calendar's RSVP (RSVP=FALSE), so nothing needs to reach these
    addresses. They are distinct so that calendars do not take an attendee for the organiser.
    """

    host: str
    programme_name: str
    mentor_name: str
    mentee_name: str


def meeting_calendar(
    meeting: Meeting, programme_name: str, uid_domain: str, locale: str
) -> bytes:
    """The meeting as a VCALENDAR with one VEVENT, titled in `locale`; the same meeting state
    gives the same bytes."""
    calendar = _calendar("PUBLISH")
    event = _event(meeting, programme_name, uid_domain, meeting.sequence, _STATUS[meeting.status],
                   locale)
    return _finished(calendar, event, meeting)


def meeting_invitation(
    meeting: Meeting, uid_domain: str, method: CalendarMethod, invited: Invited, locale: str
) -> bytes:
    """The meeting as an iTIP message for a mail, titled in its recipient's `locale`: REQUEST
    adds or updates the calendar entry, CANCEL removes it. Same UID as the download, so either
    updates the other.

    A declined proposal was never moved or cancelled, so its cancellation is one revision past
    the meeting's last (a CANCEL must come after what it cancels; a declined meeting is never
    revised again, so the number is never reused)."""
    sequence = meeting.sequence
    if method is CalendarMethod.CANCEL and meeting.status is MeetingStatus.DECLINED:
        sequence += 1
    status = "CANCELLED" if method is CalendarMethod.CANCEL else _STATUS[meeting.status]
    calendar = _calendar(str(method))
    event = _event(meeting, invited.programme_name, uid_domain, sequence, status, locale)
    event.add("organizer", f"mailto:meetings@{invited.host}",
              parameters={"CN": invited.programme_name})
    for side, name in (("mentor", invited.mentor_name), ("mentee", invited.mentee_name)):
        event.add("attendee", f"mailto:meetings+{side}@{invited.host}", parameters={
            "CN": name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE",
            "PARTSTAT": "ACCEPTED" if status == "CONFIRMED" else "NEEDS-ACTION",
        })
    return _finished(calendar, event, meeting)


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(
    meeting: Meeting, programme_name: str, uid_domain: str, sequence: int, status: str,
    locale: str,
) -> Event:
    event = Event()
    event.add("uid", f"{meeting.id}@{uid_domain}")
    # When this version of the meeting was recorded: re-downloading it gives the same file.
    event.add("dtstamp", meeting.modified_on)
    event.add("dtstart", local(meeting.starts_at, meeting.time_zone))
    event.add("dtend", local(meeting.ends_at, meeting.time_zone))
    event.add("summary", translated(locale, "calendar", _SUMMARY) % {"programme": programme_name})
    event.add("description", meeting.agenda)
    if meeting.video_link:
        event.add("url", meeting.video_link)
        event.add("location", meeting.video_link)
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return event


def _finished(calendar: Calendar, event: Event, meeting: Meeting) -> bytes:
    calendar.add_component(event)
    # Only the rules around the meeting: the zone's whole history would be kilobytes.
    start = meeting.starts_at.date()
    calendar.add_missing_timezones(start - timedelta(days=400), start + timedelta(days=400))
    ical: bytes = calendar.to_ical()
    return ical
