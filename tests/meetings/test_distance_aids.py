"""Distance aids: the other's clock, shared working hours, clock changes ahead, holidays."""

from __future__ import annotations

from typing import Any

from infra.clock import SettableClock
from tests.meetings.conftest import Pair, clocks_of


def _distance(pair: Pair, member: Any, **query: str) -> dict[str, Any]:
    response = pair.acme.get(f"/api/v1/relationships/{pair.relationship_id}/distance", member,
                             params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_ana_in_new_york_plans_around_bens_clock_changes_and_spanish_holidays(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-10-01T14:00:00+00:00")
    seen = _distance(pair, pair.ana, **{"from": "2026-10-12", "to": "2026-10-13"})

    # Now: 10:00 for Ana, 16:00 for Ben.
    assert (seen["you"]["localTime"], seen["you"]["utcOffset"]) == (
        "2026-10-01T10:00:00-04:00", "-04:00"
    )
    assert (seen["them"]["localTime"], seen["them"]["country"]) == (
        "2026-10-01T16:00:00+02:00", "ES"
    )
    assert seen["gapMinutes"] == 360

    # Working hours in common (Ben 9-18 in Madrid, Ana 9-17 in New York), on both clocks.
    assert seen["workingHoursKnown"] is True
    monday, tuesday = seen["sharedHours"]
    assert monday["date"] == "2026-10-12"
    [window] = tuesday["windows"]
    assert (window["yourStart"], window["yourEnd"]) == (
        "2026-10-13T09:00:00-04:00", "2026-10-13T12:00:00-04:00"
    )
    assert (window["theirStart"], window["theirEnd"]) == (
        "2026-10-13T15:00:00+02:00", "2026-10-13T18:00:00+02:00"
    )
    assert (window["startsAtUtc"], window["minutes"]) == ("2026-10-13T13:00:00Z", 180)

    # Two clock changes in the next 90 days move a standing weekly meeting for one side.
    madrid, new_york = seen["clockChanges"]
    assert (madrid["changesFor"], madrid["timeZone"], madrid["localDate"]) == (
        "them", "Europe/Madrid", "2026-10-25"
    )
    assert (madrid["at"], madrid["offsetBefore"], madrid["offsetAfter"]) == (
        "2026-10-25T01:00:00Z", "+02:00", "+01:00"
    )
    assert (madrid["gapMinutesBefore"], madrid["gapMinutesAfter"]) == (360, 300)
    assert madrid["movesForMemberId"] == str(pair.ana.id)
    assert madrid["movesByMinutes"] == 60  # Ben's 10:00 becomes 05:00 instead of 04:00 for Ana
    assert "1 h later for you" in madrid["note"]
    assert (new_york["changesFor"], new_york["localDate"], new_york["movesByMinutes"]) == (
        "you", "2026-11-01", 60
    )
    assert new_york["movesForMemberId"] == str(pair.ben.id)
    assert (new_york["gapMinutesBefore"], new_york["gapMinutesAfter"]) == (300, 360)

    # Spain's National Day falls on the Monday.
    assert seen["theirHolidays"] == [
        {"date": "2026-10-12", "name": "National Day", "country": "ES"}
    ]

    # Between the two changes they share an hour more.
    week_between = _distance(pair, pair.ana, **{"from": "2026-10-27", "to": "2026-10-27"})
    [day] = week_between["sharedHours"]
    assert [w["minutes"] for w in day["windows"]] == [240]

    # Ben sees the same from his side.
    his = _distance(pair, pair.ben, **{"from": "2026-10-12", "to": "2026-10-12"})
    assert his["gapMinutes"] == -360
    assert [c["changesFor"] for c in his["clockChanges"]] == ["you", "them"]
    assert his["clockChanges"][0]["movesByMinutes"] == 60
    assert his["theirHolidays"] == [  # a US federal holiday the same day
        {"date": "2026-10-12", "name": "Columbus Day", "country": "US"}
    ]


def test_a_meeting_on_the_other_sides_public_holiday_is_flagged(
    madrid_jakarta: Pair, clock: SettableClock
) -> None:
    pair = madrid_jakarta
    clock.set("2026-08-01T08:00:00+00:00")
    # Ben proposes Monday 17 August, Indonesia's Independence Day.
    meeting = pair.proposed(pair.ben, startsAt="2026-08-17T09:00")
    holidays = {p["side"]: p["publicHoliday"] for p in meeting["participants"]}
    assert holidays == {"mentor": None, "mentee": "Independence Day"}
    assert clocks_of(meeting)["mentee"][0] == "2026-08-17T14:00:00+07:00"

    # Ben's distance view lists it too; Jakarta has no clock changes, only Madrid's.
    seen = _distance(pair, pair.ben, **{"from": "2026-08-10", "to": "2026-08-20"})
    assert [(h["date"], h["name"], h["country"]) for h in seen["theirHolidays"]] == [
        ("2026-08-17", "Independence Day", "ID")
    ]
    assert seen["gapMinutes"] == 300
    [change] = seen["clockChanges"]
    assert (change["changesFor"], change["localDate"], change["movesByMinutes"]) == (
        "you", "2026-10-25", 60
    )
    # Madrid 9-18 and Jakarta 9-17 share 09:00-12:00 in Madrid (14:00-17:00 in Jakarta).
    monday = seen["sharedHours"][0]
    assert [(w["yourStart"], w["theirEnd"]) for w in monday["windows"]] == [
        ("2026-08-10T09:00:00+02:00", "2026-08-10T17:00:00+07:00")
    ]


def test_distance_ranges_are_checked_and_only_members_ask(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-10-01T14:00:00+00:00")
    path = f"/api/v1/relationships/{pair.relationship_id}/distance"
    before = pair.position
    for query, status, field in [
        ({"from": "2026-10-12", "to": "2026-10-11"}, 422, "to"),
        ({"from": "2026-10-01", "to": "2027-01-31"}, 422, "to"),
        ({"from": "12/10/2026"}, 422, "from"),
        ({"from": "2026-10-01", "to": "2026-02-30"}, 422, "to"),
    ]:
        pair.refused(pair.acme.get(path, pair.ana, params=query), status, field, before)
    # With no dates, a week from today.
    assert len(_distance(pair, pair.ana)["sharedHours"]) == 7
    admin = pair.acme.member("Pia", roles=["programme_admin"])
    before = pair.position
    pair.refused(pair.acme.get(path, admin), 403, "role", before)
