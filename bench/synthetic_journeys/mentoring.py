"""Mentoring: an entrepreneur asks a mentor (one request at a time), the mentor answers or the
request expires, and an accepted relationship starts, pauses, resumes and closes, each step
recorded with both members' caseloads as `Mentoring` records it."""

from __future__ import annotations

from bench.synthetic_journeys.accounts import AccountSteps
from bench.synthetic_journeys.assessments import AssessmentSteps
from bench.synthetic_journeys.conversations import ConversationSteps
from bench.synthetic_journeys.meetings import MeetingSteps
from bench.synthetic_journeys.people import DAY, Entrepreneur, Mentor, Pair, Person
from services.actor import Actor
from services.impact.domain import Activation, add_months
from services.mentoring.domain import Caseload, Relationship
from services.mentoring.values import CURRENT, DeclineReason, RelationshipStatus, WithdrawalCause

EXPIRY_ACTOR = Actor(kind="system", id="mentoring-expiry")
_INTRODUCTIONS = [
    "I run a small workshop and want to sell to shops abroad, but I do not know how to price "
    "export orders or how to finance the first large one.",
    "We grew from two to six people this year and I am struggling to plan cash flow; your "
    "experience in finance for small manufacturers would help a lot.",
    "My online shop gets visitors but few buy. I would love advice on marketing and on how to "
    "turn social media followers into customers.",
    "I am about to sign my first contract with a supermarket chain and want someone who has "
    "negotiated such deals to look at the terms with me.",
]
_END_REASONS = ["We did not find a good rhythm.", "My business closed for the season.",
                "I found help closer to home."]


