"""A mentor's volunteer hours on a page, by relationship and month, and the statement Budi
hands to his employer: the programme's brand, his name, the period and the hours, no mentee."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.clock import SettableClock
from tests.story_time import sessions_outlast_the_story
from tests.web.pages.conftest import TenantPages
from tests.web.pages.test_relationships import Pair


@pytest.fixture
def pair(
    acme_pages: TenantPages, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Pair:
    sessions_outlast_the_story(monkeypatch)
    return Pair(acme_pages, ithaca_clock)


def _held(pair: Pair, day: str, minutes: int, *, confirmed: bool) -> None:
    """A meeting at 10:00 Madrid on `day`, accepted, held, logged by Ana (and confirmed)."""
    proposed = pair.ana.post(f"{pair.path}/meetings", {
        "date": day, "time": "10:00", "durationMinutes": "60", "agenda": "Prices"})
    assert proposed.status_code in (302, 303), proposed.text
    meeting_id = next(m["meetingId"] for m in pair.meetings() if m["status"] == "proposed")
    assert pair.budi.post(f"{pair.path}/meetings/{meeting_id}/accept").status_code in (302, 303)
    year, month, date = (int(part) for part in day.split("-"))
    pair.clock.set(datetime(year, month, date, 9, 30, tzinfo=UTC))
    logged = pair.ana.post(f"{pair.path}/meetings/{meeting_id}/session-log",
                           {"durationMinutes": str(minutes), "summary": "Prices."})
    assert logged.status_code in (302, 303), logged.text
    if confirmed:
        done = pair.budi.post(f"{pair.path}/meetings/{meeting_id}/session-log/confirm")
        assert done.status_code in (302, 303)


def test_budi_sees_his_hours_by_relationship_and_month_and_prints_a_statement(
    pair: Pair,
) -> None:
    assert "No sessions logged yet" in pair.budi.get("/hours").text
    _held(pair, "2031-04-08", 55, confirmed=True)
    _held(pair, "2031-05-06", 90, confirmed=False)

    page = pair.budi.get("/hours")
    assert page.status_code == 200
    text = page.text
    assert f'href="/t/acme{pair.path}"' in text
    assert "Ana Ruiz" in text
    # 145 minutes logged, 55 of them confirmed by both.
    assert "2.42 (2 sessions)" in text
    assert "0.92 (1 session)" in text
    assert "Apr 2031" in text
    assert "May 2031" in text

    statement = pair.budi.get("/hours/statement?from=2031-04&to=2031-04")
    assert statement.status_code == 200
    document = statement.text
    assert "Acme Mentoring" in document
    assert "Budi Santoso" in document
    assert "Apr 2031 \N{EN DASH} Apr 2031" in document
    assert "0.92 (1 session)" in document
    assert "May 2031" not in document
    assert "Ana Ruiz" not in document  # an employer is not told whom he mentors
    assert "attachment" not in statement.headers.get("content-disposition", "")

    download = pair.budi.get("/hours/statement?from=2031-04&to=2031-05&download=1")
    assert download.headers["content-disposition"] == (
        'attachment; filename="volunteer-hours-2031-04-2031-05.html"')
    assert "2.42 (2 sessions)" in download.text


def test_a_bad_month_is_named_beside_its_field_and_mentees_have_no_hours_page(
    pair: Pair,
) -> None:
    refused = pair.budi.get("/hours/statement?from=April&to=2031-03")
    assert refused.status_code == 400
    assert 'id="error-from"' in refused.text
    backwards = pair.budi.get("/hours/statement?from=2031-05&to=2031-03")
    assert 'id="error-to"' in backwards.text
    assert pair.ana.get("/hours").status_code == 403
