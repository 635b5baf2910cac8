"""The safety pages: Ana (a mentee) reports a message her mentor Budi wrote, in words rather
than codes; she blocks a mentor and sees the request she had made him withdrawn, then lifts the
block; the programme admin warns Budi and Budi reads the warning on his safety page. Whatever
Ana may not see (her own message, a message that does not exist, another tenant's member)
answers as the API does: a page naming the problem, or the 404 an unknown id gets."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from infra.clock import SettableClock
from infra.web.i18n import translations_for
from services.actor import Actor
from tests.story_time import sessions_outlast_the_story
from tests.web.pages.conftest import TenantPages
from tests.web.pages.test_relationships import WORKING_HOURS, Pair

_TAG = re.compile(r"<[^>]+>")


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def visible(page: httpx.Response) -> str:
    """The page's words as a reader sees them (no markup, no attribute values)."""
    return _TAG.sub(" ", page.text)


@pytest.fixture
def pair(
    acme_pages: TenantPages, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> Pair:
    sessions_outlast_the_story(monkeypatch)
    return Pair(acme_pages, ithaca_clock)


def _budi_writes(pair: Pair, body: str) -> int:
    number: int = ok(pair.acme.api.post(f"/api/v1/relationships/{pair.id}/messages",
                                        pair.budi_api, json={"body": body}), 201)["number"]
    return number


def test_a_member_reports_a_message_choosing_a_reason_in_words(pair: Pair) -> None:
    number = _budi_writes(pair, "Send me 200 USD before our next call, please.")
    report_path = f"/report?relationship={pair.id}&message={number}"

    form = pair.ana.get(report_path)
    assert form.status_code == 200
    words = visible(form)
    assert "Report a message from Budi Santoso" in words
    assert "Send me 200 USD before our next call" in words
    assert "Asking for money" in words
    assert "Asking to continue outside the platform" in words
    assert "asking_for_money" not in words

    # Without a reason nothing is filed, and the form says what is missing.
    refused = pair.ana.post("/report", {
        "memberId": str(pair.budi_api.id), "relationshipId": pair.id,
        "messageNumber": str(number), "details": "He asked me for money.",
    })
    assert refused.status_code == 400
    assert 'id="error-reason"' in refused.text
    assert "He asked me for money." in refused.text
    admin = pair.acme.api.member("Pia Admin", roles=["programme_admin"])
    assert ok(pair.acme.api.get("/api/v1/moderation/queue", admin))["reports"] == []

    sent = pair.ana.post("/report", {
        "memberId": str(pair.budi_api.id), "relationshipId": pair.id,
        "messageNumber": str(number), "reason": "asking_for_money",
        "details": "He asked me for money.",
    })
    assert sent.status_code in (302, 303), sent.text
    confirmation = pair.ana.client.get(sent.headers["location"], headers={"accept": "text/html"})
    assert confirmation.status_code == 200
    assert "your report was sent" in confirmation.text
    assert "You are not told what the moderators decide." in confirmation.text
    assert "Block Budi Santoso" in confirmation.text

    [report] = ok(pair.acme.api.get("/api/v1/moderation/queue", admin))["reports"]
    assert report["memberId"] == str(pair.budi_api.id)
    assert report["reporterId"] == str(pair.ana_api.id)
    assert report["reason"] == "asking_for_money"
    assert report["messageReport"] is True


def test_the_report_page_refuses_as_the_api_does(pair: Pair, acme_pages: TenantPages) -> None:
    mine: int = ok(pair.acme.api.post(f"/api/v1/relationships/{pair.id}/messages",
                                      pair.ana_api, json={"body": "Hola Budi"}), 201)["number"]
    own_message = pair.ana.get(f"/report?relationship={pair.id}&message={mine}")
    assert own_message.status_code == 422
    assert "you cannot report yourself" in own_message.text
    assert pair.ana.get(f"/report?member={pair.ana_api.id}").status_code == 422

    no_message = pair.ana.get(f"/report?relationship={pair.id}&message=99")
    assert no_message.status_code == 404
    assert "no message 99 in this relationship" in no_message.text

    # A stranger to the relationship finds nothing there, not even whose it is.
    carla = acme_pages.member("Carla Mendes", roles=["entrepreneur"])
    budis = _budi_writes(pair, "Hello Ana")
    stranger = carla.get(f"/report?relationship={pair.id}&message={budis}")
    assert stranger.status_code == 404
    assert "Budi Santoso" not in stranger.text
    assert carla.post("/report", {
        "memberId": str(pair.budi_api.id), "relationshipId": pair.id,
        "messageNumber": str(budis), "reason": "spam", "details": "Spam.",
    }).status_code == 404

    # Another tenant's member reads like nobody at all.
    served = acme_pages.served
    served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"))
    gil = TenantPages(served, "globex").member("Gil Globex", roles=["mentor"])
    for path in (f"/report?member={gil.member_id}", "/report?member=" + "0" * 8 + "-0000-"
                 "0000-0000-000000000000"):
        elsewhere = pair.ana.get(path)
        assert elsewhere.status_code == 404
        assert "Gil Globex" not in elsewhere.text
    assert pair.ana.post("/blocks", {"memberId": str(gil.member_id)}).status_code == 404


def test_blocking_a_mentor_withdraws_the_open_request_and_can_be_lifted(
    pair: Pair, acme_pages: TenantPages,
) -> None:
    api = pair.acme.api
    carlos = api.member("Carlos Vidal", roles=["mentor"])
    ok(api.put("/api/v1/profiles/mentor/me", carlos, json={
        "headline": "Retail for makers", "bio": "Shops in five countries.",
        "expertise": ["sales"], "industries": ["C"], "languages": ["es"], "country": "ES",
        "countriesOfExperience": ["ES"], "timeZone": "Europe/Madrid",
        "workingHours": WORKING_HOURS, "capacity": 3, "monthlyHours": 4,
    }))
    ok(api.post("/api/v1/relationships", pair.ana_api, json={
        "mentorId": str(carlos.id),
        "introduction": "I make pottery in Madrid and would like to sell it in shops.",
    }), 201)

    form = pair.ana.get(f"/report?member={carlos.id}")
    assert form.status_code == 200
    assert "Report Carlos Vidal" in visible(form)
    assert "no mentoring request can be made between the two of you" in form.text

    blocked = pair.ana.post("/blocks", {"memberId": str(carlos.id)})
    assert blocked.status_code == 200
    assert "You blocked Carlos Vidal." in blocked.text
    assert "1 open request between you was withdrawn." in blocked.text
    # Ana cannot ask him again while the block holds.
    again = api.post("/api/v1/relationships", pair.ana_api, json={
        "mentorId": str(carlos.id),
        "introduction": "I make pottery in Madrid and would like to sell it in shops.",
    })
    assert again.status_code == 403

    # Budi, with whom Ana has a relationship, is blocked too: the relationship carries on.
    with_budi = pair.ana.post("/blocks", {"memberId": str(pair.budi_api.id)})
    assert "Your relationship with them carries on until one of you ends it." in with_budi.text
    assert "You have blocked this member." in pair.ana.get(f"/report?member={carlos.id}").text

    listed = visible(pair.ana.get("/safety"))
    assert "Members you blocked" in listed
    assert listed.index("Budi Santoso") < listed.index("Carlos Vidal")
    # Carlos sees nobody on his own list: Ana blocked him, not he her.
    carlos_page = pair.browser(carlos).get("/safety")
    assert "You have not blocked anyone." in carlos_page.text

    lifted = pair.ana.post(f"/blocks/{carlos.id}/unblock")
    assert lifted.status_code == 200
    assert "You lifted your block of Carlos Vidal." in lifted.text
    assert "Carlos Vidal" not in visible(pair.ana.get("/safety")).split("Members you blocked")[1]
    ok(api.post("/api/v1/relationships", pair.ana_api, json={
        "mentorId": str(carlos.id),
        "introduction": "I make pottery in Madrid and would like to sell it in shops.",
    }), 201)
    # Lifting a block that is not there is refused, naming the problem.
    twice = pair.ana.post(f"/blocks/{carlos.id}/unblock")
    assert twice.status_code == 409
    assert "you have not blocked this member" in twice.text


def test_a_warned_member_reads_the_warning_on_the_safety_page(
    pair: Pair, acme_pages: TenantPages,
) -> None:
    number = _budi_writes(pair, "Let us continue on my private phone, it is cheaper.")
    nav = pair.budi.get("/relationships")
    assert 'href="/t/acme/safety"' in nav.text
    assert "The moderators have not warned you." in pair.budi.get("/safety").text

    pair.ana.post("/report", {
        "memberId": str(pair.budi_api.id), "relationshipId": pair.id,
        "messageNumber": str(number), "reason": "off_platform_solicitation",
        "details": "He wants to move off the platform.",
    })
    admin = acme_pages.member("Pia Admin", roles=["programme_admin"])
    [report] = ok(pair.acme.api.get("/api/v1/moderation/queue",
                                    pair.acme.api.member("Olu", roles=["programme_admin"])))[
        "reports"]
    warned = admin.post(f"/admin/moderation/{report['reportId']}/warn",
                        {"note": "Please keep conversations on the platform."})
    assert warned.status_code in (302, 303), warned.text

    page = pair.budi.get("/safety")
    words = visible(page)
    assert "Warnings from the moderators" in words
    assert "Asking to continue outside the platform" in words
    assert "off_platform_solicitation" not in words
    assert "Please keep conversations on the platform." in words
    assert "Ana Ruiz" not in words  # who reported is never shown


@pytest.mark.parametrize("locale", ["es", "fr", "ar", "id"])
def test_the_safety_pages_speak_the_readers_language(
    acme_pages: TenantPages, locale: str,
) -> None:
    gettext = translations_for(locale).gettext
    reader = acme_pages.member("Layla", roles=["entrepreneur"], locale=locale)
    other = acme_pages.member("Omar", roles=["mentor"])
    report = reader.get(f"/report?member={other.member_id}")
    safety = reader.get("/safety")
    for page in (report, safety):
        assert page.status_code == 200
        assert f'lang="{locale}"' in page.text
    for words in ("What is wrong?", "Asking for money", "Send the report"):
        assert gettext(words) != words
        assert html.escape(gettext(words), quote=False) in report.text
    for words in ("Warnings from the moderators", "Members you blocked",
                  "You have not blocked anyone."):
        assert gettext(words) != words
        assert html.escape(gettext(words), quote=False) in safety.text
    assert 'dir="rtl"' in safety.text if locale == "ar" else 'dir="ltr"' in safety.text