class MentoringSteps(AccountSteps, AssessmentSteps, MeetingSteps, ConversationSteps):
    """A relationship's steps set the other journeys going (messages, meetings, surveys,
    self-assessments, suspensions): those are its bases."""

    # Requests -------------------------------------------------------------------------------

    def _pick_mentor(self, entrepreneur: Entrepreneur) -> Mentor | None:
        if not self.ready_mentors:
            return None
        languages = set(entrepreneur.place.languages)
        for tries in range(40):
            mentor = self.rng.choice(self.ready_mentors)
            if (mentor.current < mentor.capacity and mentor.id not in entrepreneur.asked
                    and not mentor.member.suspended
                    and (tries >= 20 or languages.intersection(mentor.place.languages))):
                return mentor
        return None

    def _caseload(self, person: Person, actor: Actor) -> Caseload:
        if person.caseload is None:
            person.caseload = Caseload(member_id=person.id, actor=actor)
        return person.caseload

    def _request(self, entrepreneur: Entrepreneur) -> None:
        if entrepreneur.pair is not None or entrepreneur.member.suspended:
            return
        mentor = self._pick_mentor(entrepreneur)
        entrepreneur.attempts += 1
        if mentor is None:
            if entrepreneur.attempts < 6:
                self.after(self.days(3, 10), self._request, entrepreneur)
            return
        actor = self.member_actor(entrepreneur)
        with self.seeded_id():
            relationship = Relationship(
                mentee_id=entrepreneur.id, mentor_id=mentor.id,
                introduction=self.rng.choice(_INTRODUCTIONS), requested_at=self.now,
                expires_at=self.now + self.settings.request_expiry_days * DAY, actor=actor)
        pair = Pair(relationship, entrepreneur, mentor)
        entrepreneur.pair = pair
        entrepreneur.asked.add(mentor.id)
        self.relationship_ids.append(relationship.id)
        self._transition(pair, actor)
        expiry = self.settings.request_expiry_days
        outcome = self.rng.random()
        if outcome < 0.62:
            self.after(self.days(0.05, min(10, expiry - 0.1)), self._accept, pair)
        elif outcome < 0.75:
            self.after(self.days(0.05, min(9, expiry - 0.1)), self._decline, pair)
        elif outcome < 0.80:
            self.after(self.days(0.5, min(10, expiry - 0.1)), self._withdraw, pair)
        else:  # the daily expiry job finds it
            self.at(relationship.expires_at + self.days(0, 1), self._expire, pair)

    def _transition(self, pair: Pair, actor: Actor) -> None:
        """Records the relationship with both members' caseloads, as `Mentoring` does."""
        relationship = pair.relationship
        caseloads = [self._caseload(pair.mentee, actor), self._caseload(pair.mentor, actor)]
        for caseload in caseloads:
            caseload.note(relationship, self.now, actor)
        self.record(relationship, *caseloads)

    def _closed(self, pair: Pair, retry: float) -> None:
        """The request or relationship is over: the entrepreneur may look for another."""
        entrepreneur = pair.mentee
        entrepreneur.pair = None
        if entrepreneur.attempts < 5 and self.chance(retry):
            self.after(self.days(1, 14), self._request, entrepreneur)

    def _accept(self, pair: Pair) -> None:
        relationship, mentor = pair.relationship, pair.mentor
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        if mentor.current >= mentor.capacity:
            self._decline(pair, DeclineReason.TOO_BUSY)
            return
        actor = self.member_actor(mentor)
        relationship.accept(self.now, actor)
        mentor.current += 1
        self._transition(pair, actor)
        if self.chance(0.97):
            self.after(self.days(0.1, 10), self._start, pair)
        else:
            self.after(self.days(10, 20), self._end, pair, pair.mentee)

    def _decline(self, pair: Pair, reason: DeclineReason | None = None) -> None:
        relationship = pair.relationship
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        actor = self.member_actor(pair.mentor)
        reason = reason or self.rng.choice(list(DeclineReason))
        note = "My calendar is full until spring." if self.chance(0.3) else ""
        relationship.decline(pair.mentor.id, reason, note, self.now, actor)
        self._transition(pair, actor)
        self._closed(pair, retry=0.8)

    def _withdraw(self, pair: Pair) -> None:
        relationship = pair.relationship
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        actor = self.member_actor(pair.mentee)
        relationship.withdraw(WithdrawalCause.MENTEE, self.now, actor)
        self._transition(pair, actor)
        self._closed(pair, retry=0.5)

    def _expire(self, pair: Pair) -> None:
        if not pair.relationship.is_overdue(self.now):
            return
        pair.relationship.expire(self.now, EXPIRY_ACTOR)
        self._transition(pair, EXPIRY_ACTOR)
        self._closed(pair, retry=0.7)

    # Relationships --------------------------------------------------------------------------

    def _start(self, pair: Pair) -> None:
        relationship = pair.relationship
        if relationship.status is not RelationshipStatus.ACCEPTED:
            return
        actor = self.member_actor(pair.mentor if self.chance(0.6) else pair.mentee)
        relationship.start(self.now, actor)
        self._transition(pair, actor)
        pair.mentee.activations.append(Activation(relationship.id, self.now))
        lasting = self.days(90, 270)
        pair.closes_at = self.now + lasting
        for person in (pair.mentee, pair.mentor):
            person.engaged_until = max(person.engaged_until, pair.closes_at + 14 * DAY)
        self.after(self.days(0, 2), self._burst, pair)
        self.after(self.days(1, 10), self._propose_meeting, pair)
        if self.chance(0.2):
            self.after(lasting * self.rng.uniform(0.2, 0.8), self._pause, pair)
        self.at(pair.closes_at, self._close, pair)
        for months in self.settings.follow_up_months:
            if self.chance(0.6):
                self.at(add_months(self.now, months) + self.days(0, 21), self._follow_up,
                        pair.mentee, relationship.id, months)

    def _pause(self, pair: Pair) -> None:
        if pair.relationship.status is RelationshipStatus.ACTIVE:
            actor = self.member_actor(pair.mentee if self.chance(0.5) else pair.mentor)
            pair.relationship.pause(self.now, actor)
            self._transition(pair, actor)
            self.after(self.days(14, 42), self._resume, pair)

    def _resume(self, pair: Pair) -> None:
        if pair.relationship.status is RelationshipStatus.PAUSED:
            actor = self.member_actor(pair.mentee if self.chance(0.5) else pair.mentor)
            pair.relationship.resume(self.now, actor)
            self._transition(pair, actor)

    def _close(self, pair: Pair) -> None:
        relationship = pair.relationship
        if relationship.status not in (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED):
            return
        if self.chance(0.85):
            actor = self.member_actor(pair.mentor if self.chance(0.6) else pair.mentee)
            relationship.complete(self.now, actor)
            self._transition(pair, actor)
            self._finished(pair)
        else:
            self._end(pair, pair.mentee if self.chance(0.5) else pair.mentor)

    def _end(self, pair: Pair, by: Person) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        actor = self.member_actor(by)
        relationship.end(by.id, self.rng.choice(_END_REASONS), self.now, actor)
        self._transition(pair, actor)
        self._finished(pair)

    def _finished(self, pair: Pair) -> None:
        pair.mentor.current -= 1
        entrepreneur = pair.mentee
        self._closed(pair, retry=0.25)
        if entrepreneur.history is not None and self.chance(0.2):
            self.after(self.days(1, 30), self._self_assessment, entrepreneur)
        if self.chance(0.01):
            self.after(self.days(1, 30), self._suspend, entrepreneur)
