"""Meetings: proposing, answering, moving and cancelling meetings across time zones; logging
the sessions held, and the mentor's volunteer hours they add up to.

A new meeting is recorded with its relationship's `MeetingIndex`, a session log with the
mentor's `VolunteerHours`, each in one append, so the index and the sums never miss or double a
meeting however commands interleave (`retrying` reruns a command that lost a race).

Members' time zones, countries and working hours come from their profiles through a `Locator`.
Time comes from `clock`, so tests set it.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.application import TenantApplication
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.meetings.distance import distance_between
from services.meetings.domain import (
    HORIZON,
    Meeting,
    MeetingIndex,
    VolunteerHours,
    check_agenda,
    check_duration,
    check_video_link,
)
from services.meetings.places import Locator
from services.meetings.schemas import DistanceView
from services.meetings.timezones import instant_of, parse_wall_time, zone
from services.mentoring.domain import Relationship

__all__ = ["Meetings"]


class Meetings(TenantApplication):
    name = "meetings"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)

    # Queries --------------------------------------------------------------------------------

    def get_meeting(self, meeting_id: UUID, viewer: Caller) -> Meeting:
        """The meeting if the viewer may see it: one of its two members, a programme admin or
        an auditor; anyone else gets the 404 an unknown id gets."""
        meeting = self.get(meeting_id, Meeting, field="meetingId")
        if meeting.involves(viewer.member_id) or viewer.has(Role.PROGRAMME_ADMIN, Role.AUDITOR):
            return meeting
        raise NotFoundError("no meeting with id %(id)s", field="meetingId",
                            values={"id": meeting_id})

    def meetings_of(self, relationship_id: UUID) -> list[Meeting]:
        """The relationship's meetings, oldest proposal first (the caller has checked that
        the viewer may see the relationship)."""
        index = self.find(MeetingIndex.create_id(relationship_id), MeetingIndex)
        if index is None:
            return []
        return [self.get(i, Meeting, field="meetingId") for i in index.meeting_ids]

    def relationship_of(self, meeting: Meeting) -> Relationship:
        return self.get(meeting.relationship_id, Relationship, field="relationshipId")

    def volunteer_hours(self, mentor_id: UUID) -> VolunteerHours | None:
        return self.find(VolunteerHours.create_id(mentor_id), VolunteerHours)

    def counted_sessions(self, mentor_id: UUID) -> list[Meeting]:
        """The held meetings the mentor's volunteer hours count, oldest log first: each has
        its session log (minutes, and whether the other member confirmed them)."""
        hours = self.volunteer_hours(mentor_id)
        if hours is None:
            return []
        return [self.get(i, Meeting, field="meetingId") for i in hours.meeting_ids]

    def distance(
        self, relationship: Relationship, viewer: Caller, locator: Locator,
        start: date | None, end: date | None,
    ) -> DistanceView:
        _member_of(relationship, viewer)
        return distance_between(
            viewer.member_id, relationship.counterpart_of(viewer.member_id),
            locator.places(relationship), self.clock(), start, end,
        )

    # Commands -------------------------------------------------------------------------------

    def propose(
        self, relationship: Relationship, caller: Caller, locator: Locator, *, starts_at: str,
        time_zone: str | None, fold: int | None, duration_minutes: int, agenda: str,
        video_link: str, actor: Actor,
    ) -> tuple[Meeting, int]:
        _member_of(relationship, caller)
        _require_open(relationship)
        places = locator.places(relationship)
        proposer, other = caller.member_id, relationship.counterpart_of(caller.member_id)
        zone_name = time_zone if time_zone is not None else places[proposer].time_zone
        instant = self._future_instant(starts_at, zone_name, fold)
        duration_minutes = check_duration(duration_minutes)
        agenda = check_agenda(agenda)
        video_link = check_video_link(video_link)

        def command() -> tuple[Meeting, int]:
            index_id = MeetingIndex.create_id(relationship.id)
            index = self.find(index_id, MeetingIndex) or MeetingIndex(
                relationship_id=relationship.id, actor=actor
            )
            meeting = Meeting(
                relationship_id=relationship.id, mentor_id=relationship.mentor_id,
                mentee_id=relationship.mentee_id, proposer_id=proposer, starts_at=instant,
                duration_minutes=duration_minutes, time_zone=zone_name,
                proposer_zone=places[proposer].time_zone, other_zone=places[other].time_zone,
                agenda=agenda, video_link=video_link, at=self.clock(), actor=actor,
            )
            index.add(meeting.id, actor)
            return meeting, self.record(meeting, index)

        return self.retrying(command)

    def accept(self, meeting_id: UUID, caller: Caller, actor: Actor) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            _require_open(self.relationship_of(meeting))
            meeting.accept(caller.member_id, self.clock(), actor)
            return meeting, self.record(meeting)

        return self.retrying(command)

    def decline(self, meeting_id: UUID, caller: Caller, actor: Actor) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            meeting.decline(caller.member_id, self.clock(), actor)
            return meeting, self.record(meeting)

        return self.retrying(command)

    def reschedule(
        self, meeting_id: UUID, caller: Caller, locator: Locator, *, starts_at: str,
        time_zone: str | None, fold: int | None, duration_minutes: int | None, actor: Actor,
    ) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            relationship = self.relationship_of(meeting)
            places = locator.places(relationship)
            mover, other = caller.member_id, meeting.other_than(caller.member_id)
            zone_name = time_zone if time_zone is not None else places[mover].time_zone
            instant = self._future_instant(starts_at, zone_name, fold)
            _require_open(relationship)
            meeting.reschedule(
                mover, instant, duration_minutes or meeting.duration_minutes, zone_name,
                places[mover].time_zone, places[other].time_zone, self.clock(), actor,
            )
            return meeting, self.record(meeting)

        return self.retrying(command)

    def cancel(self, meeting_id: UUID, caller: Caller, actor: Actor) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            meeting.cancel(caller.member_id, self.clock(), actor)
            return meeting, self.record(meeting)

        return self.retrying(command)

    def log_session(
        self, meeting_id: UUID, caller: Caller, *, duration_minutes: int, summary: str,
        agreements: str, next_steps: str, actor: Actor,
    ) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            meeting.log_session(
                caller.member_id, duration_minutes, summary, agreements, next_steps,
                self.clock(), actor,
            )
            hours = self._hours(meeting.mentor_id, actor)
            hours.count_session(meeting.id, duration_minutes, actor)
            return meeting, self.record(meeting, hours)

        return self.retrying(command)

    def confirm_session(
        self, meeting_id: UUID, caller: Caller, actor: Actor
    ) -> tuple[Meeting, int]:
        def command() -> tuple[Meeting, int]:
            meeting = self._participant(meeting_id, caller)
            log = meeting.confirm_session(caller.member_id, self.clock(), actor)
            hours = self._hours(meeting.mentor_id, actor)
            hours.confirm_session(meeting.id, log.duration_minutes, actor)
            return meeting, self.record(meeting, hours)

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _participant(self, meeting_id: UUID, caller: Caller) -> Meeting:
        meeting = self.get_meeting(meeting_id, caller)
        if not meeting.involves(caller.member_id):
            raise ForbiddenError("only the meeting's two members can do this", field="role")
        return meeting

    def _future_instant(self, starts_at: str, zone_name: str, fold: int | None) -> datetime:
        zone(zone_name)
        instant = instant_of(parse_wall_time(starts_at), zone_name, fold)
        now = self.clock()
        if instant <= now:
            raise InvalidInputError("that time has passed; choose a time ahead", field="startsAt")
        if instant - now > HORIZON:
            raise InvalidInputError(
                "meetings can be planned at most %(days)s days ahead", field="startsAt",
                values={"days": HORIZON.days},
            )
        return instant

    def _hours(self, mentor_id: UUID, actor: Actor) -> VolunteerHours:
        hours_id = VolunteerHours.create_id(mentor_id)
        return self.find(hours_id, VolunteerHours) or VolunteerHours(
            mentor_id=mentor_id, actor=actor
        )


def _member_of(relationship: Relationship, caller: Caller) -> None:
    if not relationship.involves(caller.member_id):
        raise ForbiddenError("only the relationship's two members can do this", field="role")


def _require_open(relationship: Relationship) -> None:
    if not relationship.is_open_for_meetings:
        raise ConflictError(
            "the relationship is %(status)s; meetings are arranged while it is accepted, "
            "active or paused", field="status", values={"status": relationship.status},
        )
