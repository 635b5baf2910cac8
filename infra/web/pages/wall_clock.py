"""The meeting form's local times that clocks skip or repeat, said in the reader's words.

The meetings service decides (`instant_of`: a skipped time is refused, a repeated one needs
`fold`); this module only words its refusal for the form: which of the two instants a repeated
time can mean ("the first time (EDT, UTC-4) or the second (EST, UTC-5)?", with a true minus
sign), and why a skipped time does not exist, beside the start time field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates

from infra.web.pages.distance import duration
from services.errors import InvalidInputError

__all__ = ["RepeatedTime", "repeated_time", "worded_refusal"]

_MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class RepeatedTime:
    """A local time clocks show twice: the question, and each answer's clock (fold 0, 1)."""

    question: str
    first: str
    second: str


def _wall(values: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(f"{values.get('date', '')}T{values.get('time', '')}")
    except ValueError:
        return None


def _utc_offset(offset: timedelta | None) -> str:
    """UTC-4 (with a minus sign), UTC+5:30, UTC."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{_MINUS if minutes < 0 else '+'}{hours}{f':{rest:02d}' if rest else ''}"


def _clock_name(moment: datetime, locale: str) -> str:
    """EDT, UTC-4 where the locale has an abbreviation for the zone, else UTC-4 alone."""
    offset = _utc_offset(moment.utcoffset())
    short = str(dates.get_timezone_name(moment, "short", locale=locale))
    if any(character.isdigit() for character in short):
        return offset  # a locale without a name for it gives an offset such as -0400
    return f"{short}, {offset}"


def _both(wall: datetime, time_zone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone)
    return wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)


def _said(wall: datetime, time_zone: str, locale: str) -> dict[str, str]:
    return {
        "time": dates.format_time(wall, "short", locale=locale),
        "date": dates.format_skeleton("MMMMd", wall, locale=locale),
        "place": str(dates.get_timezone_location(ZoneInfo(time_zone), locale=locale,
                                                 return_city=True)),
    }


def repeated_time(
    values: Mapping[str, Any], time_zone: str, locale: str, gettext: Callable[[str], str],
) -> RepeatedTime | None:
    """The form's date and time, when clocks in `time_zone` show it twice (else None)."""
    wall = _wall(values)
    if wall is None:
        return None
    earlier, later = _both(wall, time_zone)
    if (earlier.utcoffset() or timedelta()) <= (later.utcoffset() or timedelta()):
        return None  # one instant, or none (a skipped time: clocks go forward)
    first, second = _clock_name(earlier, locale), _clock_name(later, locale)
    question = gettext("%(time)s happens twice on %(date)s in %(place)s: the first time "
                       "(%(first)s) or the second (%(second)s)?")
    return RepeatedTime(
        question=question % {**_said(wall, time_zone, locale), "first": first,
                             "second": second},
        first=gettext("The first time (%(clock)s)") % {"clock": first},
        second=gettext("The second time (%(clock)s)") % {"clock": second},
    )


def worded_refusal(
    refused: InvalidInputError, values: Mapping[str, Any], time_zone: str, locale: str,
    gettext: Callable[[str], str],
) -> dict[str, str] | None:
    """The service's refusal of a skipped or repeated local time as the form's errors, beside
    the field the person changes; None for any other refusal."""
    wall = _wall(values)
    if wall is None:
        return None
    if refused.field == "fold":
        repeated = repeated_time(values, time_zone, locale, gettext)
        return {"fold": repeated.question} if repeated else None
    if refused.field == "startsAt" and {"before", "after"} <= refused.values.keys():
        earlier, later = _both(wall, time_zone)
        # In a skipped hour fold 0 reads the clock as before the change, fold 1 as after it.
        shift = (later.utcoffset() or timedelta()) - (earlier.utcoffset() or timedelta())
        words = gettext("Start time: %(time)s does not exist on %(date)s in %(place)s, as "
                        "clocks go forward %(shift)s then (from %(before)s to %(after)s). "
                        "Choose another start time.")
        return {"time": words % {
            **_said(wall, time_zone, locale), "shift": duration(_minutes(shift), locale),
            "before": _utc_offset(earlier.utcoffset()), "after": _utc_offset(later.utcoffset()),
        }}
    return None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
