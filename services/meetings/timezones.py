"""Wall clocks in two places: local times to instants and back, clock changes, shared hours.

Pure functions on `zoneinfo` (no I/O, no clock of their own): the meetings service passes
instants in, gets instants and local times out. A local wall time is a naive `datetime`; an
instant is an aware `datetime` in UTC.

A local time can name no instant (the hour skipped when clocks spring forward) or two (the hour
repeated when they fall back). The first is refused; the second needs the caller's `fold`
(0: the earlier instant, as before the change; 1: the later one), exactly as `datetime.fold`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from services.errors import InvalidInputError

__all__ = [
    "ClockChange",
    "GapChange",
    "Window",
    "clock_changes",
    "days_around",
    "gap_changes",
    "instant_of",
    "local",
    "offset_text",
    "parse_wall_time",
    "shared_windows",
    "working_windows",
    "zone",
]

_SCAN_STEP = timedelta(hours=12)
"""Clock changes are months apart; two in one half day exist nowhere in the tz database."""


@dataclass(frozen=True)
class Window:
    """A span of time, as instants (UTC)."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class ClockChange:
    """A zone's UTC offset changes at `at` (UTC) from `before` to `after`."""

    time_zone: str
    at: datetime
    before: timedelta
    after: timedelta

    @property
    def shift(self) -> timedelta:
        return self.after - self.before


@dataclass(frozen=True)
class GapChange:
    """A clock change in one of two zones that alters the difference between them.

    `gap_*` is the second zone's offset minus the first's. A standing meeting that stays at
    the same local time for the side whose clocks change moves by `-change.shift` for the other
    side (earlier when the changing side springs forward).
    """

    change: ClockChange
    changed_side: int  # 0: the first zone changed its clocks, 1: the second
    gap_before: timedelta
    gap_after: timedelta

    @property
    def moves_other_side_by(self) -> timedelta:
        return -self.change.shift


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str, *, field: str = "timeZone") -> zoneinfo.ZoneInfo:
    """The IANA zone of that name, or a 422 naming `field`."""
    if name not in _known_zones():
        raise InvalidInputError(
            "'%(zone)s' is not an IANA time zone (e.g. Europe/Madrid)", field=field,
            values={"zone": name},
        )
    return _zone(name)


def parse_wall_time(text: str, *, field: str = "startsAt") -> datetime:
    """A local wall time such as 2026-03-29T10:00 (no offset: the zone is given apart)."""
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "'%(text)s' is not a local date and time like 2026-03-29T10:00", field=field,
            values={"text": text},
        ) from None
    if wall.tzinfo is not None:
        raise InvalidInputError(
            "give the local wall time without an offset; the time zone is given in timeZone",
            field=field,
        )
    return wall


def instant_of(
    wall: datetime, time_zone: str, fold: int | None = None, *, field: str = "startsAt"
) -> datetime:
    """The instant (UTC) at which clocks in `time_zone` show `wall`.

    Refuses a wall time the zone skips; a wall time it repeats needs `fold`.
    """
    tz = zone(time_zone)
    earlier = wall.replace(tzinfo=tz, fold=0)
    later = wall.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier.astimezone(UTC)
    shown = earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if shown != wall:
        raise InvalidInputError(
            "%(time)s does not exist in %(zone)s: clocks skip that hour (they go from "
            "%(before)s to %(after)s); choose another time",
            field=field, values=_change_of_offset(wall, time_zone, earlier, later),
        )
    if fold is None:
        raise InvalidInputError(
            "%(time)s happens twice in %(zone)s as clocks go back: send fold 0 for the first "
            "(%(before)s) or fold 1 for the second (%(after)s)",
            field="fold", values=_change_of_offset(wall, time_zone, earlier, later),
        )
    return (later if fold else earlier).astimezone(UTC)


def _change_of_offset(
    wall: datetime, time_zone: str, earlier: datetime, later: datetime
) -> dict[str, object]:
    return {"time": f"{wall:%Y-%m-%d %H:%M}", "zone": time_zone,
            "before": offset_text(earlier.utcoffset()), "after": offset_text(later.utcoffset())}


def local(instant: datetime, time_zone: str) -> datetime:
    """The instant as clocks in `time_zone` show it (aware, with that zone's offset)."""
    return instant.astimezone(zone(time_zone))


def offset_text(offset: timedelta | None) -> str:
    """+02:00, -05:00, +05:45."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _offset(instant: datetime, tz: zoneinfo.ZoneInfo) -> timedelta:
    return instant.astimezone(tz).utcoffset() or timedelta()


def clock_changes(time_zone: str, start: datetime, end: datetime) -> list[ClockChange]:
    """Every change of `time_zone`'s UTC offset in [start, end), to the second."""
    tz = zone(time_zone)
    changes: list[ClockChange] = []
    cursor = start
    while cursor < end:
        step_end = min(cursor + _SCAN_STEP, end)
        before, after = _offset(cursor, tz), _offset(step_end, tz)
        if before != after:
            low, high = cursor, step_end  # offset(low) == before, offset(high) != before
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(middle, tz) == before:
                    low = middle
                else:
                    high = middle
            at = high.replace(microsecond=0)
            if _offset(at, tz) == before:
                at += timedelta(seconds=1)
            changes.append(ClockChange(time_zone, at.astimezone(UTC), before, after))
        cursor = step_end
    return changes


def gap_changes(
    first_zone: str, second_zone: str, start: datetime, end: datetime
) -> list[GapChange]:
    """Clock changes in either zone within [start, end) after which the two zones are a
    different distance apart (a change both zones make at the same instant moves nothing)."""
    first, second = zone(first_zone), zone(second_zone)
    found: list[GapChange] = []
    seen: set[datetime] = set()
    for side, name in enumerate((first_zone, second_zone)):
        for change in clock_changes(name, start, end):
            just_before = change.at - timedelta(seconds=1)
            gap_before = _offset(just_before, second) - _offset(just_before, first)
            gap_after = _offset(change.at, second) - _offset(change.at, first)
            if gap_before == gap_after or change.at in seen:
                continue
            seen.add(change.at)
            found.append(GapChange(change, side, gap_before, gap_after))
    return sorted(found, key=lambda gap: gap.change.at)


def working_windows(
    start: time, end: time, weekdays: Sequence[int], time_zone: str, days: Sequence[date]
) -> list[Window]:
    """Working hours (local to `time_zone`) on those local days, as instants. An end at or
    before the start runs past midnight into the next day."""
    tz = zone(time_zone)
    windows: list[Window] = []
    for day in days:
        if day.weekday() not in weekdays:
            continue
        end_day = day if end > start else day + timedelta(days=1)
        opens = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
        closes = datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)
        if closes > opens:
            windows.append(Window(opens, closes))
    return windows


def shared_windows(first: Sequence[Window], second: Sequence[Window]) -> list[Window]:
    """The spans that lie in both lists, in order."""
    shared = [
        Window(max(a.start, b.start), min(a.end, b.end))
        for a in first
        for b in second
        if max(a.start, b.start) < min(a.end, b.end)
    ]
    return sorted(shared, key=lambda window: window.start)


def days_around(day: date) -> list[date]:
    """The local days of another zone that can overlap `day` anywhere on Earth."""
    return [day - timedelta(days=1), day, day + timedelta(days=1)]
