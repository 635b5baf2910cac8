"""Relationship timelines: every step of each mentoring relationship, in stream order.

One entry per step (request, answer, start, pauses, meetings, session logs, follow-up surveys,
completion) says what happened, who did it and when, by the event's own time. Messages are too
many to list one by one and their bodies are personal: each relationship keeps one counter per
ISO week (UTC) instead, split by sender side. A summary row per relationship (members, status,
milestones, counts, last step) lists a member's relationships without reading their entries.

Conversation and meeting events after the first do not name their relationship, so two small
tables map conversation and meeting ids to relationships. A message changes one narrow row, its
week's; a relationship's message total and last message are summed from its weeks when read.
Messages are most of a tenant's log, so this is most of what a rebuild writes. `apply` is built
for rebuild speed: it reads every key the batch touches with one `rows.load` per table, then
works in memory and writes each changed row once.

Meetings keep their instant in UTC and both members' zone names; local wall times are rendered
when read, so the rows never depend on the tz database the projector happened to run with.
No personal data is kept: introductions, messages, decline notes, end reasons, agendas and
session summaries stay in the write side. The decline *reason* is a category; the read API hides
it from the mentee as the write side does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Row, Table
from services.actor import Actor
from services.impact.domain import ImpactSurveys
from services.meetings.domain import Meeting
from services.mentoring.domain import Conversation, Relationship
from services.mentoring.values import RelationshipStatus, WithdrawalCause

__all__ = [
    "CONVERSATIONS",
    "ENTRIES",
    "MEETINGS",
    "MESSAGE_WEEKS",
    "RELATIONSHIPS",
    "TIMELINES",
    "EntryKind",
    "TimelineProjection",
    "iso_week",
]


class EntryKind(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    COMPLETED = "completed"
    ENDED = "ended"
    MEETING_PROPOSED = "meeting_proposed"
    MEETING_ACCEPTED = "meeting_accepted"
    MEETING_DECLINED = "meeting_declined"
    MEETING_RESCHEDULED = "meeting_rescheduled"
    MEETING_CANCELLED = "meeting_cancelled"
    SESSION_LOGGED = "session_logged"
    SESSION_CONFIRMED = "session_confirmed"
    FOLLOW_UP_SURVEY = "follow_up_survey"
    MESSAGES = "messages"
    """Not stored as an entry: a week of messages, from `timeline_message_weeks`."""


def _column(name: str, kind: ColumnType, *, nullable: bool = False) -> Column:
    return Column(name, kind, nullable=nullable)


_UUID, _INT, _TEXT, _TIME, _JSON = (
    ColumnType.UUID, ColumnType.INT, ColumnType.TEXT, ColumnType.TIMESTAMP, ColumnType.JSON,
)

RELATIONSHIPS = Table(
    "timeline_relationships",
    columns=(
        _column("relationship_id", _UUID),
        _column("mentee_id", _UUID),
        _column("mentor_id", _UUID),
        _column("status", _TEXT),
        _column("requested_position", _INT),
        _column("requested_at", _TIME),
        _column("expires_at", _TIME),
        _column("answered_at", _TIME, nullable=True),
        _column("activated_at", _TIME, nullable=True),
        _column("closed_at", _TIME, nullable=True),
        _column("meetings", _INT),
        _column("sessions", _INT),
        _column("session_minutes", _INT),
        _column("last_step_at", _TIME),
    ),
    key=("relationship_id",),
    indexes=(("mentee_id", "requested_position"), ("mentor_id", "requested_position")),
)
"""One row per relationship: who, where it stands, its milestones and counts (its messages are
counted in `timeline_message_weeks`); `last_step_at` is the time of its latest entry."""

ENTRIES = Table(
    "timeline_entries",
    columns=(
        _column("relationship_id", _UUID),
        _column("position", _INT),
        _column("kind", _TEXT),
        _column("who", _UUID, nullable=True),
        _column("at", _TIME),
        _column("details", _JSON, nullable=True),
    ),
    key=("relationship_id", "position"),
)
"""One row per step; `position` (the event's place in the stream) orders a timeline."""

MESSAGE_WEEKS = Table(
    "timeline_message_weeks",
    columns=(
        _column("relationship_id", _UUID),
        _column("week", _TEXT),
        _column("first_position", _INT),
        _column("first_at", _TIME),
        _column("last_at", _TIME),
        _column("messages", _INT),
        _column("from_mentee", _INT),
    ),
    key=("relationship_id", "week"),
)
"""Messages per relationship and ISO week (`2031-W10`, UTC); placed in the timeline at the
week's first message."""

CONVERSATIONS = Table(
    "timeline_conversations",
    columns=(
        _column("conversation_id", _UUID),
        _column("relationship_id", _UUID),
        _column("mentee_id", _UUID),
    ),
    key=("conversation_id",),
)
"""Conversation -> relationship, and its mentee (to count messages by side)."""

MEETINGS = Table(
    "timeline_meetings",
    columns=(
        _column("meeting_id", _UUID),
        _column("relationship_id", _UUID),
        _column("session_minutes", _INT, nullable=True),
    ),
    key=("meeting_id",),
)
"""Meeting -> relationship, and the minutes logged (a confirmation repeats them)."""


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _member_actor(actor: Actor) -> UUID | None:
    """The member behind a command, if a member gave it (not the system or an operator)."""
    return UUID(actor.id) if actor.kind == "member" else None


_RELATIONSHIP_STEPS: dict[type, tuple[EntryKind, RelationshipStatus]] = {
    Relationship.Accepted: (EntryKind.ACCEPTED, RelationshipStatus.ACCEPTED),
    Relationship.Declined: (EntryKind.DECLINED, RelationshipStatus.DECLINED),
    Relationship.Withdrawn: (EntryKind.WITHDRAWN, RelationshipStatus.WITHDRAWN),
    Relationship.Expired: (EntryKind.EXPIRED, RelationshipStatus.EXPIRED),
    Relationship.Started: (EntryKind.STARTED, RelationshipStatus.ACTIVE),
    Relationship.Paused: (EntryKind.PAUSED, RelationshipStatus.PAUSED),
    Relationship.Resumed: (EntryKind.RESUMED, RelationshipStatus.ACTIVE),
    Relationship.Completed: (EntryKind.COMPLETED, RelationshipStatus.COMPLETED),
    Relationship.Ended: (EntryKind.ENDED, RelationshipStatus.ENDED),
}
_CLOSING = frozenset({
    RelationshipStatus.DECLINED, RelationshipStatus.WITHDRAWN, RelationshipStatus.EXPIRED,
    RelationshipStatus.COMPLETED, RelationshipStatus.ENDED,
})
_MEETING_ANSWERS: dict[type, EntryKind] = {
    Meeting.Accepted: EntryKind.MEETING_ACCEPTED,
    Meeting.Declined: EntryKind.MEETING_DECLINED,
    Meeting.Cancelled: EntryKind.MEETING_CANCELLED,
}
_LATER_MEETING_EVENTS = frozenset({
    *_MEETING_ANSWERS, Meeting.Rescheduled, Meeting.SessionLogged, Meeting.SessionConfirmed,
})


class _Batch:
    """The rows one batch touches, held as plain dicts until written back once each."""

    def __init__(self, rows: BatchRows, events: Sequence[ProjectedEvent]) -> None:
        self.rows = rows
        self.relationships: dict[UUID, Row] = {}
        self.weeks: dict[tuple[UUID, str], Row] = {}
        self.conversations: dict[UUID, Row] = {}
        self.meetings: dict[UUID, Row] = {}
        self.changed_relationships: set[UUID] = set()
        self.opened_conversations: set[UUID] = set()
        self.changed_meetings: set[UUID] = set()
        self._weeks_of_days: dict[date, str] = {}
        self._prefetch(events)

    def week_of(self, moment: datetime) -> str:
        day = (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).date()
        week = self._weeks_of_days.get(day)
        if week is None:
            week = self._weeks_of_days[day] = iso_week(day)
        return week

    def _prefetch(self, events: Sequence[ProjectedEvent]) -> None:
        relationship_ids: set[UUID] = set()
        conversation_ids: set[UUID] = set()
        meeting_ids: set[UUID] = set()
        opened: dict[UUID, UUID] = {}
        messages: list[Any] = []
        for _, event in events:
            kind = type(event)
            if kind is Conversation.MessageSent:
                conversation_ids.add(event.originator_id)
                messages.append(event)
            elif kind in _LATER_MEETING_EVENTS:
                meeting_ids.add(event.originator_id)
            elif kind is Conversation.Opened:
                opened[event.originator_id] = event.relationship_id
                relationship_ids.add(event.relationship_id)
            elif kind is Meeting.Proposed or kind is ImpactSurveys.FollowUpAnswered:
                relationship_ids.add(event.relationship_id)
            else:
                relationship_ids.add(event.originator_id)
        relationship_ids.discard(None)  # a follow-up of someone never mentored names none
        self._load_maps(conversation_ids.difference(opened), meeting_ids)
        relationship_ids.update(meeting["relationship_id"] for meeting in self.meetings.values())
        self._load_relationships(relationship_ids)
        # A message's week row is keyed by its relationship, known from the stored conversation
        # or from the conversation opened earlier in this batch.
        relationship_of = opened | {
            conversation_id: row["relationship_id"]
            for conversation_id, row in self.conversations.items()
        }
        self._load_weeks({
            (found, self.week_of(event.sent_at))
            for event in messages
            if (found := relationship_of.get(event.originator_id)) is not None
        })

    def _load_maps(self, conversation_ids: set[UUID], meeting_ids: set[UUID]) -> None:
        rows = self.rows
        rows.load(CONVERSATIONS, [(conversation_id,) for conversation_id in conversation_ids])
        for conversation_id in conversation_ids:
            if (row := rows.get(CONVERSATIONS, conversation_id)) is not None:
                self.conversations[conversation_id] = row
        rows.load(MEETINGS, [(meeting_id,) for meeting_id in meeting_ids])
        for meeting_id in meeting_ids:
            if (row := rows.get(MEETINGS, meeting_id)) is not None:
                self.meetings[meeting_id] = row

    def _load_relationships(self, relationship_ids: set[UUID]) -> None:
        rows = self.rows
        rows.load(RELATIONSHIPS, [(relationship_id,) for relationship_id in relationship_ids])
        for relationship_id in relationship_ids:
            if (row := rows.get(RELATIONSHIPS, relationship_id)) is not None:
                self.relationships[relationship_id] = row

    def _load_weeks(self, week_keys: set[tuple[UUID, str]]) -> None:
        rows = self.rows
        rows.load(MESSAGE_WEEKS, week_keys)
        for key in week_keys:
            if (row := rows.get(MESSAGE_WEEKS, *key)) is not None:
                self.weeks[key] = row

    def add_entry(
        self, relationship: Row, position: int, kind: EntryKind, who: UUID | None, at: datetime,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.rows.put(ENTRIES, {
            "relationship_id": relationship["relationship_id"], "position": position,
            "kind": kind.value, "who": who, "at": at, "details": details,
        })
        relationship["last_step_at"] = max(relationship["last_step_at"], at)
        self.changed_relationships.add(relationship["relationship_id"])

    def write_back(self) -> None:
        rows = self.rows
        for relationship_id in self.changed_relationships:
            rows.put(RELATIONSHIPS, self.relationships[relationship_id])
        for week in self.weeks.values():
            rows.put(MESSAGE_WEEKS, week)
        for conversation_id in self.opened_conversations:
            rows.put(CONVERSATIONS, self.conversations[conversation_id])
        for meeting_id in self.changed_meetings:
            rows.put(MEETINGS, self.meetings[meeting_id])


_Handler = Callable[[_Batch, int, Any], None]


def _requested(batch: _Batch, position: int, event: Relationship.Requested) -> None:
    relationship = batch.relationships[event.originator_id] = {
        "relationship_id": event.originator_id, "mentee_id": event.mentee_id,
        "mentor_id": event.mentor_id, "status": RelationshipStatus.REQUESTED.value,
        "requested_position": position, "requested_at": event.requested_at,
        "expires_at": event.expires_at, "answered_at": None, "activated_at": None,
        "closed_at": None, "meetings": 0, "sessions": 0, "session_minutes": 0,
        "last_step_at": event.requested_at,
    }
    batch.add_entry(relationship, position, EntryKind.REQUESTED, event.mentee_id,
                    event.requested_at)


def _relationship_step(batch: _Batch, position: int, event: Any) -> None:
    relationship = batch.relationships.get(event.originator_id)
    if relationship is None:
        return
    kind, status = _RELATIONSHIP_STEPS[type(event)]
    at: datetime = event.at
    relationship["status"] = status.value
    details: dict[str, Any] | None = None
    who: UUID | None
    if kind is EntryKind.ACCEPTED:
        who, relationship["answered_at"] = relationship["mentor_id"], at
    elif kind is EntryKind.DECLINED:
        who, relationship["answered_at"] = event.by, at
        details = {"reason": event.reason.value}
    elif kind is EntryKind.WITHDRAWN:
        # Only the mentee's own withdrawal is someone's act here; a block or a suspension
        # withdraws as a consequence, and naming who caused it would tell what is not ours.
        who = relationship["mentee_id"] if event.cause is WithdrawalCause.MENTEE else None
        details = {"cause": event.cause.value}
    elif kind is EntryKind.EXPIRED:
        who = None
    elif kind is EntryKind.ENDED:
        who = event.by
    else:
        who = _member_actor(event.actor)
    if kind is EntryKind.STARTED:
        relationship["activated_at"] = at
    if status in _CLOSING:
        relationship["closed_at"] = at
    batch.add_entry(relationship, position, kind, who, at, details)


def _conversation_opened(batch: _Batch, position: int, event: Conversation.Opened) -> None:
    relationship = batch.relationships.get(event.relationship_id)
    if relationship is None:
        return
    batch.conversations[event.originator_id] = {
        "conversation_id": event.originator_id, "relationship_id": event.relationship_id,
        "mentee_id": relationship["mentee_id"],
    }
    batch.opened_conversations.add(event.originator_id)


def _message_sent(batch: _Batch, position: int, event: Conversation.MessageSent) -> None:
    conversation = batch.conversations.get(event.originator_id)
    if conversation is None:
        return
    sent_at = event.sent_at
    key = (conversation["relationship_id"], batch.week_of(sent_at))
    week = batch.weeks.get(key)
    if week is None:
        week = batch.weeks[key] = {
            "relationship_id": key[0], "week": key[1], "first_position": position,
            "first_at": sent_at, "last_at": sent_at, "messages": 0, "from_mentee": 0,
        }
    week["messages"] += 1
    if event.sender_id == conversation["mentee_id"]:
        week["from_mentee"] += 1
    week["last_at"] = max(week["last_at"], sent_at)


def _schedule(event: Any, mentor_id: UUID, proposer_id: UUID) -> dict[str, Any]:
    mentor_proposes = proposer_id == mentor_id
    return {
        "meeting": event.originator_id, "starts_at": event.starts_at,
        "duration_minutes": event.duration_minutes, "time_zone": event.time_zone,
        "mentor_zone": event.proposer_zone if mentor_proposes else event.other_zone,
        "mentee_zone": event.other_zone if mentor_proposes else event.proposer_zone,
    }


def _meeting_proposed(batch: _Batch, position: int, event: Meeting.Proposed) -> None:
    relationship = batch.relationships.get(event.relationship_id)
    if relationship is None:
        return
    batch.meetings[event.originator_id] = {
        "meeting_id": event.originator_id, "relationship_id": event.relationship_id,
        "session_minutes": None,
    }
    batch.changed_meetings.add(event.originator_id)
    relationship["meetings"] += 1
    batch.add_entry(relationship, position, EntryKind.MEETING_PROPOSED, event.proposer_id,
                    event.at, _schedule(event, event.mentor_id, event.proposer_id))


def _meeting_of(batch: _Batch, event: Any) -> tuple[Row, Row] | None:
    meeting = batch.meetings.get(event.originator_id)
    relationship = batch.relationships.get(meeting["relationship_id"]) if meeting else None
    if meeting is None or relationship is None:
        return None
    return meeting, relationship


def _meeting_rescheduled(batch: _Batch, position: int, event: Meeting.Rescheduled) -> None:
    if (found := _meeting_of(batch, event)) is None:
        return
    _, relationship = found
    details = _schedule(event, relationship["mentor_id"], event.by)
    details["sequence"] = event.sequence
    batch.add_entry(relationship, position, EntryKind.MEETING_RESCHEDULED, event.by, event.at,
                    details)


def _meeting_answered(batch: _Batch, position: int, event: Any) -> None:
    if (found := _meeting_of(batch, event)) is None:
        return
    _, relationship = found
    batch.add_entry(relationship, position, _MEETING_ANSWERS[type(event)], event.by, event.at,
                    {"meeting": event.originator_id})


def _session_logged(batch: _Batch, position: int, event: Meeting.SessionLogged) -> None:
    if (found := _meeting_of(batch, event)) is None:
        return
    meeting, relationship = found
    minutes = event.duration_minutes
    meeting["session_minutes"] = minutes
    batch.changed_meetings.add(event.originator_id)
    relationship["sessions"] += 1
    relationship["session_minutes"] += minutes
    batch.add_entry(relationship, position, EntryKind.SESSION_LOGGED, event.author_id, event.at,
                    {"meeting": event.originator_id, "minutes": minutes})


def _session_confirmed(batch: _Batch, position: int, event: Meeting.SessionConfirmed) -> None:
    if (found := _meeting_of(batch, event)) is None:
        return
    meeting, relationship = found
    batch.add_entry(relationship, position, EntryKind.SESSION_CONFIRMED, event.by, event.at,
                    {"meeting": event.originator_id, "minutes": meeting["session_minutes"]})


def _follow_up_answered(
    batch: _Batch, position: int, event: ImpactSurveys.FollowUpAnswered
) -> None:
    if event.relationship_id is None:
        return
    relationship = batch.relationships.get(event.relationship_id)
    if relationship is None:
        return
    batch.add_entry(relationship, position, EntryKind.FOLLOW_UP_SURVEY, event.entrepreneur_id,
                    event.answered_at, {"months_after": event.months_after})


_HANDLERS: dict[type, _Handler] = {
    Relationship.Requested: _requested,
    **dict.fromkeys(_RELATIONSHIP_STEPS, _relationship_step),
    Conversation.Opened: _conversation_opened,
    Conversation.MessageSent: _message_sent,
    Meeting.Proposed: _meeting_proposed,
    Meeting.Rescheduled: _meeting_rescheduled,
    **dict.fromkeys(_MEETING_ANSWERS, _meeting_answered),
    Meeting.SessionLogged: _session_logged,
    Meeting.SessionConfirmed: _session_confirmed,
    ImpactSurveys.FollowUpAnswered: _follow_up_answered,
}


class TimelineProjection(Projection):
    """Relationship timelines and per-member relationship summaries (see the module docstring)."""

    name = "timelines"
    version = 2
    tables = (RELATIONSHIPS, ENTRIES, MESSAGE_WEEKS, CONVERSATIONS, MEETINGS)
    event_classes = tuple(_HANDLERS)

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        batch = _Batch(rows, events)
        handlers = _HANDLERS
        for position, event in events:
            handlers[type(event)](batch, position, event)
        batch.write_back()


TIMELINES = TimelineProjection()
