"""The nudges Ithaca knows, and how a tenant words them.

A nudge is one kind of due work (`infra.scheduling.work`) of the category `TIPS`: its key is
the kind. Most are the nudges feature's (`services.nudges.notifications`); `request_unanswered`
and `survey_overdue` are mentoring's and impact's, listed here so that admins see, switch and
word all nudges in one place.
"""

from __future__ import annotations

import re

import msgspec

from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "BODY_MAX",
    "NO_MESSAGE",
    "NO_REQUEST",
    "NO_SESSION_14",
    "NO_SESSION_28",
    "NUDGES",
    "PLACEHOLDERS",
    "PROFILE_INCOMPLETE",
    "REQUEST_UNANSWERED",
    "SUBJECT_MAX",
    "SURVEY_OVERDUE",
    "WORD_LOCALES",
    "NudgeSetting",
    "NudgeWords",
    "fill",
    "placeholders_in",
]

PROFILE_INCOMPLETE = "profile_incomplete"
NO_REQUEST = "no_request"
REQUEST_UNANSWERED = "request_unanswered"
NO_SESSION_14 = "no_session_14"
NO_SESSION_28 = "no_session_28"
NO_MESSAGE = "no_message"
SURVEY_OVERDUE = "survey_overdue"

PLACEHOLDERS: dict[str, frozenset[str]] = {
    PROFILE_INCOMPLETE: frozenset({"name", "product", "days"}),
    NO_REQUEST: frozenset({"name", "product", "days"}),
    REQUEST_UNANSWERED: frozenset({"name", "product", "days", "other"}),
    NO_SESSION_14: frozenset({"name", "product", "days", "other"}),
    NO_SESSION_28: frozenset({"name", "product", "days", "other"}),
    NO_MESSAGE: frozenset({"name", "product", "days", "other"}),
    SURVEY_OVERDUE: frozenset({"name", "product", "months", "due"}),
}
"""Each nudge, in the order admins see them, with the `%(name)s` placeholders its words may
use (the built-in words use the same)."""

NUDGES: tuple[str, ...] = tuple(PLACEHOLDERS)
WORD_LOCALES: tuple[str, ...] = INTERFACE_LOCALES
SUBJECT_MAX = 200
BODY_MAX = 2000

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class NudgeWords(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant's own words for a nudge in one language; an empty part is the built-in one."""

    subject: str = ""
    body: str = ""


class NudgeSetting(msgspec.Struct, frozen=True, kw_only=True):
    """One nudge as a tenant has it: on or off, and its own words by language."""

    on: bool = True
    words: dict[str, NudgeWords] = msgspec.field(default_factory=dict)

    def words_in(self, locale: str) -> NudgeWords:
        return self.words.get(locale, NudgeWords())

    def reworded(
        self, locale: str, words: dict[str, str], values: dict[str, str]
    ) -> dict[str, str]:
        """A mail's words (`subject`, `body`, ...: built-in, filled) with the tenant's own
        subject and body in `locale` where it set them."""
        own = self.words_in(locale)
        changed = {part: fill(text, values)
                   for part, text in (("subject", own.subject), ("body", own.body)) if text}
        return {**words, **changed}


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its known placeholders replaced; anything else (a lone `%`, a name it
    does not know) is left as written, so an admin's words can never break a mail."""
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)
