"""Wire shapes of the meetings API: one Struct per operation, unknown fields refused.

Times a person reads are ISO-8601 with their offset (`2026-03-29T10:00:00+02:00`), instants in
UTC end in `Z`. A local wall time a person types has no offset: its zone is given beside it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from services.meetings.domain import (
    AGENDA_MAX,
    DURATION_MAX,
    DURATION_MIN,
    LOG_DURATION_MAX,
    LOG_TEXT_MAX,
    VIDEO_LINK_MAX,
    Meeting,
    MeetingStatus,
    VolunteerHours,
)
from services.meetings.places import Place, holiday_on
from services.meetings.timezones import local, offset_text
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "ClockChangeView",
    "DistanceView",
    "HolidayView",
    "LocalTimes",
    "LogSession",
    "MeetingList",
    "MeetingView",
    "MeetingWritten",
    "PersonNow",
    "ProposeMeeting",
    "RescheduleMeeting",
    "SessionLogView",
    "SharedHours",
    "SharedWindow",
    "VolunteerHoursView",
]

WallTime = Annotated[str, Meta(
    pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$", examples=["2026-03-29T10:00"],
    description="A local date and time as a clock on the wall shows it, without an offset",
)]
TimeZone = Annotated[str, Meta(
    min_length=1, max_length=64, examples=["Europe/Madrid"],
    description="An IANA time zone; defaults to the one in your profile",
)]
Fold = Annotated[int, Meta(
    ge=0, le=1, examples=[0],
    description="Only for a local time that happens twice as clocks go back: "
                "0 the first, 1 the second",
)]
Duration = Annotated[int, Meta(ge=DURATION_MIN, le=DURATION_MAX, examples=[60])]
Agenda = Annotated[str, Meta(
    min_length=1, max_length=AGENDA_MAX, examples=["Pricing for the spring collection"]
)]
VideoLink = Annotated[str, Meta(
    max_length=VIDEO_LINK_MAX, examples=["https://meet.example.org/ana-ben"],
    description="An https:// address of the call",
)]
LogText = Annotated[str, Meta(max_length=LOG_TEXT_MAX)]


class ProposeMeeting(CamelBody):
    starts_at: WallTime
    duration_minutes: Duration
    agenda: Agenda
    time_zone: TimeZone | None = None
    fold: Fold | None = None
    video_link: VideoLink = ""


class RescheduleMeeting(CamelBody):
    starts_at: WallTime
    time_zone: TimeZone | None = None
    fold: Fold | None = None
    duration_minutes: Duration | None = None
    """Defaults to the meeting's current duration."""


class LogSession(CamelBody):
    duration_minutes: Annotated[int, Meta(ge=1, le=LOG_DURATION_MAX, examples=[55])]
    summary: Annotated[str, Meta(
        min_length=1, max_length=LOG_TEXT_MAX, examples=["Went through the price list"]
    )]
    agreements: Annotated[LogText, Meta(examples=["Raise prices 5% in April"])] = ""
    next_steps: Annotated[LogText, Meta(examples=["Ana drafts the new list"])] = ""


class LocalTimes(CamelStruct):
    """The meeting on one participant's clock."""

    member_id: UUID
    side: Literal["mentor", "mentee"]
    is_you: bool
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    utc_offset: str
    public_holiday: str | None
    """The name of a public holiday in this participant's country on their meeting day."""


class SessionLogView(CamelStruct):
    author_id: UUID
    duration_minutes: int
    summary: str | None
    agreements: str | None
    next_steps: str | None
    logged_at: datetime
    confirmed: bool
    confirmed_at: datetime | None


