"""The story's data files beside this module, their shapes, and their reading.

The files are what a person edits to change the demo: programme.toml (the tenant, its staff),
mentors.toml, entrepreneurs.toml, relationships.toml (requests and what became of them,
reports) and conversations.toml (the words the members write). Each file is decoded into the
Structs below, which forbid unknown fields, so a typo or a wrong value fails loudly with the
file's name and the path to the bad field; `read_story` then checks that the files agree with
one another (every key names a person, every need has session notes, ...).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Annotated, Literal, TypeVar, get_args

import msgspec

from services.accounts.domain import Role
from services.impact.domain import RevenueBand
from services.mentoring.values import DeclineReason
from services.moderation.domain import Decision, ReportReason
from services.profiles.domain import WorkingHours
from services.programme.domain import ProgrammeSettings
from tenants.domain import Branding

__all__ = ["Story", "StoryFileError", "load_story", "read_story"]

Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
_ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
"""A time of day as HH:MM."""
Side = Literal["mentor", "mentee"]
_Texts = Annotated[list[str], msgspec.Meta(min_length=1)]
_Shape = TypeVar("_Shape")


class StoryFileError(ValueError):
    """A story file that cannot be read, or files that contradict one another."""


class _Data(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What every shape of the story files shares: unknown fields are mistakes."""


class Hours(_Data):
    start: _ClockTime = msgspec.field(name="from")
    end: _ClockTime = msgspec.field(name="to")
    days: list[Weekday] = msgspec.field(default_factory=lambda: list(_WEEKDAYS[:5]))

    def working_hours(self) -> WorkingHours:
        return WorkingHours(
            start=time.fromisoformat(self.start), end=time.fromisoformat(self.end),
            weekdays=[_WEEKDAYS.index(day) for day in self.days],
        )


class Moment(_Data):
    """A moment of the story: a story day and an hour (UTC) of it."""

    day: int
    hour: int = 0


# programme.toml ------------------------------------------------------------------------------


class Staff(_Data):
    key: str
    name: str
    email: str
    roles: list[Role]
    sign_in: str = ""
    joins: Moment | None = None
    """None: created last, at the end of the story, completing it."""


class Programme(_Data):
    slug: str
    name: str
    password: str
    story_days: int
    seed: int
    meeting_link: str
    branding: Branding
    settings: ProgrammeSettings
    staff: list[Staff]


# mentors.toml and entrepreneurs.toml -----------------------------------------------------------


class _Person(_Data, kw_only=True):
    key: str
    name: str
    email: str
    sign_in: str = ""
    locale: str
    country: str
    time_zone: str
    languages: list[str]
    programme: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split(maxsplit=1)[0]


class Mentor(_Person, kw_only=True):
    expertise: list[str]
    industries: list[str]
    countries_of_experience: list[str]
    capacity: int
    monthly_hours: int
    working_hours: Hours
    employer: str
    employee_id: str
    headline: str
    bio: str
    joins: int | None = None
    """None: two days after the mentor before, at the latest eight before their first request."""


class Revenue(_Data):
    """A yearly revenue: an amount (as text, exact) in a currency, or a band."""

    amount: Decimal | None = None
    currency: str = ""
    band: RevenueBand | None = None

    def __post_init__(self) -> None:
        given = (self.amount is not None, bool(self.currency), self.band is not None)
        if given not in ((True, True, False), (False, False, True)):
            msg = "give either an amount with its currency, or a band"
            raise ValueError(msg)


class Entrepreneur(_Person, kw_only=True):
    city: str
    joins: int
    business: str
    website: str = ""
    stage: str
    industry: str
    employees: int
    part_time_employees: int
    revenue: Revenue
    needs: Annotated[list[str], msgspec.Meta(min_length=1)]
    closed_by_follow_up: int | None = None
    """The business has closed by the follow-up this many months in."""
    description: str
    challenges: str
    goals: str
    working_hours: Hours = msgspec.field(
        default_factory=lambda: Hours(start="08:00", end="18:00"))


class _Mentors(_Data):
    mentors: list[Mentor]


class _Entrepreneurs(_Data):
    entrepreneurs: list[Entrepreneur]


# relationships.toml --------------------------------------------------------------------------


class Declined(_Data):
    day: int
    reason: DeclineReason
    note: str


class Ended(_Data):
    day: int
    by: Side
    reason: str


class ScriptedMessage(_Data):
    hours_after_acceptance: float
    by: Side
    text: str


class MisconductReport(_Data):
    hours_after_acceptance: float
    reason: ReportReason
    message_number: int
    details: str


class Misconduct(_Data):
    """The mentor misbehaves instead of mentoring, and the mentee reports it."""

    messages: list[ScriptedMessage]
    report: MisconductReport


class Pairing(_Data):
    """One mentoring request and what became of it (story days)."""

    mentor: str
    mentee: str
    requested: int
    accepted: int | None = None
    started: int | None = None
    paused: int | None = None
    completed: int | None = None
    withdrawn: int | None = None
    declined: Declined | None = None
    ended: Ended | None = None
    upcoming_meetings: list[int] = msgspec.field(default_factory=list)
    """Days ahead of today of the next meetings; none: one, three to fifteen days ahead."""
    first_upcoming_accepted: bool = False
    misconduct: Misconduct | None = None


