"""A tenant's programme: the rules mentoring runs by, and the self-assessment questionnaire.

Each tenant has one stream, so each lives in one aggregate per stream with a fixed id. Before a
tenant admin first changes them, the defaults apply (`ProgrammeSettings()`, and the built-in
questionnaire as version 1); nothing needs to be stored for a new tenant to work.
"""

from __future__ import annotations

import re
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import InvalidInputError

__all__ = [
    "DEFAULT_QUESTIONNAIRE_VERSION",
    "FOLLOW_UP_MONTHS_MAX",
    "PROGRAMMES_MAX",
    "ProgrammeConfiguration",
    "ProgrammeSettings",
    "Questionnaire",
    "QuestionnaireArea",
]

_NAMESPACE = UUID("5b8e1c2a-0f4d-4e9b-a1c7-3d6f2e8b9c04")

DEFAULT_QUESTIONNAIRE_VERSION = 1
"""The built-in questionnaire's version; a tenant's first own version is 2."""
REQUEST_EXPIRY_DAYS = (1, 90)
MAX_OPEN_REQUESTS = (1, 20)
FOLLOW_UP_MONTHS_MAX = 36
FOLLOW_UP_COUNT_MAX = 6
PROGRAMMES_MAX = 50
_PROGRAMME_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def _default_follow_ups() -> list[int]:
    return [3, 6]


class ProgrammeSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The rules one tenant's mentoring runs by.

    `request_expiry_days`: an unanswered mentoring request expires after this many days.
    `max_open_requests`: how many unanswered requests an entrepreneur may have at once.
    `follow_up_months`: months after a relationship becomes active when impact follow-ups fall due
    (for never-mentored entrepreneurs: after their baseline survey).
    `language_filter`: whether entrepreneurs only see mentors sharing one of their languages.
    `corporate`: an employer's volunteering programme: mentors give employer and employee id.
    `programmes`: the named tracks or cohorts the tenant runs (slugs such as
    `women-in-business-2026`); a profile may name one, and dashboards filter by it.
    """

    request_expiry_days: int = 14
    max_open_requests: int = 5
    follow_up_months: list[int] = msgspec.field(default_factory=_default_follow_ups)
    language_filter: bool = True
    corporate: bool = False
    programmes: list[str] = msgspec.field(default_factory=list)

    def validated(self) -> ProgrammeSettings:
        _within(self.request_expiry_days, REQUEST_EXPIRY_DAYS, "requestExpiryDays")
        _within(self.max_open_requests, MAX_OPEN_REQUESTS, "maxOpenRequests")
        if len(self.follow_up_months) > FOLLOW_UP_COUNT_MAX:
            raise InvalidInputError(
                "at most %(most)s follow-ups", field="followUpMonths",
                values={"most": FOLLOW_UP_COUNT_MAX},
            )
        previous = 0
        for index, months in enumerate(self.follow_up_months):
            field = f"followUpMonths[{index}]"
            _within(months, (1, FOLLOW_UP_MONTHS_MAX), field)
            if months <= previous:
                raise InvalidInputError(
                    "follow-up months must be in ascending order without repeats", field=field
                )
            previous = months
        _check_programmes(self.programmes)
        return self


def _check_programmes(programmes: list[str]) -> None:
    if len(programmes) > PROGRAMMES_MAX:
        raise InvalidInputError("at most %(most)s programmes", field="programmes",
                                values={"most": PROGRAMMES_MAX})
    for index, slug in enumerate(programmes):
        field = f"programmes[{index}]"
        if not _PROGRAMME_SLUG.match(slug):
            raise InvalidInputError(
                "must be 1 to 60 lower-case letters, digits and inner hyphens "
                "(e.g. women-in-business-2026)", field=field,
            )
        if slug in programmes[:index]:
            raise InvalidInputError("'%(code)s' is listed twice", field=field,
                                    values={"code": slug})


def _within(value: int, bounds: tuple[int, int], field: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInputError("must be from %(least)s to %(most)s, not %(value)s",
                                field=field, values={"least": low, "most": high, "value": value})


class ProgrammeConfiguration(Aggregate):
    """The tenant's programme settings, as tenant admins changed them."""

    ID = uuid5(_NAMESPACE, "programme-configuration")

    class Started(Aggregate.Created):
        actor: Actor

    class SettingsChanged(Aggregate.Event):
        settings: ProgrammeSettings
        actor: Actor
        reason: str = ""
        """Why, as the tenant admin gave it (optional)."""

    @staticmethod
    def create_id() -> UUID:
        return ProgrammeConfiguration.ID

    @event(Started)
    def __init__(self, actor: Actor) -> None:
        self.settings = ProgrammeSettings()

    @event(SettingsChanged)
    def change(self, settings: ProgrammeSettings, actor: Actor, reason: str = "") -> None:
        self.settings = settings


class QuestionnaireArea(msgspec.Struct, frozen=True, kw_only=True):
    """One business area of the self-assessment: an expertise code and its question, by
    interface locale (English is the fallback)."""

    area: str
    question: dict[str, str]

    def text(self, locale: str) -> str:
        return self.question.get(locale) or self.question.get("en") or next(
            iter(self.question.values()), self.area
        )


class Questionnaire(Aggregate):
    """The tenant's own self-assessment questionnaire, version by version. Submissions name
    the version they answered, so old answers keep their meaning."""

    ID = uuid5(_NAMESPACE, "questionnaire")

    class Started(Aggregate.Created):
        actor: Actor

    class Published(Aggregate.Event):
        version: int
        areas: list[QuestionnaireArea]
        actor: Actor
        reason: str = ""
        """Why, as the tenant admin gave it (optional)."""

    @staticmethod
    def create_id() -> UUID:
        return Questionnaire.ID

    @event(Started)
    def __init__(self, actor: Actor) -> None:
        self.version = DEFAULT_QUESTIONNAIRE_VERSION
        self.areas: list[QuestionnaireArea] = []

    def publish(self, areas: list[QuestionnaireArea], actor: Actor, reason: str = "") -> None:
        self._publish(version=self.version + 1, areas=areas, actor=actor, reason=reason)

    @event(Published)
    def _publish(self, version: int, areas: list[QuestionnaireArea], actor: Actor,
                 reason: str = "") -> None:
        self.version, self.areas = version, areas