class MeetingView(CamelStruct):
    meeting_id: UUID
    relationship_id: UUID
    status: MeetingStatus
    sequence: int
    proposer_id: UUID
    awaiting_id: UUID | None
    """Who has to accept or decline the current proposal."""
    starts_at_utc: datetime
    ends_at_utc: datetime
    duration_minutes: int
    proposed_in_time_zone: str
    participants: list[LocalTimes]
    """Yours first when you are one of them."""
    agenda: str | None
    """Only the two members read the agenda and the session log's texts."""
    video_link: str | None
    session_log: SessionLogView | None

    @classmethod
    def of(cls, meeting: Meeting, viewer_id: UUID, places: dict[UUID, Place]) -> MeetingView:
        member = meeting.involves(viewer_id)
        order = sorted(meeting.participant_ids, key=lambda member_id: member_id != viewer_id)
        participants = []
        for member_id in order:
            zone = meeting.zones[member_id]
            starts, ends = local(meeting.starts_at, zone), local(meeting.ends_at, zone)
            place = places.get(member_id)
            participants.append(LocalTimes(
                member_id=member_id,
                side="mentor" if member_id == meeting.mentor_id else "mentee",
                is_you=member_id == viewer_id, time_zone=zone, starts_at=starts, ends_at=ends,
                utc_offset=offset_text(starts.utcoffset()),
                public_holiday=holiday_on(place.country if place else None, starts.date()),
            ))
        log = meeting.session_log
        return cls(
            meeting_id=meeting.id, relationship_id=meeting.relationship_id,
            status=meeting.status, sequence=meeting.sequence, proposer_id=meeting.proposer_id,
            awaiting_id=meeting.awaiting_id, starts_at_utc=meeting.starts_at,
            ends_at_utc=meeting.ends_at, duration_minutes=meeting.duration_minutes,
            proposed_in_time_zone=meeting.time_zone, participants=participants,
            agenda=meeting.agenda if member else None,
            video_link=(meeting.video_link or None) if member else None,
            session_log=None if log is None else SessionLogView(
                author_id=log.author_id, duration_minutes=log.duration_minutes,
                summary=log.summary if member else None,
                agreements=log.agreements if member else None,
                next_steps=log.next_steps if member else None,
                logged_at=log.logged_at, confirmed=log.confirmed_at is not None,
                confirmed_at=log.confirmed_at,
            ),
        )


class MeetingWritten(CamelStruct):
    """A command's answer: the meeting as it now stands, and the stream position reached."""

    meeting: MeetingView
    position: int


class MeetingList(CamelStruct):
    meetings: list[MeetingView]
    """Oldest proposal first."""


class VolunteerHoursView(CamelStruct):
    mentor_id: UUID
    total_minutes: int
    confirmed_minutes: int
    sessions: int
    confirmed_sessions: int

    @classmethod
    def of(cls, mentor_id: UUID, hours: VolunteerHours | None) -> VolunteerHoursView:
        if hours is None:
            return cls(mentor_id=mentor_id, total_minutes=0, confirmed_minutes=0, sessions=0,
                       confirmed_sessions=0)
        return cls(
            mentor_id=mentor_id, total_minutes=hours.total_minutes,
            confirmed_minutes=hours.confirmed_minutes, sessions=hours.sessions,
            confirmed_sessions=hours.confirmed_sessions,
        )


class PersonNow(CamelStruct):
    member_id: UUID
    time_zone: str
    local_time: datetime
    utc_offset: str
    country: str | None
    from_profile: bool
    """False when the member has no profile yet and the tenant's time zone stands in."""


class SharedWindow(CamelStruct):
    """A span when both of you are within working hours, on both clocks."""

    your_start: datetime
    your_end: datetime
    their_start: datetime
    their_end: datetime
    starts_at_utc: datetime
    minutes: int


class SharedHours(CamelStruct):
    date: date
    """Your local date."""
    windows: list[SharedWindow]


class ClockChangeView(CamelStruct):
    """A clock change on one side that moves a standing weekly meeting for the other side."""

    changes_for: Literal["you", "them"]
    member_id: UUID
    time_zone: str
    at: datetime
    """The instant of the change (UTC)."""
    local_date: date
    offset_before: str
    offset_after: str
    gap_minutes_before: int
    """Their clock minus yours, before the change."""
    gap_minutes_after: int
    moves_for_member_id: UUID
    moves_by_minutes: int
    """How a meeting kept at the same local time for the side that changes its clocks moves
    for the other side (negative: earlier)."""
    note: str


class HolidayView(CamelStruct):
    date: date
    name: str
    country: str


class DistanceView(CamelStruct):
    you: PersonNow
    them: PersonNow
    gap_minutes: int
    """Their clock minus yours, now."""
    working_hours_known: bool
    shared_hours: list[SharedHours]
    clock_changes: list[ClockChangeView]
    """In either zone within the next 90 days, when they change the gap between you."""
    their_holidays: list[HolidayView]
    """Public holidays in their country within the dates asked for."""
