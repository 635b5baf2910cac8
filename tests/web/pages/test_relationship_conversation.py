"""The conversation on the relationship page: read receipts both ways, and where to report a
message or a member. Ana (Madrid) and Budi (Jakarta) as in test_relationships."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.clock import SettableClock
from infra.web.i18n import Formatter
from tests.story_time import sessions_outlast_the_story
from tests.web.pages.conftest import TenantPages
from tests.web.pages.test_relationships import Pair, ok

READ_AT = datetime(2031, 3, 3, 17, 30, tzinfo=UTC)


@pytest.fixture
def ana_and_budi(
    acme_pages: TenantPages, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Pair:
    sessions_outlast_the_story(monkeypatch)
    return Pair(acme_pages, ithaca_clock)


def _receipts(page: str) -> list[str]:
    return [part.split("</p>")[0].strip()
            for part in page.split('class="message-meta read-receipt">')[1:]]


def test_each_side_sees_when_the_other_read_their_messages(ana_and_budi: Pair) -> None:
    pair = ana_and_budi
    pair.ana.post(f"{pair.path}/messages", {"body": "Hola Budi, ¿hablamos el martes?"})
    assert _receipts(pair.ana.get(pair.path).text) == ["Not read yet"]

    # Budi opens the conversation an hour and a half later: Ana's message is read then.
    pair.clock.set(READ_AT)
    assert "¿hablamos el martes?" in pair.budi.get(pair.path).text
    [message] = ok(pair.acme.api.get(f"/api/v1/relationships/{pair.id}/messages",
                                     pair.ana_api))["messages"]
    assert datetime.fromisoformat(message["readAt"]) == READ_AT
    when = Formatter("en", "Europe/Madrid").datetime(READ_AT)
    assert _receipts(pair.ana.get(pair.path).text) == [f"Read by Budi Santoso on {when}"]

    # Budi answers; his own page shows his answer unread until Ana looks.
    pair.budi.post(f"{pair.path}/messages", {"body": "Selamat pagi, Ana!"})
    assert _receipts(pair.budi.get(pair.path).text) == ["Not read yet"]
    pair.clock.set(READ_AT + timedelta(hours=1))
    pair.ana.get(pair.path)
    when = Formatter("en", "Asia/Jakarta").datetime(READ_AT + timedelta(hours=1))
    assert _receipts(pair.budi.get(pair.path).text) == [f"Read by Ana Ruiz on {when}"]


def test_a_programme_admin_looking_in_marks_nothing_read(
    ana_and_budi: Pair, acme_pages: TenantPages,
) -> None:
    pair = ana_and_budi
    pair.ana.post(f"{pair.path}/messages", {"body": "Hola Budi, ¿hablamos el martes?"})
    admin = acme_pages.member("Pat", roles=["programme_admin"])
    assert admin.get(pair.path).status_code == 200
    assert _receipts(pair.ana.get(pair.path).text) == ["Not read yet"]


def test_the_others_messages_and_the_other_member_can_be_reported(ana_and_budi: Pair) -> None:
    pair = ana_and_budi
    pair.ana.post(f"{pair.path}/messages", {"body": "Hola Budi"})
    pair.budi.post(f"{pair.path}/messages", {"body": "Please send me money first."})

    page = pair.ana.get(pair.path).text
    report_message = (f'href="/t/acme/report?relationship={pair.id}&amp;message=2"')
    assert report_message in page
    assert "message=1" not in page  # her own message is not hers to report
    assert f'href="/t/acme/report?member={pair.budi_api.id}">Report or block Budi Santoso</a>' \
        in page
    assert f"report?member={pair.ana_api.id}" not in page
    budis = pair.budi.get(pair.path).text
    assert f"report?relationship={pair.id}&amp;message=1" in budis
    assert "Report or block Ana Ruiz" in budis
