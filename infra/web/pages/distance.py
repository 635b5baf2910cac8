"""The distance aids on a relationship's page, in the reader's words: the other member's clock
now and how far it is from theirs, the working hours both share this week on the reader's
clock, clock changes that move a standing meeting, and the other's public holidays near each
meeting still to come.

The figures are the API's (`Meetings.distance`, as `GET /relationships/{id}/distance`); this
module only puts them into the reader's locale (babel) for `relationships/partials/distance.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from uuid import UUID
from zoneinfo import ZoneInfo

import holidays
from babel import dates, units

from infra.web.i18n import Formatter
from services.accounts.application import Caller
from services.meetings.application import Meetings
from services.meetings.domain import MeetingStatus
from services.meetings.places import Locator
from services.meetings.schemas import MeetingView
from services.mentoring.domain import Relationship

__all__ = [
    "ClockChangeWords", "DistanceAids", "SharedDay", "distance_aids", "duration", "place_name",
]

HOLIDAY_MARGIN = timedelta(days=2)
"""A holiday this many days either side of a meeting is worth knowing of (a long weekend)."""
MEETINGS_WITH_HOLIDAYS = 5
"""The nearest meetings to come whose surroundings are looked at (each is one look-up)."""
_HOLIDAY_LANGUAGES = {"en": "en_US"}
"""The holiday calendars' name for an interface language, where it differs."""
_EN_DASH = " \N{EN DASH} "
_OPEN = {MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED}


@dataclass(frozen=True)
class SharedDay:
    day: str
    windows: list[str]
    """Each span both are at work, on the reader's clock ("9:00 AM", an en dash, "11:00 AM")."""


@dataclass(frozen=True)
class ClockChangeWords:
    yours: bool
    """The reader's own clocks change (else the other member's)."""
    forward: bool
    day: str
    shift: str
    """By how much the clocks change ("1 hour")."""


@dataclass(frozen=True)
class Holiday:
    day: str
    name: str


@dataclass(frozen=True)
class DistanceAids:
    your_place: str
    """The reader's own clock, named in their language ("Spain (Madrid) Time")."""
    their_now: str
    """The other's clock now with the weekday and the place's name, in the reader's language."""
    their_zone_known: bool
    gap: str
    """How far their clock is from the reader's ("6 hours"); empty when it is the same."""
    ahead: bool
    working_hours_known: bool
    shared_days: list[SharedDay]
    clock_changes: list[ClockChangeWords]
    holidays_near: dict[UUID, list[Holiday]]
    """By meeting id: the other's public holidays within two days of it."""


def duration(minutes: int, locale: str) -> str:
    """6 hours, 5 hours 30 minutes, 45 minutes: in the reader's language (CLDR units)."""
    hours, rest = divmod(abs(minutes), 60)
    parts = [units.format_unit(hours, "duration-hour", locale=locale)] if hours else []
    if rest or not hours:
        parts.append(units.format_unit(rest, "duration-minute", locale=locale))
    return " ".join(parts)


def place_name(time_zone: str, locale: str) -> str:
    """A zone as people name it ("Indonesia (Jakarta) Time"), never its id."""
    return str(dates.get_timezone_location(ZoneInfo(time_zone), locale=locale))


def _clock(moment: datetime, locale: str) -> str:
    return dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)


def distance_aids(
    meetings: Meetings, relationship: Relationship, caller: Caller, locator: Locator,
    meeting_views: list[MeetingView], now: datetime, format: Formatter,
) -> DistanceAids:
    locale = format.locale
    view = meetings.distance(relationship, caller, locator, None, None)
    their_now = view.them.local_time
    return DistanceAids(
        your_place=place_name(format.time_zone, locale),
        their_now=format.time_in(their_now, view.them.time_zone),
        their_zone_known=view.them.from_profile,
        gap=duration(view.gap_minutes, locale) if view.gap_minutes else "",
        ahead=view.gap_minutes > 0,
        working_hours_known=view.working_hours_known,
        shared_days=[
            SharedDay(
                day=dates.format_skeleton("MMMEd", shared.date, locale=locale),
                windows=[f"{_clock(w.your_start, locale)}{_EN_DASH}{_clock(w.your_end, locale)}"
                         for w in shared.windows],
            )
            for shared in view.shared_hours
        ],
        clock_changes=[
            ClockChangeWords(
                yours=change.changes_for == "you",
                forward=change.moves_by_minutes < 0,
                day=dates.format_skeleton("yMMMEd", change.local_date, locale=locale),
                shift=duration(change.moves_by_minutes, locale),
            )
            for change in view.clock_changes
        ],
        holidays_near=_holidays_near(meetings, relationship, caller, locator, meeting_views,
                                     now, format),
    )


def _holidays_near(
    meetings: Meetings, relationship: Relationship, caller: Caller, locator: Locator,
    meeting_views: list[MeetingView], now: datetime, format: Formatter,
) -> dict[UUID, list[Holiday]]:
    coming = sorted((m for m in meeting_views if m.status in _OPEN and m.starts_at_utc > now),
                    key=lambda m: m.starts_at_utc)[:MEETINGS_WITH_HOLIDAYS]
    found: dict[UUID, list[Holiday]] = {}
    for meeting in coming:
        day: date = meeting.starts_at_utc.astimezone(format.zone).date()
        view = meetings.distance(relationship, caller, locator, day - HOLIDAY_MARGIN,
                                 day + HOLIDAY_MARGIN)
        if view.their_holidays:
            found[meeting.meeting_id] = [
                Holiday(day=dates.format_skeleton("MMMEd", holiday.date, locale=format.locale),
                        name=_holiday_names(holiday.country, holiday.date.year,
                                            format.locale).get(holiday.date, holiday.name))
                for holiday in view.their_holidays
            ]
    return found


@cache
def _holiday_names(country: str, year: int, locale: str) -> dict[date, str]:
    """The country's holidays named in the reader's language where the calendar has it (the
    API names them in English, for both members alike); empty otherwise."""
    language = _HOLIDAY_LANGUAGES.get(locale, locale)
    try:
        found = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return {}
    if language not in found.supported_languages:
        return {}
    return dict(holidays.country_holidays(country, years=year, language=language).items())
