"""The demo's mentoring: each pairing of relationships.toml is a request in the mentee's words,
then what became of it (accepted, started, paused, completed, ended, declined, withdrawn); a
started pair writes to each other and meets (infra.demo.meetings), and the mentee answers the
follow-up surveys; a misbehaving mentor is reported instead (infra.demo.moderation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from infra.demo.data import Entrepreneur, Mentor, Pairing, Side, Words
from infra.demo.impact import plan_follow_ups
from infra.demo.meetings import plan_meetings
from infra.demo.moderation import plan_misconduct
from infra.demo.stage import Stage
from services.taxonomy import expertise_name

__all__ = ["plan_pairing"]


def plan_pairing(stage: Stage, index: int, p: Pairing) -> None:
    mentor, mentee = stage.mentors[p.mentor], stage.entrepreneurs[p.mentee]
    label = f"relationship:{p.mentor}:{p.mentee}"
    words = stage.story.words
    hour = 9 + index % 9
    keys: dict[Side, str] = {"mentor": mentor.key, "mentee": mentee.key}

    def requested() -> None:
        stage.ids[label] = stage.mentoring.request_mentor(
            stage.ids[mentee.key], stage.ids[mentor.key], _introduction(words, mentor, mentee),
            stage.actor(mentee.key),
        ).relationship.id

    def transition(side: Side, command: Callable[..., object], *args: object) -> Callable[
            [], None]:
        key = keys[side]

        def act() -> None:
            command(stage.ids[label], stage.caller(key), *args, stage.actor(key))
        return act

    stage.at(stage.day(p.requested, hour), requested)
    if p.declined is not None:
        stage.at(stage.day(p.declined.day, hour + 2 + index % 7), transition(
            "mentor", stage.mentoring.decline, p.declined.reason, p.declined.note))
    if p.withdrawn is not None:
        stage.at(stage.day(p.withdrawn, hour + 1), transition(
            "mentee", stage.mentoring.withdraw))
    if p.accepted is None:
        return
    accepted_at = stage.day(p.accepted, hour + 1 + index * 5 % 13)
    stage.at(accepted_at, transition("mentor", stage.mentoring.accept))
    opened = accepted_at
    if p.started is not None:
        opened = stage.day(p.started, hour + 4)
        stage.at(opened, transition("mentee", stage.mentoring.start))
        plan_follow_ups(stage, mentee, opened, label)
    closed: datetime | None = None
    if p.paused is not None:
        closed = stage.day(p.paused, 11)
        stage.at(closed, transition("mentor", stage.mentoring.pause))
    if p.completed is not None:
        closed = stage.day(p.completed, 16)
        stage.at(closed, transition("mentor", stage.mentoring.complete))
    if p.ended is not None:
        closed = stage.day(p.ended.day, 15)
        stage.at(closed, transition(p.ended.by, stage.mentoring.end, p.ended.reason))
    if p.misconduct is not None:
        plan_misconduct(stage, label, keys, accepted_at, p.misconduct)
        return
    texts = words.conversations[pair_language(words, mentor, mentee)]
    names = {"mentor": mentor.first_name, "mentee": mentee.first_name}
    stage.say(opened + timedelta(hours=2), label, mentee.key,
              texts.welcome[index % 2].format(**names))
    stage.say(opened + timedelta(hours=7), label, mentor.key,
              texts.reply[index % 2].format(**names))
    plan_meetings(stage, index, p, label, opened, closed, texts)


def pair_language(words: Words, mentor: Mentor, mentee: Entrepreneur) -> str:
    """The language they write in: the mentee's first that the mentor speaks, with texts."""
    for language in mentee.languages:
        if language in mentor.languages and language in words.conversations:
            return language
    return "en"


def _introduction(words: Words, mentor: Mentor, mentee: Entrepreneur) -> str:
    language = pair_language(words, mentor, mentee)
    shared = [area for area in mentor.expertise if area in mentee.needs] or mentor.expertise
    challenges = mentee.challenges if language == mentee.locale else ""
    text = words.introductions[language].format(
        mentor=mentor.first_name, business=mentee.business, city=mentee.city,
        challenges=challenges, expertise=_lower_first(expertise_name(shared[0], language)),
    )
    return " ".join(text.split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
