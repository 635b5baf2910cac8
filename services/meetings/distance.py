"""Distance aids: what two members in different places need to know to find a time.

The other's clock now, the working hours both share on each day asked for (on both clocks),
clock changes in the coming 90 days that move a standing weekly meeting for one of them, and
the other's public holidays in the dates asked for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from services.errors import InvalidInputError
from services.meetings.places import Place, public_holidays
from services.meetings.schemas import (
    ClockChangeView,
    DistanceView,
    HolidayView,
    PersonNow,
    SharedHours,
    SharedWindow,
)
from services.meetings.timezones import (
    days_around,
    gap_changes,
    local,
    offset_text,
    shared_windows,
    working_windows,
)

__all__ = ["LOOKAHEAD", "MAX_RANGE_DAYS", "distance_between", "parse_day"]

LOOKAHEAD = timedelta(days=90)
MAX_RANGE_DAYS = 92


def parse_day(text: str | None, *, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError("'%(text)s' is not a date like 2026-03-29", field=field,
                                values={"text": text}) from None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hours(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def distance_between(
    you: UUID, them: UUID, places: dict[UUID, Place], now: datetime,
    start: date | None, end: date | None,
) -> DistanceView:
    mine, theirs = places[you], places[them]
    start = start or local(now, mine.time_zone).date()
    end = end or start + timedelta(days=6)
    if end < start:
        raise InvalidInputError("must not be before from", field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInputError("ask for at most %(days)s days at once", field="to",
                                values={"days": MAX_RANGE_DAYS})
    your_now, their_now = local(now, mine.time_zone), local(now, theirs.time_zone)
    return DistanceView(
        you=_person(you, mine, your_now), them=_person(them, theirs, their_now),
        gap_minutes=_minutes((their_now.utcoffset() or timedelta())
                             - (your_now.utcoffset() or timedelta())),
        working_hours_known=mine.working_hours is not None and theirs.working_hours is not None,
        shared_hours=_shared_hours(mine, theirs, start, end),
        clock_changes=_clock_changes(you, them, mine, theirs, now),
        their_holidays=[
            HolidayView(date=day, name=name, country=theirs.country or "")
            for day, name in public_holidays(theirs.country, start, end)
        ],
    )


def _person(member_id: UUID, place: Place, now: datetime) -> PersonNow:
    return PersonNow(
        member_id=member_id, time_zone=place.time_zone, local_time=now,
        utc_offset=offset_text(now.utcoffset()), country=place.country,
        from_profile=place.from_profile,
    )


def _shared_hours(mine: Place, theirs: Place, start: date, end: date) -> list[SharedHours]:
    if mine.working_hours is None or theirs.working_hours is None:
        return []
    my_hours, their_hours = mine.working_hours, theirs.working_hours
    days: list[SharedHours] = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        shared = shared_windows(
            working_windows(my_hours.start, my_hours.end, my_hours.weekdays, mine.time_zone,
                            [day]),
            working_windows(their_hours.start, their_hours.end, their_hours.weekdays,
                            theirs.time_zone, days_around(day)),
        )
        days.append(SharedHours(date=day, windows=[
            SharedWindow(
                your_start=local(window.start, mine.time_zone),
                your_end=local(window.end, mine.time_zone),
                their_start=local(window.start, theirs.time_zone),
                their_end=local(window.end, theirs.time_zone),
                starts_at_utc=window.start, minutes=window.minutes,
            )
            for window in shared
        ]))
    return days


def _clock_changes(
    you: UUID, them: UUID, mine: Place, theirs: Place, now: datetime
) -> list[ClockChangeView]:
    views: list[ClockChangeView] = []
    for gap in gap_changes(mine.time_zone, theirs.time_zone, now, now + LOOKAHEAD):
        change = gap.change
        changer, other = (you, them) if gap.changed_side == 0 else (them, you)
        moves = _minutes(gap.moves_other_side_by)
        local_date = local(change.at, change.time_zone).date()
        whose, changer_word, other_word = (
            ("your", "you", "them") if changer == you else ("their", "them", "you")
        )
        direction = "forward" if change.shift > timedelta() else "back"
        note = (
            f"On {local_date:%Y-%m-%d} {whose} clocks ({change.time_zone}) go {direction} "
            f"{_hours(_minutes(change.shift))}: a weekly meeting at the same time for "
            f"{changer_word} comes {_hours(moves)} {'earlier' if moves < 0 else 'later'} "
            f"for {other_word}."
        )
        views.append(ClockChangeView(
            changes_for="you" if changer == you else "them", member_id=changer,
            time_zone=change.time_zone, at=change.at, local_date=local_date,
            offset_before=offset_text(change.before), offset_after=offset_text(change.after),
            gap_minutes_before=_minutes(gap.gap_before), gap_minutes_after=_minutes(gap.gap_after),
            moves_for_member_id=other, moves_by_minutes=moves, note=note,
        ))
    return views
