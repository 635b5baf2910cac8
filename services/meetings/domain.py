"""Meetings between the two members of a mentoring relationship, and what they add up to.

A `Meeting` is proposed for an instant (kept in UTC) by one member and answered by the other;
either may move it (back to proposed, its `sequence` going up, as calendars expect) or cancel
it. Each participant's time zone is recorded with it, so each sees it on their own clock. Once
it has started, either member logs the session and the other confirms the log.

A relationship's meetings are listed by its `MeetingIndex`, and a mentor's logged minutes are
summed by their `VolunteerHours`; both have ids derived from the id they belong to, and each is
recorded in the same append as the meeting change that feeds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, ClassVar
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, ForbiddenError, InvalidInputError
from services.personal_data import Personal, PersonalText
from services.texts import check_text

__all__ = [
    "DURATION_MAX",
    "DURATION_MIN",
    "HORIZON",
    "Meeting",
    "MeetingIndex",
    "MeetingStatus",
    "SessionLog",
    "VolunteerHours",
    "check_agenda",
    "check_duration",
    "check_video_link",
]

_NAMESPACE = UUID("5b8e1f2a-7c3d-4e9f-a061-2d4c6b8e0f13")

DURATION_MIN, DURATION_MAX = 15, 240
AGENDA_MAX = 4000
LOG_TEXT_MAX = 4000
LOG_DURATION_MAX = 600
VIDEO_LINK_MAX = 500
HORIZON = timedelta(days=730)
"""How far ahead a meeting may be proposed."""

PersonalOptionalText = Annotated[str, Personal(erased="")]


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


def check_duration(minutes: int) -> int:
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise InvalidInputError(
            "must be %(least)s to %(most)s minutes", field="durationMinutes",
            values={"least": DURATION_MIN, "most": DURATION_MAX},
        )
    return minutes


def check_agenda(agenda: str) -> str:
    return check_text(agenda, "agenda", AGENDA_MAX)


def check_video_link(link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if (
        parts.scheme != "https" or not parts.hostname or "." not in parts.hostname
        or any(c.isspace() for c in link) or len(link) > VIDEO_LINK_MAX
    ):
        raise InvalidInputError(
            "must be an https:// address such as https://meet.example.org/abc",
            field="videoLink",
        )
    return link


class SessionLog:
    """What was logged about a held session, and whether the other member confirmed it."""

    def __init__(
        self, author_id: UUID, duration_minutes: int, summary: str, agreements: str,
        next_steps: str, logged_at: datetime,
    ) -> None:
        self.author_id, self.duration_minutes = author_id, duration_minutes
        self.summary, self.agreements, self.next_steps = summary, agreements, next_steps
        self.logged_at = logged_at
        self.confirmed_by: UUID | None = None
        self.confirmed_at: datetime | None = None


class Meeting(Aggregate):
    """One meeting of the two members of a relationship."""

    class Proposed(Aggregate.Created):
        relationship_id: UUID
        mentor_id: UUID
        mentee_id: UUID
        proposer_id: UUID
        starts_at: datetime
        duration_minutes: int
        time_zone: str
        proposer_zone: str
        other_zone: str
        agenda: PersonalText
        video_link: PersonalOptionalText
        at: datetime
        actor: Actor
        personal_data_subject: ClassVar[str] = "proposer_id"

    class Accepted(Aggregate.Event):
        by: UUID
        at: datetime
        actor: Actor
        counterpart_id: UUID | None = None
        """The other member, recorded so that whom to tell can be read from the event alone
        (None in events recorded before it was)."""

    class Declined(Aggregate.Event):
        by: UUID
        at: datetime
        actor: Actor
        counterpart_id: UUID | None = None
        """The other member, recorded so that whom to tell can be read from the event alone
        (None in events recorded before it was)."""

    class Rescheduled(Aggregate.Event):
        by: UUID
        starts_at: datetime
        duration_minutes: int
        time_zone: str
        proposer_zone: str
        other_zone: str
        sequence: int
        at: datetime
        actor: Actor
        counterpart_id: UUID | None = None
        """The other member, recorded so that whom to tell can be read from the event alone
        (None in events recorded before it was)."""

    class Cancelled(Aggregate.Event):
        by: UUID
        sequence: int
        at: datetime
        actor: Actor
        counterpart_id: UUID | None = None
        """The other member, recorded so that whom to tell can be read from the event alone
        (None in events recorded before it was)."""

    class SessionLogged(Aggregate.Event):
        author_id: UUID
        duration_minutes: int
        summary: PersonalText
        agreements: PersonalText
        next_steps: PersonalText
        at: datetime
        actor: Actor
        counterpart_id: UUID | None = None
        """The other member, recorded so that whom to tell can be read from the event alone
        (None in events recorded before it was)."""
        personal_data_subject: ClassVar[str] = "author_id"

    class SessionConfirmed(Aggregate.Event):
        by: UUID
        at: datetime
        actor: Actor

    @event(Proposed)
    def __init__(
        self, relationship_id: UUID, mentor_id: UUID, mentee_id: UUID, proposer_id: UUID,
        starts_at: datetime, duration_minutes: int, time_zone: str, proposer_zone: str,
        other_zone: str, agenda: str, video_link: str, at: datetime, actor: Actor,
    ) -> None:
        self.relationship_id = relationship_id
        self.mentor_id, self.mentee_id = mentor_id, mentee_id
        self.agenda, self.video_link = agenda, video_link
        self.status = MeetingStatus.PROPOSED
        self.sequence = 0
        self.proposed_at = at
        self.answered_at: datetime | None = None
        self.session_log: SessionLog | None = None
        self.cancelled_by: UUID | None = None
        self._schedule(proposer_id, starts_at, duration_minutes, time_zone, proposer_zone,
                       other_zone)

    def _schedule(
        self, proposer_id: UUID, starts_at: datetime, duration_minutes: int, time_zone: str,
        proposer_zone: str, other_zone: str,
    ) -> None:
        self.proposer_id = proposer_id
        self.starts_at, self.duration_minutes = starts_at, duration_minutes
        self.time_zone = time_zone
        self.zones = {proposer_id: proposer_zone, self.other_than(proposer_id): other_zone}

    # Queries --------------------------------------------------------------------------------

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def participant_ids(self) -> tuple[UUID, UUID]:
        return self.mentor_id, self.mentee_id

    def involves(self, member_id: UUID) -> bool:
        return member_id in self.participant_ids

    def other_than(self, member_id: UUID) -> UUID:
        return self.mentee_id if member_id == self.mentor_id else self.mentor_id

    @property
    def awaiting_id(self) -> UUID | None:
        """Who has to answer the current proposal, if anyone."""
        return self.other_than(self.proposer_id) if self.status is MeetingStatus.PROPOSED else None

    # Commands -------------------------------------------------------------------------------

    def accept(self, by: UUID, at: datetime, actor: Actor) -> None:
        self._require("accepted", MeetingStatus.PROPOSED)
        self._require_answerer(by, "accept")
        self._require_not_started(at, "accepted")
        self._accept(by=by, at=at, actor=actor, counterpart_id=self.other_than(by))

    def decline(self, by: UUID, at: datetime, actor: Actor) -> None:
        self._require("declined", MeetingStatus.PROPOSED)
        self._require_answerer(by, "decline")
        self._decline(by=by, at=at, actor=actor, counterpart_id=self.other_than(by))

    def reschedule(
        self, by: UUID, starts_at: datetime, duration_minutes: int, time_zone: str,
        by_zone: str, other_zone: str, at: datetime, actor: Actor,
    ) -> None:
        self._require("rescheduled", MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED)
        self._require_no_log("rescheduled")
        self._reschedule(
            by=by, starts_at=starts_at, duration_minutes=check_duration(duration_minutes),
            time_zone=time_zone, proposer_zone=by_zone, other_zone=other_zone,
            sequence=self.sequence + 1, at=at, actor=actor, counterpart_id=self.other_than(by),
        )

    def cancel(self, by: UUID, at: datetime, actor: Actor) -> None:
        self._require("cancelled", MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED)
        self._require_no_log("cancelled")
        self._cancel(by=by, sequence=self.sequence + 1, at=at, actor=actor,
                     counterpart_id=self.other_than(by))

    def log_session(
        self, author_id: UUID, duration_minutes: int, summary: str, agreements: str,
        next_steps: str, at: datetime, actor: Actor,
    ) -> None:
        self._require("logged", MeetingStatus.ACCEPTED)
        if at < self.starts_at:
            raise ConflictError(
                "the meeting starts at %(starts)s UTC; a session can be logged once it has "
                "started", field="startsAt",
                values={"starts": f"{self.starts_at:%Y-%m-%d %H:%M}"},
            )
        if self.session_log is not None:
            raise ConflictError("this session has already been logged", field="sessionLog")
        if not 1 <= duration_minutes <= LOG_DURATION_MAX:
            raise InvalidInputError(
                "must be 1 to %(most)s minutes", field="durationMinutes",
                values={"most": LOG_DURATION_MAX},
            )
        summary = check_text(summary, "summary", LOG_TEXT_MAX)
        for field, text in (("agreements", agreements), ("nextSteps", next_steps)):
            if len(text.strip()) > LOG_TEXT_MAX:
                raise InvalidInputError("must be at most %(most)s characters", field=field,
                                        values={"most": LOG_TEXT_MAX})
        self._log_session(
            author_id=author_id, duration_minutes=duration_minutes, summary=summary,
            agreements=agreements.strip(), next_steps=next_steps.strip(), at=at, actor=actor,
            counterpart_id=self.other_than(author_id),
        )

    def confirm_session(self, by: UUID, at: datetime, actor: Actor) -> SessionLog:
        log = self.session_log
        if log is None:
            raise ConflictError("no session has been logged for this meeting yet",
                                field="sessionLog")
        if log.confirmed_at is not None:
            raise ConflictError("the session log is already confirmed", field="sessionLog")
        if by == log.author_id:
            raise ForbiddenError("the other member confirms a session log, not its author",
                                 field="sessionLog")
        self._confirm_session(by=by, at=at, actor=actor)
        return log

    def _require(self, verb: str, *allowed: MeetingStatus) -> None:
        if self.status not in allowed:
            raise ConflictError(
                "the meeting is %(status)s; only a meeting that is %(allowed)s can be %(verb)s",
                field="status",
                values={"status": self.status, "allowed": " or ".join(allowed), "verb": verb},
            )

    def _require_answerer(self, by: UUID, verb: str) -> None:
        if by == self.proposer_id:
            raise ForbiddenError(
                "you proposed this time; only the other member can %(verb)s it",
                field="role", values={"verb": verb},
            )

    def _require_not_started(self, at: datetime, verb: str) -> None:
        if at >= self.starts_at:
            raise ConflictError(
                "the proposed time has passed; a meeting can only be %(verb)s before it starts",
                field="startsAt", values={"verb": verb},
            )

    def _require_no_log(self, verb: str) -> None:
        if self.session_log is not None:
            raise ConflictError(
                "the session has been held and logged; it cannot be %(verb)s",
                field="sessionLog", values={"verb": verb},
            )

    @event(Accepted)
    def _accept(
        self, by: UUID, at: datetime, actor: Actor, counterpart_id: UUID | None = None
    ) -> None:
        self.status = MeetingStatus.ACCEPTED
        self.answered_at = at

    @event(Declined)
    def _decline(
        self, by: UUID, at: datetime, actor: Actor, counterpart_id: UUID | None = None
    ) -> None:
        self.status = MeetingStatus.DECLINED
        self.answered_at = at

    @event(Rescheduled)
    def _reschedule(
        self, by: UUID, starts_at: datetime, duration_minutes: int, time_zone: str,
        proposer_zone: str, other_zone: str, sequence: int, at: datetime, actor: Actor,
        counterpart_id: UUID | None = None,
    ) -> None:
        self._schedule(by, starts_at, duration_minutes, time_zone, proposer_zone, other_zone)
        self.status = MeetingStatus.PROPOSED
        self.sequence = sequence
        self.proposed_at, self.answered_at = at, None

    @event(Cancelled)
    def _cancel(
        self, by: UUID, sequence: int, at: datetime, actor: Actor,
        counterpart_id: UUID | None = None,
    ) -> None:
        self.status = MeetingStatus.CANCELLED
        self.sequence = sequence
        self.cancelled_by = by

    @event(SessionLogged)
    def _log_session(
        self, author_id: UUID, duration_minutes: int, summary: str, agreements: str,
        next_steps: str, at: datetime, actor: Actor, counterpart_id: UUID | None = None,
    ) -> None:
        self.session_log = SessionLog(
            author_id, duration_minutes, summary, agreements, next_steps, at
        )

    @event(SessionConfirmed)
    def _confirm_session(self, by: UUID, at: datetime, actor: Actor) -> None:
        assert self.session_log is not None
        self.session_log.confirmed_by, self.session_log.confirmed_at = by, at


class MeetingIndex(Aggregate):
    """The meetings of one relationship, oldest proposal first."""

    class Started(Aggregate.Created):
        relationship_id: UUID
        actor: Actor

    class MeetingAdded(Aggregate.Event):
        meeting_id: UUID
        actor: Actor

    @staticmethod
    def create_id(relationship_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"meetings/{relationship_id}")

    @event(Started)
    def __init__(self, relationship_id: UUID, actor: Actor) -> None:
        self.relationship_id = relationship_id
        self.meeting_ids: list[UUID] = []

    @event(MeetingAdded)
    def add(self, meeting_id: UUID, actor: Actor) -> None:
        self.meeting_ids = [*self.meeting_ids, meeting_id]


class VolunteerHours(Aggregate):
    """The sessions a mentor has held, as logged and as confirmed by the other side."""

    class Started(Aggregate.Created):
        mentor_id: UUID
        actor: Actor

    class SessionCounted(Aggregate.Event):
        meeting_id: UUID
        minutes: int
        actor: Actor

    class SessionConfirmed(Aggregate.Event):
        meeting_id: UUID
        minutes: int
        actor: Actor

    @staticmethod
    def create_id(mentor_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"volunteer-hours/{mentor_id}")

    @event(Started)
    def __init__(self, mentor_id: UUID, actor: Actor) -> None:
        self.mentor_id = mentor_id
        self.total_minutes = 0
        self.confirmed_minutes = 0
        self.sessions = 0
        self.confirmed_sessions = 0
        self.meeting_ids: list[UUID] = []
        """The meetings counted, oldest log first (which relationship and month each was in
        is the meeting's)."""

    @event(SessionCounted)
    def count_session(self, meeting_id: UUID, minutes: int, actor: Actor) -> None:
        self.total_minutes += minutes
        self.sessions += 1
        self.meeting_ids = [*self.meeting_ids, meeting_id]

    @event(SessionConfirmed)
    def confirm_session(self, meeting_id: UUID, minutes: int, actor: Actor) -> None:
        self.confirmed_minutes += minutes
        self.confirmed_sessions += 1
