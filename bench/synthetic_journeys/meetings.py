"""Meetings inside active relationships: proposed, answered (accepted, moved or declined),
sometimes cancelled, and mostly logged afterwards, which counts the mentor's volunteer hours."""

from __future__ import annotations

from bench.synthetic_journeys.people import HOUR, MINUTE, Mentor, Pair, Person
from bench.synthetic_journeys.simulation import Simulation
from services.actor import Actor
from services.meetings.domain import Meeting, MeetingIndex, MeetingStatus, VolunteerHours
from services.mentoring.values import CURRENT, RelationshipStatus

_AGENDAS = [
    "Review the export price list", "Cash-flow plan for the next quarter",
    "Supplier contract terms", "Marketing plan and social media", "Hiring the first salesperson",
]
_SUMMARIES = [
    "We went through the price list line by line and found two products sold at a loss.",
    "Agreed on a three-month cash-flow plan and a buffer for the rainy season.",
    "Reviewed the contract; the payment terms need to come down from 90 to 45 days.",
]


class MeetingSteps(Simulation):
    def _propose_meeting(self, pair: Pair) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        self.after(self.days(10, 25), self._propose_meeting, pair)
        if relationship.status is not RelationshipStatus.ACTIVE:
            return
        proposer, other = ((pair.mentee, pair.mentor) if self.chance(0.6)
                           else (pair.mentor, pair.mentee))
        actor = self.member_actor(proposer)
        if pair.index is None:
            pair.index = MeetingIndex(relationship_id=relationship.id, actor=actor)
        day = (self.now + self.days(2, 10)).replace(minute=0, second=0, microsecond=0)
        starts_at = day.replace(hour=self.rng.randint(7, 18),
                                minute=self.rng.choice([0, 30]))
        with self.seeded_id():
            meeting = Meeting(
                relationship_id=relationship.id, mentor_id=pair.mentor.id,
                mentee_id=pair.mentee.id, proposer_id=proposer.id, starts_at=starts_at,
                duration_minutes=self.rng.choice([30, 45, 60, 60, 90]),
                time_zone=proposer.place.zone, proposer_zone=proposer.place.zone,
                other_zone=other.place.zone, agenda=self.rng.choice(_AGENDAS),
                video_link="https://meet.example.org/m" if self.chance(0.5) else "",
                at=self.now, actor=actor)
        pair.index.add(meeting.id, actor)
        self.record(meeting, pair.index)
        self._answer_later(pair, meeting, other)

    def _answer_later(self, pair: Pair, meeting: Meeting, answerer: Person) -> None:
        room = (meeting.starts_at - self.now) / HOUR - 1
        if room <= 0.5:
            return
        when = self.rng.uniform(0.5, min(36, room)) * HOUR
        outcome = self.rng.random()
        if outcome < 0.82:
            self.after(when, self._accept_meeting, pair, meeting, answerer)
        elif outcome < 0.90 and meeting.sequence < 2:
            self.after(when, self._reschedule_meeting, pair, meeting, answerer)
        elif outcome < 0.95:
            self.after(when, self._decline_meeting, meeting, answerer)

    def _accept_meeting(self, pair: Pair, meeting: Meeting, by: Person) -> None:
        if (meeting.status is not MeetingStatus.PROPOSED or self.now >= meeting.starts_at
                or pair.relationship.status not in CURRENT):
            return
        meeting.accept(by.id, self.now, self.member_actor(by))
        self.record(meeting)
        if self.chance(0.04):
            room = (meeting.starts_at - self.now) / HOUR
            self.after(self.rng.uniform(0, room) * HOUR, self._cancel_meeting, meeting,
                       self.rng.choice([pair.mentee, pair.mentor]))
            return
        if self.chance(0.85):
            held = meeting.starts_at + meeting.duration_minutes * MINUTE
            author, other = ((pair.mentor, pair.mentee) if self.chance(0.8)
                             else (pair.mentee, pair.mentor))
            self.at(held + self.rng.uniform(0.1, 48) * HOUR, self._log_session, pair,
                    meeting, author, other)

    def _reschedule_meeting(self, pair: Pair, meeting: Meeting, by: Person) -> None:
        if meeting.status is not MeetingStatus.PROPOSED or pair.relationship.status not in CURRENT:
            return
        other = pair.mentor if by is pair.mentee else pair.mentee
        starts_at = meeting.starts_at + self.days(1, 5)
        meeting.reschedule(by.id, starts_at, meeting.duration_minutes, by.place.zone,
                           by.place.zone, other.place.zone, self.now, self.member_actor(by))
        self.record(meeting)
        self._answer_later(pair, meeting, other)

    def _decline_meeting(self, meeting: Meeting, by: Person) -> None:
        if meeting.status is MeetingStatus.PROPOSED:
            meeting.decline(by.id, self.now, self.member_actor(by))
            self.record(meeting)

    def _cancel_meeting(self, meeting: Meeting, by: Person) -> None:
        if meeting.status is MeetingStatus.ACCEPTED and meeting.session_log is None:
            meeting.cancel(by.id, self.now, self.member_actor(by))
            self.record(meeting)

    def _hours(self, mentor: Mentor, actor: Actor) -> VolunteerHours:
        if mentor.hours is None:
            mentor.hours = VolunteerHours(mentor_id=mentor.id, actor=actor)
        return mentor.hours

    def _log_session(
        self, pair: Pair, meeting: Meeting, author: Person, other: Person
    ) -> None:
        if meeting.status is not MeetingStatus.ACCEPTED or meeting.session_log is not None:
            return
        actor = self.member_actor(author)
        minutes = max(5, meeting.duration_minutes + self.rng.choice([-15, 0, 0, 0, 15, 30]))
        meeting.log_session(author.id, minutes, self.rng.choice(_SUMMARIES),
                            "Send the revised price list.", "Call two buyers.", self.now, actor)
        hours = self._hours(pair.mentor, actor)
        hours.count_session(meeting.id, minutes, actor)
        self.record(meeting, hours)
        if self.chance(0.75):
            self.after(self.rng.uniform(1, 120) * HOUR, self._confirm_session, pair, meeting,
                       other)

    def _confirm_session(self, pair: Pair, meeting: Meeting, by: Person) -> None:
        actor = self.member_actor(by)
        log = meeting.confirm_session(by.id, self.now, actor)
        hours = self._hours(pair.mentor, actor)
        hours.confirm_session(meeting.id, log.duration_minutes, actor)
        self.record(meeting, hours)
