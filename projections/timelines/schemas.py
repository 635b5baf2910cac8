"""Wire shapes of the timelines read API, and how stored rows become them.

Meeting times are rendered here, when read: the rows keep the instant (UTC) and each member's
zone name, and each member's wall clock is computed with the tz database the server has now,
as the meetings API does. Who may see the decline reason is decided here too (not the mentee).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from projections.tables import Row
from projections.timelines.projection import EntryKind
from projections.timelines.queries import MessageTotals
from services.mentoring.values import (
    DeclineReason,
    RelationshipStatus,
    Side,
    WithdrawalCause,
)
from services.schemas import CamelStruct

__all__ = [
    "MeetingClock",
    "MeetingSchedule",
    "MemberRelationshipView",
    "MemberRelationships",
    "MessageWeekView",
    "RelationshipSummaryView",
    "RelationshipTimeline",
    "TimelineEntryView",
    "entry_view",
    "member_relationship_view",
    "summary_view",
    "week_view",
]


class RelationshipSummaryView(CamelStruct):
    relationship_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    status: RelationshipStatus
    """An unanswered request past its expiry reads as expired, as on the write side."""
    requested_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    activated_at: datetime | None
    closed_at: datetime | None
    """When it was declined, withdrawn, expired, completed or ended."""
    messages: int
    meetings: int
    """Meetings proposed, whatever became of them."""
    sessions: int
    """Sessions held and logged."""
    session_minutes: int
    last_activity_at: datetime


class MemberRelationshipView(RelationshipSummaryView):
    side: Side
    """Which side the member whose list this is is on."""
    counterpart_id: UUID


class MeetingClock(CamelStruct):
    """A meeting on one member's wall clock."""

    member_id: UUID
    side: Side
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    utc_offset: str


class MeetingSchedule(CamelStruct):
    """The time a meeting was proposed or moved to."""

    starts_at_utc: datetime
    ends_at_utc: datetime
    duration_minutes: int
    proposed_in_time_zone: str
    sequence: int
    """0 for the first proposal, then 1, 2... for each move."""
    participants: list[MeetingClock]
    """Yours first when you are one of them, else the mentor's."""


class MessageWeekView(CamelStruct):
    week: str
    """The ISO week, in UTC: 2031-W10."""
    week_starts: date
    """Its Monday."""
    messages: int
    from_mentee: int
    from_mentor: int
    first_at: datetime
    last_at: datetime


class TimelineEntryView(CamelStruct):
    position: int
    """The stream position of the step (of the week's first message for `messages`)."""
    kind: EntryKind
    who: UUID | None
    """The member who did it; null for the system (an expiry) or a consequence."""
    at: datetime
    meeting_id: UUID | None = None
    schedule: MeetingSchedule | None = None
    """For meeting_proposed and meeting_rescheduled."""
    session_minutes: int | None = None
    months_after: int | None = None
    decline_reason: DeclineReason | None = None
    """Shown to the mentor, programme admins and auditors; never to the mentee."""
    withdrawal_cause: WithdrawalCause | None = None
    messages: MessageWeekView | None = None


class RelationshipTimeline(CamelStruct):
    relationship: RelationshipSummaryView
    entries: list[TimelineEntryView]
    """Oldest first."""
    next_cursor: int | None
    """Pass as `cursor` for the entries after these; null when there are no more."""
    position: int


class MemberRelationships(CamelStruct):
    member_id: UUID
    relationships: list[MemberRelationshipView]
    """Newest request first."""
    next_before: int | None
    """Pass as `before` for older relationships; null when there are no more."""
    position: int


def _status(row: Row, now: datetime) -> RelationshipStatus:
    status = RelationshipStatus(row["status"])
    if status is RelationshipStatus.REQUESTED and now >= row["expires_at"]:
        return RelationshipStatus.EXPIRED
    return status


