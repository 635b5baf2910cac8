"""The words of a member's notification settings: categories, channels, frequencies, quiet hours.

Every notification kind belongs to one category. A member chooses, per category and channel,
how often to be told: at once, in a daily or weekly digest (e-mail only), or not at all.
Account and security mail (`Category.ACCOUNT`: address confirmation, password reset, moderation
decisions, erasure) cannot be turned off and is sent even in quiet hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from urllib.parse import urlencode, urlsplit, urlunsplit

from services.errors import InvalidInputError

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "Category",
    "Channel",
    "Frequency",
    "QuietHours",
    "default_frequency",
    "frequencies_for",
    "is_centre_key",
    "opening_link",
]


def is_centre_key(key: str) -> bool:
    """Whether `key` names a line of a notification centre: `<position>-<kind>`."""
    position, dash, kind = key.partition("-")
    return bool(dash and position.isdigit() and kind)


def opening_link(key: str, link: str) -> str:
    """The centre's link that marks the line read and goes on to `link`'s page: on the same
    site (`link`'s host, or none for a path), through the page `/notifications/open`. Empty
    for a line that links nowhere."""
    if not link:
        return ""
    parts = urlsplit(link)
    to = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return urlunsplit((parts.scheme, parts.netloc, "/notifications/open",
                       urlencode({"key": key, "to": to}), ""))


class Category(StrEnum):
    ACCOUNT = "account"
    REQUESTS = "requests"
    """Mentoring requests and the relationships they start."""
    MESSAGES = "messages"
    MEETINGS = "meetings"
    SURVEYS = "surveys"
    PROGRAMME_NEWS = "programme_news"
    TIPS = "tips"
    """Nudges: a reminder of a next step, with why it was sent."""

    @property
    def essential(self) -> bool:
        """Cannot be turned off or deferred."""
        return self is Category.ACCOUNT


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


class Frequency(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


def frequencies_for(channel: Channel) -> tuple[Frequency, ...]:
    """Digests are mail: an SMS or the notification centre is told at once or not at all."""
    if channel is Channel.EMAIL:
        return tuple(Frequency)
    return (Frequency.INSTANT, Frequency.OFF)


def default_frequency(category: Category, channel: Channel) -> Frequency:
    """Mail and the notification centre at once; SMS only for what cannot wait (requests and
    meetings), and only once the member has verified a number and opted in."""
    if channel is Channel.SMS:
        sms_worthy = (Category.ACCOUNT, Category.REQUESTS, Category.MEETINGS)
        return Frequency.INSTANT if category in sms_worthy else Frequency.OFF
    return Frequency.INSTANT


_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time in which only essential mail is sent; `start` after `end`
    spans midnight (the default, 21:00 to 08:00). Equal times: no quiet hours."""

    start: time
    end: time

    @staticmethod
    def parse(start: str, end: str) -> QuietHours:
        return QuietHours(
            _clock_time(start, "quietHours.start"), _clock_time(end, "quietHours.end")
        )

    def covers(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def as_text(self) -> tuple[str, str]:
        return self.start.strftime("%H:%M"), self.end.strftime("%H:%M")


def _clock_time(text: str, field: str) -> time:
    match = _CLOCK_TIME.match(text)
    if match is None:
        raise InvalidInputError("must be a time of day as HH:MM (24-hour clock)", field=field)
    return time(int(match.group(1)), int(match.group(2)))


DEFAULT_QUIET_HOURS = QuietHours(time(21, 0), time(8, 0))
