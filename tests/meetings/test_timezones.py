"""Local wall times across clock changes, without a server: the rules the meetings API relies on.

Europe moves its clocks on the last Sundays of March and October (2026-03-29, 2026-10-25), the
US on the second Sunday of March and the first of November (2026-03-08, 2026-11-01), and Jakarta
never. Between those dates Madrid and New York are 5 hours apart instead of 6.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.errors import InvalidInputError
from services.meetings.timezones import (
    clock_changes,
    days_around,
    gap_changes,
    instant_of,
    local,
    offset_text,
    parse_wall_time,
    shared_windows,
    working_windows,
    zone,
)

MADRID, NEW_YORK, JAKARTA = "Europe/Madrid", "America/New_York", "Asia/Jakarta"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wall(text: str) -> datetime:
    return parse_wall_time(text)


def test_madrid_and_new_york_are_six_hours_apart_except_for_three_weeks_a_year() -> None:
    # Ten in the morning in Madrid, every Thursday of March 2026.
    new_york_times = {
        day: local(instant_of(wall(f"2026-03-{day:02d}T10:00"), MADRID), NEW_YORK).hour
        for day in (5, 12, 19, 26)
    }
    assert new_york_times == {5: 4, 12: 5, 19: 5, 26: 5}  # New York moved on the 8th
    after_europe = local(instant_of(wall("2026-04-02T10:00"), MADRID), NEW_YORK)
    assert after_europe.hour == 4
    # In the autumn the US is a week late: 2026-10-25 to 2026-11-01.
    assert local(instant_of(wall("2026-10-22T10:00"), MADRID), NEW_YORK).hour == 4
    assert local(instant_of(wall("2026-10-29T10:00"), MADRID), NEW_YORK).hour == 5
    assert local(instant_of(wall("2026-11-05T10:00"), MADRID), NEW_YORK).hour == 4


def test_jakarta_keeps_its_offset_all_year() -> None:
    for text in ("2026-03-29T10:00", "2026-07-01T10:00", "2026-10-25T10:00", "2026-11-01T10:00"):
        instant = instant_of(wall(text), JAKARTA)
        assert instant == datetime.fromisoformat(text).replace(tzinfo=UTC) - timedelta(hours=7)
        assert offset_text(local(instant, JAKARTA).utcoffset()) == "+07:00"
    assert clock_changes(JAKARTA, at("2026-01-01T00:00"), at("2027-01-01T00:00")) == []


@pytest.mark.parametrize(("time_zone", "skipped"), [
    (MADRID, "2026-03-29T02:30"), (NEW_YORK, "2026-03-08T02:30"),
])
def test_a_skipped_local_time_is_refused_naming_starts_at(time_zone: str, skipped: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        instant_of(wall(skipped), time_zone)
    assert refused.value.field == "startsAt"
    assert "does not exist" in refused.value.problem
    with pytest.raises(InvalidInputError):
        instant_of(wall(skipped), time_zone, fold=1)  # no fold makes it exist


@pytest.mark.parametrize(("time_zone", "repeated", "first", "second"), [
    (MADRID, "2026-10-25T02:30", "2026-10-25T00:30", "2026-10-25T01:30"),
    (NEW_YORK, "2026-11-01T01:30", "2026-11-01T05:30", "2026-11-01T06:30"),
])
def test_a_repeated_local_time_needs_a_fold(
    time_zone: str, repeated: str, first: str, second: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        instant_of(wall(repeated), time_zone)
    assert refused.value.field == "fold"
    assert instant_of(wall(repeated), time_zone, fold=0) == at(first)
    assert instant_of(wall(repeated), time_zone, fold=1) == at(second)


def test_times_next_to_the_changes_are_plain() -> None:
    assert instant_of(wall("2026-03-29T01:59"), MADRID) == at("2026-03-29T00:59")
    assert instant_of(wall("2026-03-29T03:00"), MADRID) == at("2026-03-29T01:00")
    assert instant_of(wall("2026-10-25T03:00"), MADRID) == at("2026-10-25T02:00")
    assert instant_of(wall("2026-03-08T03:00"), NEW_YORK) == at("2026-03-08T07:00")
    assert instant_of(wall("2026-11-01T02:00"), NEW_YORK) == at("2026-11-01T07:00")


def test_bad_zones_and_wall_times_name_their_field() -> None:
    with pytest.raises(InvalidInputError) as bad_zone:
        zone("Mars/Olympus_Mons")
    assert bad_zone.value.field == "timeZone"
    for text in ("2026-02-30T10:00", "tomorrow", "2026-03-29T10:00+02:00"):
        with pytest.raises(InvalidInputError) as bad_time:
            parse_wall_time(text)
        assert bad_time.value.field == "startsAt"


def test_clock_changes_are_found_to_the_second() -> None:
    changes = clock_changes(NEW_YORK, at("2026-01-01T00:00"), at("2027-01-01T00:00"))
    assert [(c.at, c.shift) for c in changes] == [
        (at("2026-03-08T07:00"), timedelta(hours=1)),
        (at("2026-11-01T06:00"), timedelta(hours=-1)),
    ]
    madrid = clock_changes(MADRID, at("2026-01-01T00:00"), at("2027-01-01T00:00"))
    assert [c.at for c in madrid] == [at("2026-03-29T01:00"), at("2026-10-25T01:00")]


def test_gap_changes_say_which_side_moved_and_by_how_much() -> None:
    gaps = gap_changes(MADRID, NEW_YORK, at("2026-03-01T00:00"), at("2026-04-30T00:00"))
    assert [(g.change.time_zone, g.changed_side, g.gap_before, g.gap_after) for g in gaps] == [
        (NEW_YORK, 1, timedelta(hours=-6), timedelta(hours=-5)),
        (MADRID, 0, timedelta(hours=-5), timedelta(hours=-6)),
    ]
    # New York springs forward: a call kept at 05:00 there comes an hour earlier in Madrid.
    assert gaps[0].moves_other_side_by == timedelta(hours=-1)
    # Madrid and Paris change together: nothing moves between them.
    assert gap_changes(MADRID, "Europe/Paris", at("2026-03-01T00:00"),
                       at("2026-11-30T00:00")) == []
    # Jakarta never changes, so every change is Madrid's.
    jakarta = gap_changes(JAKARTA, MADRID, at("2026-01-01T00:00"), at("2027-01-01T00:00"))
    assert [(g.changed_side, g.gap_after - g.gap_before) for g in jakarta] == [
        (1, timedelta(hours=1)), (1, timedelta(hours=-1)),
    ]


def test_shared_working_hours_in_two_zones() -> None:
    nine_to_six = (time(9), time(18), [0, 1, 2, 3, 4])
    # Tuesday 2026-03-10: New York has moved (UTC-4), Madrid not yet (UTC+1): 5 hours apart.
    day = date(2026, 3, 10)
    madrid = working_windows(*nine_to_six, MADRID, [day])
    new_york = working_windows(*nine_to_six, NEW_YORK, days_around(day))
    [shared] = shared_windows(madrid, new_york)
    assert (shared.start, shared.end, shared.minutes) == (
        at("2026-03-10T13:00"), at("2026-03-10T17:00"), 240
    )
    # A week earlier they were 6 hours apart: one hour less in common.
    earlier = date(2026, 3, 3)
    [shared] = shared_windows(
        working_windows(*nine_to_six, MADRID, [earlier]),
        working_windows(*nine_to_six, NEW_YORK, days_around(earlier)),
    )
    assert shared.minutes == 180
    # Jakarta and New York office hours never meet; weekends have no hours.
    assert shared_windows(working_windows(*nine_to_six, JAKARTA, [day]),
                          working_windows(*nine_to_six, NEW_YORK, days_around(day))) == []
    assert working_windows(*nine_to_six, MADRID, [date(2026, 3, 14)]) == []


def test_night_shifts_run_past_midnight() -> None:
    [window] = working_windows(time(22), time(6), [0], JAKARTA, [date(2026, 3, 9)])
    assert (window.start, window.end) == (at("2026-03-09T15:00"), at("2026-03-09T23:00"))