def _summary_fields(row: Row, messages: MessageTotals | None, now: datetime) -> dict[str, Any]:
    return {
        "relationship_id": row["relationship_id"], "mentee_id": row["mentee_id"],
        "mentor_id": row["mentor_id"], "status": _status(row, now),
        "requested_at": row["requested_at"], "expires_at": row["expires_at"],
        "answered_at": row["answered_at"], "activated_at": row["activated_at"],
        "closed_at": row["closed_at"],
        "messages": messages.messages if messages else 0,
        "meetings": row["meetings"], "sessions": row["sessions"],
        "session_minutes": row["session_minutes"],
        "last_activity_at": (max(row["last_step_at"], messages.last_message_at) if messages
                             else row["last_step_at"]),
    }


def summary_view(
    row: Row, messages: MessageTotals | None, now: datetime
) -> RelationshipSummaryView:
    return RelationshipSummaryView(**_summary_fields(row, messages, now))


def member_relationship_view(
    row: Row, messages: MessageTotals | None, member_id: UUID, now: datetime
) -> MemberRelationshipView:
    mentee = row["mentee_id"] == member_id
    return MemberRelationshipView(
        **_summary_fields(row, messages, now), side=Side.MENTEE if mentee else Side.MENTOR,
        counterpart_id=row["mentor_id"] if mentee else row["mentee_id"],
    )


def week_view(row: Row) -> TimelineEntryView:
    year, week = (int(part) for part in row["week"].split("-W"))
    messages = MessageWeekView(
        week=row["week"], week_starts=date.fromisocalendar(year, week, 1),
        messages=row["messages"], from_mentee=row["from_mentee"],
        from_mentor=row["messages"] - row["from_mentee"], first_at=row["first_at"],
        last_at=row["last_at"],
    )
    return TimelineEntryView(position=row["first_position"], kind=EntryKind.MESSAGES, who=None,
                             at=row["first_at"], messages=messages)


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def _clock(member_id: UUID, side: Side, zone_name: str, starts: datetime,
           ends: datetime) -> MeetingClock:
    # A zone the tz database no longer knows shows UTC rather than failing the whole timeline.
    zone = _zone(zone_name) or UTC
    local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
    return MeetingClock(member_id=member_id, side=side, time_zone=zone_name,
                        starts_at=local_start, ends_at=local_end,
                        utc_offset=_offset_text(local_start.utcoffset()))


def _schedule(details: dict[str, Any], relationship: Row, viewer_id: UUID) -> MeetingSchedule:
    starts = datetime.fromisoformat(details["starts_at"]).astimezone(UTC)
    ends = starts + timedelta(minutes=details["duration_minutes"])
    mentor = _clock(relationship["mentor_id"], Side.MENTOR, details["mentor_zone"], starts, ends)
    mentee = _clock(relationship["mentee_id"], Side.MENTEE, details["mentee_zone"], starts, ends)
    participants = [mentee, mentor] if viewer_id == relationship["mentee_id"] else [mentor, mentee]
    return MeetingSchedule(
        starts_at_utc=starts, ends_at_utc=ends, duration_minutes=details["duration_minutes"],
        proposed_in_time_zone=details["time_zone"], sequence=details.get("sequence", 0),
        participants=participants,
    )


_SCHEDULED: frozenset[str] = frozenset({
    EntryKind.MEETING_PROPOSED, EntryKind.MEETING_RESCHEDULED,
})


def entry_view(row: Row, relationship: Row, viewer_id: UUID) -> TimelineEntryView:
    details: dict[str, Any] = row["details"] or {}
    kind = EntryKind(row["kind"])
    meeting = details.get("meeting")
    reason = details.get("reason") if viewer_id != relationship["mentee_id"] else None
    cause = details.get("cause")
    return TimelineEntryView(
        position=row["position"], kind=kind, who=row["who"], at=row["at"],
        meeting_id=UUID(meeting) if meeting else None,
        schedule=_schedule(details, relationship, viewer_id) if kind in _SCHEDULED else None,
        session_minutes=details.get("minutes"), months_after=details.get("months_after"),
        decline_reason=DeclineReason(reason) if reason else None,
        withdrawal_cause=WithdrawalCause(cause) if cause else None,
    )

