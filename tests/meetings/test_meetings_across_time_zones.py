"""Meetings between a mentor and a mentee in different time zones, through the API.

Ben mentors from Madrid; Ana works in New York (or Jakarta). Each sees a meeting on their own
clock. Europe changes clocks on 2026-03-29 and 2026-10-25, the US on 2026-03-08 and 2026-11-01,
Jakarta never: for three weeks in March and one week around Halloween, Madrid and New York are
5 hours apart instead of 6.
"""

from __future__ import annotations

from infra.clock import SettableClock
from tests.meetings.conftest import Pair, clocks_of


def test_ben_proposes_from_madrid_and_ana_sees_it_on_her_new_york_clock(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-03-01T12:00:00+00:00")
    # Before either side has changed its clocks: 6 hours apart.
    meeting = pair.proposed(pair.ben, startsAt="2026-03-05T10:00")
    assert meeting["startsAtUtc"] == "2026-03-05T09:00:00Z"
    assert meeting["endsAtUtc"] == "2026-03-05T10:00:00Z"
    assert meeting["proposedInTimeZone"] == "Europe/Madrid"  # Ben's profile zone
    assert clocks_of(meeting) == {
        "mentor": ("2026-03-05T10:00:00+01:00", "2026-03-05T11:00:00+01:00"),
        "mentee": ("2026-03-05T04:00:00-05:00", "2026-03-05T05:00:00-05:00"),
    }
    mine = meeting["participants"][0]
    assert (mine["isYou"], mine["side"], mine["timeZone"], mine["utcOffset"]) == (
        True, "mentor", "Europe/Madrid", "+01:00"
    )

    # New York has sprung forward on the 8th, Madrid not yet: 5 hours apart for three weeks.
    meeting = pair.proposed(pair.ben, startsAt="2026-03-12T10:00")
    assert clocks_of(meeting)["mentee"][0] == "2026-03-12T05:00:00-04:00"
    as_ana_sees_it = pair.view(meeting["meetingId"], pair.ana)
    theirs, hers = as_ana_sees_it["participants"]  # hers first
    assert (theirs["side"], theirs["isYou"]) == ("mentee", True)
    assert (theirs["startsAt"], theirs["utcOffset"]) == ("2026-03-12T05:00:00-04:00", "-04:00")
    assert hers["startsAt"] == "2026-03-12T10:00:00+01:00"

    # After Madrid's change on the 29th: 6 hours again.
    meeting = pair.proposed(pair.ben, startsAt="2026-04-02T10:00")
    assert clocks_of(meeting) == {
        "mentor": ("2026-04-02T10:00:00+02:00", "2026-04-02T11:00:00+02:00"),
        "mentee": ("2026-04-02T04:00:00-04:00", "2026-04-02T05:00:00-04:00"),
    }


def test_in_the_autumn_the_gap_narrows_for_the_one_week_between_the_changes(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-10-01T12:00:00+00:00")
    # Ana proposes in her own zone, 9:00 in New York each Thursday.
    starts = {
        day: clocks_of(pair.proposed(pair.ana, startsAt=f"{day}T09:00"))["mentor"][0]
        for day in ("2026-10-22", "2026-10-29", "2026-11-05")
    }
    assert starts == {
        "2026-10-22": "2026-10-22T15:00:00+02:00",  # 6 hours
        "2026-10-29": "2026-10-29T14:00:00+01:00",  # Madrid fell back on the 25th: 5 hours
        "2026-11-05": "2026-11-05T15:00:00+01:00",  # New York fell back on the 1st: 6 hours
    }


def test_a_local_time_that_clocks_skip_is_refused_naming_starts_at(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-03-01T12:00:00+00:00")
    before = pair.position
    # 02:30 does not happen in Madrid on 2026-03-29, nor in New York on 2026-03-08.
    problem = pair.refused(pair.propose(pair.ben, startsAt="2026-03-29T02:30"), 422,
                           "startsAt", before)
    assert "does not exist in Europe/Madrid" in problem
    pair.refused(pair.propose(pair.ana, startsAt="2026-03-08T02:30"), 422, "startsAt", before)
    # Ben giving New York time for Ana is checked against New York's clocks.
    pair.refused(pair.propose(pair.ben, startsAt="2026-03-08T02:30",
                              timeZone="America/New_York"), 422, "startsAt", before)
    # A fold does not make a skipped time exist.
    pair.refused(pair.propose(pair.ben, startsAt="2026-03-29T02:30", fold=0), 422,
                 "startsAt", before)
    # Just after the jump is an ordinary time.
    meeting = pair.proposed(pair.ben, startsAt="2026-03-29T03:00")
    assert meeting["startsAtUtc"] == "2026-03-29T01:00:00Z"


def test_a_local_time_that_happens_twice_needs_a_fold(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-10-01T12:00:00+00:00")
    before = pair.position
    problem = pair.refused(pair.propose(pair.ben, startsAt="2026-10-25T02:30"), 422, "fold",
                           before)
    assert "twice" in problem
    pair.refused(pair.propose(pair.ana, startsAt="2026-11-01T01:30"), 422, "fold", before)

    first = pair.proposed(pair.ben, startsAt="2026-10-25T02:30", fold=0)
    second = pair.proposed(pair.ben, startsAt="2026-10-25T02:30", fold=1)
    assert (first["startsAtUtc"], second["startsAtUtc"]) == (
        "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"
    )
    assert clocks_of(first)["mentor"][0] == "2026-10-25T02:30:00+02:00"
    assert clocks_of(second)["mentor"][0] == "2026-10-25T02:30:00+01:00"
    # New York has not changed yet: Ana sees the second one 5 hours earlier.
    assert clocks_of(second)["mentee"][0] == "2026-10-24T21:30:00-04:00"

    late = pair.proposed(pair.ana, startsAt="2026-11-01T01:30", fold=1)
    assert late["startsAtUtc"] == "2026-11-01T06:30:00Z"
    assert clocks_of(late) == {
        "mentee": ("2026-11-01T01:30:00-05:00", "2026-11-01T02:30:00-05:00"),
        "mentor": ("2026-11-01T07:30:00+01:00", "2026-11-01T08:30:00+01:00"),
    }


def test_jakarta_keeps_its_clock_while_madrid_moves(
    madrid_jakarta: Pair, clock: SettableClock
) -> None:
    pair = madrid_jakarta
    clock.set("2026-03-01T12:00:00+00:00")
    # Ben picks 16:00 Jakarta time for Ana, the week before and the week after Madrid's change.
    before = pair.proposed(pair.ben, startsAt="2026-03-26T16:00", timeZone="Asia/Jakarta")
    after = pair.proposed(pair.ben, startsAt="2026-04-02T16:00", timeZone="Asia/Jakarta")
    assert before["proposedInTimeZone"] == "Asia/Jakarta"
    assert clocks_of(before) == {
        "mentee": ("2026-03-26T16:00:00+07:00", "2026-03-26T17:00:00+07:00"),
        "mentor": ("2026-03-26T10:00:00+01:00", "2026-03-26T11:00:00+01:00"),
    }
    assert clocks_of(after)["mentor"][0] == "2026-04-02T11:00:00+02:00"
    assert clocks_of(after)["mentee"][0] == "2026-04-02T16:00:00+07:00"
