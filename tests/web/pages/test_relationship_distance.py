"""Distance aids on the relationship page: Ana (Madrid) and Budi (Jakarta) see each other's
clock in words, the working hours they share on their own clock, the clock change ahead, and
the other's public holidays near a meeting. The clock reads 3 March 2031, 16:00 UTC (17:00 in
Madrid, 23:00 in Jakarta); Madrid's clocks go forward on 30 March."""

from __future__ import annotations

import html
import re

import pytest

from infra.clock import SettableClock
from services.accounts.application import Accounts
from services.actor import Actor
from tests.story_time import sessions_outlast_the_story
from tests.web.pages.conftest import TenantPages
from tests.web.pages.test_relationships import Pair, ok


@pytest.fixture
def ana_and_budi(
    acme_pages: TenantPages, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Pair:
    sessions_outlast_the_story(monkeypatch)
    return Pair(acme_pages, ithaca_clock)


def _section(page: str, section_id: str) -> str:
    """The section's text with its layout's spaces and new lines as single spaces (CLDR's
    narrow no-break spaces kept: str.split would take them for spaces)."""
    section = page.split(f'id="{section_id}"')[1].split("</section>", maxsplit=1)[0]
    return re.sub(r"[ \n]+", " ", html.unescape(section))


def test_each_side_sees_the_others_clock_shared_hours_and_the_clock_change(
    ana_and_budi: Pair,
) -> None:
    pair = ana_and_budi
    page = pair.ana.get(pair.path).text
    assert "Asia/Jakarta" not in page
    assert "Europe/Madrid" not in page
    aids = _section(page, "distance")
    assert ("Budi Santoso's time now: Mon, Mar 3, 2031, 11:00\N{NARROW NO-BREAK SPACE}PM "
            "(Indonesia (Jakarta) Time). 6 hours ahead of you.") in aids
    # Madrid 08:00-18:00 (UTC+1) and Jakarta 08:00-18:00 (UTC+7) share 08:00-12:00 in Madrid.
    morning = "8:00\N{NARROW NO-BREAK SPACE}AM \N{EN DASH} 12:00\N{NARROW NO-BREAK SPACE}PM"
    assert f"Mon, Mar 3: {morning}" in aids
    assert "Sat, Mar 8: no shared working hours" in aids
    assert ("On Sun, Mar 30, 2031 your clocks go forward 1 hour: a weekly meeting kept at the "
            "same time for you comes 1 hour earlier for Budi Santoso.") in aids

    theirs = _section(pair.budi.get(pair.path).text, "distance")
    assert "Ana Ruiz's time now: Mon, Mar 3, 2031, 5:00\N{NARROW NO-BREAK SPACE}PM" in theirs
    assert "6 hours behind you." in theirs
    # On Budi's clock the same hours are 14:00-18:00 (his working day ends first).
    assert "Mon, Mar 3: 2:00\N{NARROW NO-BREAK SPACE}PM \N{EN DASH} 6:00" in theirs
    assert ("On Sun, Mar 30, 2031 the clocks of Ana Ruiz go forward 1 hour: a weekly meeting "
            "kept at the same time for them comes 1 hour earlier for you.") in theirs


def test_a_public_holiday_of_the_other_near_a_meeting_is_shown_with_it(
    ana_and_budi: Pair,
) -> None:
    pair = ana_and_budi
    proposed = pair.ana.post(f"{pair.path}/meetings", {
        "date": "2031-04-10", "time": "10:00", "durationMinutes": "60",
        "agenda": "Export price list",
    })
    assert proposed.status_code in (302, 303), proposed.text
    meetings = _section(pair.ana.get(pair.path).text, "meetings")
    assert "Public holiday for Budi Santoso</dt><dd>Fri, Apr 11: " in meetings
    assert "Good Friday" in meetings

    # Read in Indonesian, the holiday has its Indonesian name.
    served = pair.acme.served
    accounts = served.ithaca.tenant_application(served.ithaca.tenant(pair.acme.slug), Accounts)
    accounts.change_locale(pair.ana_api.id, "id", Actor(kind="cli", id="test"))
    assert "Jum, 11 Apr: <span dir=\"auto\">Wafat Yesus Kristus</span>" in _section(
        pair.ana.get(pair.path).text, "meetings")



def _move_ana_to_new_york(pair: Pair) -> None:
    profile = ok(pair.acme.api.get("/api/v1/profiles/entrepreneur/me", pair.ana_api))
    editable = {key: profile[key] for key in (
        "businessName", "description", "stage", "industry", "country", "languages",
        "workingHours", "challenges", "goals", "employees")}
    ok(pair.acme.api.put("/api/v1/profiles/entrepreneur/me", pair.ana_api,
                         json={**editable, "country": "US", "timeZone": "America/New_York"}))


def test_the_repeated_autumn_hour_is_asked_about_in_words_and_can_be_booked(
    ana_and_budi: Pair,
) -> None:
    pair = ana_and_budi
    _move_ana_to_new_york(pair)
    # New York's clocks go back at 02:00 on 2 November 2031: 01:30 comes twice.
    form = {"date": "2031-11-02", "time": "01:30", "durationMinutes": "60",
            "agenda": "Export price list"}
    asked = pair.ana.post(f"{pair.path}/meetings", form)
    assert asked.status_code == 400
    assert pair.meetings() == []
    text = _section(asked.text, "meetings")
    assert ("1:30\N{NARROW NO-BREAK SPACE}AM happens twice on November 2 in New York: the first "
            "time (EDT, UTC\N{MINUS SIGN}4) or the second (EST, UTC\N{MINUS SIGN}5)?") in text
    assert 'id="error-fold"' in text
    assert "The second time (EST, UTC\N{MINUS SIGN}5)" in text

    # Ana means the second: 01:30 EST is 06:30 UTC.
    booked = pair.ana.post(f"{pair.path}/meetings", {**form, "fold": "1"})
    assert booked.status_code in (302, 303), booked.text
    [meeting] = pair.meetings()
    assert meeting["startsAtUtc"].startswith("2031-11-02T06:30")


def test_a_time_the_spring_change_skips_is_refused_beside_the_start_time(
    ana_and_budi: Pair,
) -> None:
    pair = ana_and_budi
    _move_ana_to_new_york(pair)
    skipped = pair.ana.post(f"{pair.path}/meetings", {
        "date": "2031-03-09", "time": "02:30", "durationMinutes": "60", "agenda": "Prices"})
    assert skipped.status_code == 400
    text = _section(skipped.text, "meetings")
    assert ('<p class="field-error" id="error-time">Start time: 2:30\N{NARROW NO-BREAK SPACE}AM '
            "does not exist on March 9 in New York, as clocks go forward 1 hour then (from "
            "UTC\N{MINUS SIGN}5 to UTC\N{MINUS SIGN}4). Choose another start time.") in text
    assert "America/New_York" not in skipped.text
    assert pair.meetings() == []
