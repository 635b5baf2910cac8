"""The demo's meetings: a started pair meets every three to four weeks at an hour that is
daytime for both; each meeting is proposed about a week ahead, accepted (now and then moved to
the next day first, or called off), held, logged by one and confirmed by the other, with the
messages around it. A pair still open today has its next meetings proposed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from infra.demo.data import Conversation, Entrepreneur, Mentor, Pairing, SessionNotes
from infra.demo.stage import Stage

__all__ = ["plan_meetings"]


def plan_meetings(
    stage: Stage, index: int, pairing: Pairing, label: str, opened: datetime,
    closed: datetime | None, texts: Conversation,
) -> None:
    mentor, mentee = stage.mentors[pairing.mentor], stage.entrepreneurs[pairing.mentee]
    until = closed or stage.now
    starts = _meeting_time((opened + timedelta(days=7 + index % 4)).date(), mentor, mentee)
    number = 0
    while starts + timedelta(days=2) < until:
        _plan_held_meeting(stage, index, number, label, mentor, mentee, starts, texts)
        number += 1
        starts = _meeting_time(
            (starts + timedelta(days=stage.rng.randint(18, 30))).date(), mentor, mentee)
    if closed is not None:
        return
    upcoming = [stage.rng.randint(3, 15)]
    if pairing.upcoming_meetings:
        upcoming = pairing.upcoming_meetings
    for offset, ahead in enumerate(upcoming):
        starts = _meeting_time((stage.now + timedelta(days=ahead)).date(), mentor, mentee)
        meeting = f"{label}:upcoming:{offset}"
        proposed = stage.now - timedelta(days=2 - offset, hours=index % 5)
        _propose(stage, proposed, meeting, label, mentor.key, starts, mentee, number + offset)
        stage.say(proposed + timedelta(minutes=15), label, mentor.key,
                  texts.proposal[index % 2])
        if offset == 0 and (index % 2 == 0 or pairing.first_upcoming_accepted):
            _answer(stage, proposed + timedelta(hours=6), meeting, mentee.key)


def _meeting_time(day: date, mentor: Mentor, mentee: Entrepreneur) -> datetime:
    """An hour on one of the mentor's working days that is daytime for both."""
    hours = mentor.working_hours.working_hours()
    while day.weekday() not in hours.weekdays:
        day += timedelta(days=1)
    theirs, yours = ZoneInfo(mentor.time_zone), ZoneInfo(mentee.time_zone)
    fallback = None
    for hour in range(24):
        instant = datetime.combine(day, time(hour), UTC)
        at_mentor, at_mentee = instant.astimezone(theirs), instant.astimezone(yours)
        if not (8 <= at_mentee.hour < 20 and 8 <= at_mentor.hour < 21):
            continue
        if hours.start <= at_mentor.time() and at_mentor.hour < hours.end.hour:
            return instant
        fallback = fallback or instant
    return fallback or datetime.combine(day, time(12), UTC)


def _session_notes(stage: Stage, mentee: Entrepreneur, number: int) -> SessionNotes:
    """A pair works through the mentee's needs in turn, and through each need's notes."""
    sessions = stage.story.words.sessions[mentee.needs[number % len(mentee.needs)]]
    return sessions[(number // len(mentee.needs)) % len(sessions)]


def _propose(
    stage: Stage, when: datetime, meeting: str, label: str, proposer: str, starts: datetime,
    mentee: Entrepreneur, number: int,
) -> None:
    agenda = _session_notes(stage, mentee, number).agenda
    duration = 60 if number % 3 else 45
    wall = stage.wall_time(proposer, mentee, starts)

    def proposes() -> None:
        caller = stage.caller(proposer)
        relationship = stage.mentoring.get_relationship(stage.ids[label], caller)
        proposed, _ = stage.meetings.propose(
            relationship, caller, stage.locator, starts_at=wall, time_zone=None, fold=None,
            duration_minutes=duration, agenda=agenda,
            video_link=f"{stage.story.programme.meeting_link}{mentee.key}-{number + 1}",
            actor=stage.actor(proposer),
        )
        stage.ids[meeting] = proposed.id

    stage.at(when, proposes)


def _answer(stage: Stage, when: datetime, meeting: str, key: str) -> None:
    """The member accepts the proposed meeting."""

    def answers() -> None:
        stage.meetings.accept(stage.ids[meeting], stage.caller(key), stage.actor(key))

    stage.at(when, answers)


def _plan_held_meeting(
    stage: Stage, index: int, number: int, label: str, mentor: Mentor, mentee: Entrepreneur,
    starts: datetime, texts: Conversation,
) -> None:
    """Proposed about a week ahead, accepted, held, logged by one and confirmed by the
    other; now and then moved by the other member first, or cancelled."""
    meeting = f"{label}:meeting:{number}"
    proposer, other = (mentor.key, mentee.key) if number % 3 != 2 else (
        mentee.key, mentor.key)
    proposed = starts - timedelta(days=6, hours=index % 5)
    _propose(stage, proposed, meeting, label, proposer, starts, mentee, number)
    stage.say(proposed + timedelta(minutes=20), label, proposer, texts.proposal[number % 2])
    if (index + number) % 11 == 5:  # accepted, then called off
        _answer(stage, proposed + timedelta(hours=5), meeting, other)
        _cancel(stage, starts - timedelta(days=2), meeting, proposer)
        return
    if (index + number) % 7 == 3:  # the other asks for the next day instead
        starts = _meeting_time((starts + timedelta(days=1)).date(), mentor, mentee)
        _reschedule(stage, proposed + timedelta(hours=4), meeting, other, starts, mentee)
        _answer(stage, proposed + timedelta(hours=20), meeting, proposer)
    else:
        _answer(stage, proposed + timedelta(hours=5), meeting, other)
    notes = _session_notes(stage, mentee, number)
    held = 60 if number % 3 else 45
    minutes = held + stage.rng.choice((-15, -10, -5, 0, 0, 5, 10))
    author, confirmer = (mentee.key, mentor.key) if number % 2 == 0 else (
        mentor.key, mentee.key)
    ended = starts + timedelta(minutes=held)

    def logs() -> None:
        stage.meetings.log_session(
            stage.ids[meeting], stage.caller(author), duration_minutes=minutes,
            summary=notes.summary, agreements=notes.agreements, next_steps=notes.next_steps,
            actor=stage.actor(author),
        )

    def confirms() -> None:
        stage.meetings.confirm_session(
            stage.ids[meeting], stage.caller(confirmer), stage.actor(confirmer))

    stage.at(ended + timedelta(minutes=25), logs)
    stage.at(ended + timedelta(hours=20 + index % 6), confirms)
    stage.say(ended + timedelta(hours=1), label, mentee.key,
              texts.thanks[number % len(texts.thanks)])
    if number % 2:
        stage.say(ended + timedelta(hours=30), label, mentor.key,
                  texts.encourage[number % len(texts.encourage)])


def _reschedule(
    stage: Stage, when: datetime, meeting: str, mover: str, starts: datetime,
    mentee: Entrepreneur,
) -> None:
    wall = stage.wall_time(mover, mentee, starts)

    def moves() -> None:
        stage.meetings.reschedule(
            stage.ids[meeting], stage.caller(mover), stage.locator, starts_at=wall,
            time_zone=None, fold=None, duration_minutes=None, actor=stage.actor(mover),
        )

    stage.at(when, moves)


def _cancel(stage: Stage, when: datetime, meeting: str, key: str) -> None:
    def cancels() -> None:
        stage.meetings.cancel(stage.ids[meeting], stage.caller(key), stage.actor(key))

    stage.at(when, cancels)