class Decided(_Data):
    by: str
    day: int
    hour: int
    decision: Decision
    note: str


class Report(_Data):
    by: str
    about: str
    day: int
    hour: int
    reason: ReportReason
    details: str
    decided: Decided | None = None


class _Relationships(_Data):
    pairings: list[Pairing]
    reports: list[Report] = msgspec.field(default_factory=list)


# conversations.toml --------------------------------------------------------------------------


class Conversation(_Data):
    welcome: _Texts
    reply: _Texts
    proposal: _Texts
    thanks: _Texts
    encourage: _Texts


class SessionNotes(_Data):
    agenda: str
    summary: str
    agreements: str
    next_steps: str


class Words(_Data):
    introductions: dict[str, str]
    conversations: dict[str, Conversation]
    sessions: dict[str, Annotated[list[SessionNotes], msgspec.Meta(min_length=1)]]


# The whole story -----------------------------------------------------------------------------


class Story(msgspec.Struct, frozen=True, kw_only=True):
    programme: Programme
    mentors: list[Mentor]
    entrepreneurs: list[Entrepreneur]
    pairings: list[Pairing]
    reports: list[Report]
    words: Words

    @property
    def closing_staff(self) -> Staff:
        """The staff member created last: their account says the story is complete."""
        return next(member for member in self.programme.staff if member.joins is None)

    @property
    def first_staff(self) -> Staff:
        """The story's first member: their account alone says a story was cut short."""
        joining = [(member.joins.day, member.joins.hour, index, member)
                   for index, member in enumerate(self.programme.staff) if member.joins]
        return min(joining)[-1]

    @property
    def sign_ins(self) -> tuple[tuple[str, str], ...]:
        """(who, e-mail) of the sign-ins `ithaca demo` prints: staff, mentors, entrepreneurs."""
        people: list[Staff | _Person] = [
            *self.programme.staff, *self.mentors, *self.entrepreneurs]
        return tuple((person.sign_in, person.email) for person in people if person.sign_in)


def _read(directory: Traversable, name: str, shape: type[_Shape]) -> _Shape:
    try:
        return msgspec.toml.decode(directory.joinpath(name).read_text(encoding="utf-8"),
                                   type=shape)
    except (OSError, msgspec.DecodeError) as error:
        raise StoryFileError(f"{name}: {error}") from error


def read_story(directory: Traversable) -> Story:
    """The story told by the files in `directory`; a `StoryFileError` names what is wrong."""
    relationships = _read(directory, "relationships.toml", _Relationships)
    story = Story(
        programme=_read(directory, "programme.toml", Programme),
        mentors=_read(directory, "mentors.toml", _Mentors).mentors,
        entrepreneurs=_read(directory, "entrepreneurs.toml", _Entrepreneurs).entrepreneurs,
        pairings=relationships.pairings, reports=relationships.reports,
        words=_read(directory, "conversations.toml", Words),
    )
    _check_agreement(story)
    return story


@cache
def load_story() -> Story:
    """The demo's story: the files beside this module, read once."""
    return read_story(files("infra.demo"))


def _check_agreement(story: Story) -> None:
    """The files name one another's people, areas and languages: each name must exist."""
    staff = {member.key for member in story.programme.staff}
    mentors = {mentor.key for mentor in story.mentors}
    entrepreneurs = {entrepreneur.key for entrepreneur in story.entrepreneurs}
    words = story.words
    problems = [
        f"relationships.toml: pairings[{index}]: no {side} '{key}'"
        for index, pairing in enumerate(story.pairings)
        for side, key, known in (("mentor", pairing.mentor, mentors),
                                 ("mentee", pairing.mentee, entrepreneurs))
        if key not in known
    ]
    joins = {mentor.key: mentor.joins for mentor in story.mentors if mentor.joins is not None}
    joins |= {entrepreneur.key: entrepreneur.joins for entrepreneur in story.entrepreneurs}
    problems += [
        f"relationships.toml: pairings[{index}]: requested on day {pairing.requested}, "
        f"before '{key}' joins (day {joins[key]})"
        for index, pairing in enumerate(story.pairings) for key in (pairing.mentor, pairing.mentee)
        if joins.get(key, -1) >= pairing.requested
    ]
    problems += [
        f"relationships.toml: reports[{index}]: no member '{key}'"
        for index, report in enumerate(story.reports)
        for key in (report.by, report.about, *([report.decided.by] if report.decided else []))
        if key not in staff | mentors | entrepreneurs
    ]
    problems += [
        f"entrepreneurs.toml: {entrepreneur.key}: no session notes for the need '{need}' in "
        "conversations.toml"
        for entrepreneur in story.entrepreneurs for need in entrepreneur.needs
        if need not in words.sessions
    ]
    if set(words.introductions) != set(words.conversations) or "en" not in words.conversations:
        problems.append("conversations.toml: introductions and conversations need the same "
                        "languages, English among them")
    if sum(member.joins is None for member in story.programme.staff) != 1:
        problems.append("programme.toml: exactly one staff member has no `joins` (the last)")
    if not any(member.joins is not None for member in story.programme.staff):
        problems.append("programme.toml: a staff member joins first (has `joins`)")
    if problems:
        raise StoryFileError("; ".join(problems))
