"""The mentoring pages: an entrepreneur finds a mentor (with why they match), asks for mentoring
and follows the request; the mentor answers it and sees their mentees."""

from __future__ import annotations

import html
from uuid import UUID

from tests.projections.matching.people import INTRODUCTION, entrepreneur, mentor, request
from tests.tenant_api import SignedInMember
from tests.web.pages.conftest import TenantPages, Visitor


def _signed_in(acme_pages: TenantPages, member: SignedInMember) -> Visitor:
    person = acme_pages.visitor()
    person.sign_in(member.email)
    person.member_id = member.id
    return person


def _people(acme_pages: TenantPages) -> tuple[SignedInMember, SignedInMember, SignedInMember]:
    api = acme_pages.api
    maria = mentor(api, "Maria Lopez", expertise=["finance"], languages=["en", "es"],
                   headline="Cash flow and pricing for small makers")
    pierre = mentor(api, "Pierre Martin", expertise=["marketing"], languages=["fr", "en"],
                    country="FR", timeZone="Europe/Paris",
                    headline="Brands that sell across borders")
    ana = entrepreneur(api, "Ana Pereira", needs=["finance"], languages=["es", "en"])
    acme_pages.project()
    return maria, pierre, ana


def test_an_entrepreneur_finds_a_mentor_with_why_and_searches_by_language(
    acme_pages: TenantPages,
) -> None:
    maria, _, ana_member = _people(acme_pages)
    ana = _signed_in(acme_pages, ana_member)

    page = ana.get("/mentors")
    assert page.status_code == 200, page.text
    assert "Recommended for you" in page.text
    assert "Maria Lopez" in page.text
    assert f'href="/t/acme/mentors/{maria.id}"' in page.text
    assert "Why this match" in page.text
    assert "Expertise in what you need" in page.text
    assert "<meter" in page.text
    assert "Spanish" in page.text
    assert "Finance" in page.text

    found = ana.get("/mentors", params={"language": "fr"})
    assert found.status_code == 200
    assert "Mentors who match your search" in found.text
    assert "Pierre Martin" in found.text
    assert "Maria Lopez" not in found.text
    assert 'value="fr" selected' in found.text

    swapped = ana.htmx_get("/mentors", params={"language": "es"})
    assert swapped.status_code == 200
    assert "<html" not in swapped.text
    assert 'id="mentor-results"' in swapped.text
    assert "Maria Lopez" in swapped.text
    assert "Pierre Martin" not in swapped.text

    wrong = ana.get("/mentors", params={"country": "XX"})
    assert wrong.status_code == 400
    assert 'id="error-country"' in wrong.text


def test_an_entrepreneur_asks_for_mentoring_and_the_mentor_accepts(
    acme_pages: TenantPages,
) -> None:
    maria_member, _, ana_member = _people(acme_pages)
    ana = _signed_in(acme_pages, ana_member)

    profile = ana.get(f"/mentors/{maria_member.id}")
    assert profile.status_code == 200
    assert "Cash flow and pricing for small makers" in profile.text
    assert "Request mentoring" in profile.text

    short = ana.post(f"/mentors/{maria_member.id}/request", {"introduction": "Hello, help me"})
    assert short.status_code == 400
    assert 'id="error-introduction"' in short.text
    assert "Hello, help me</textarea>" in short.text

    sent = ana.post(f"/mentors/{maria_member.id}/request", {"introduction": INTRODUCTION})
    assert sent.status_code in (302, 303), sent.text
    assert sent.headers["location"].startswith("/t/acme/my-requests?sent=")
    mine = ana.get(sent.headers["location"].removeprefix("/t/acme"))
    assert "Your request has been sent" in mine.text
    assert "Maria Lopez" in mine.text
    assert "Withdraw my request" in mine.text
    assert "You already have a request" in ana.get(f"/mentors/{maria_member.id}").text

    maria = _signed_in(acme_pages, maria_member)
    incoming = maria.get("/requests")
    assert incoming.status_code == 200
    assert "Ana Pereira" in incoming.text
    assert html.escape(INTRODUCTION) in incoming.text
    action = incoming.text.split('action="/t/acme/requests/')[1].split('"')[0]
    relationship_id = UUID(action.split("/")[0])

    accepted = maria.post(f"/requests/{relationship_id}/accept")
    assert accepted.status_code in (302, 303)
    after = maria.get(accepted.headers["location"].removeprefix("/t/acme"))
    assert "You accepted the request" in after.text
    assert "No request is waiting for your answer" in after.text
    mentees = maria.get("/mentees")
    assert "Ana Pereira" in mentees.text
    assert f'href="/t/acme/relationships/{relationship_id}"' in mentees.text
    mentors = ana.get("/my-requests")
    assert "My mentors" in mentors.text
    assert f'href="/t/acme/relationships/{relationship_id}"' in mentors.text


def test_a_mentor_declines_with_a_reason_and_an_entrepreneur_withdraws(
    acme_pages: TenantPages,
) -> None:
    maria_member, pierre_member, ana_member = _people(acme_pages)
    relationship_id = request(acme_pages.api, ana_member, maria_member)
    maria = _signed_in(acme_pages, maria_member)

    form = maria.get(f"/requests/{relationship_id}/decline")
    assert form.status_code == 200
    assert html.escape(INTRODUCTION) in form.text
    missing = maria.post(f"/requests/{relationship_id}/decline", {"note": "Full until March"})
    assert missing.status_code == 400
    assert 'id="error-reason"' in missing.text
    assert "Full until March</textarea>" in missing.text

    declined = maria.post(f"/requests/{relationship_id}/decline",
                          {"reason": "too_busy", "note": "Full until March"})
    assert declined.status_code in (302, 303), declined.text
    assert "You declined the request" in maria.get("/requests?done=declined").text

    ana = _signed_in(acme_pages, ana_member)
    mine = ana.get("/my-requests")
    assert "Declined" in mine.text
    assert "Full until March" not in mine.text

    pierre_request = request(acme_pages.api, ana_member, pierre_member)
    withdrawn = ana.post(f"/my-requests/{pierre_request}/withdraw")
    assert withdrawn.status_code in (302, 303)
    again = ana.get("/my-requests")
    assert "Withdrawn" in again.text
    assert "No request is waiting for an answer" in again.text


def test_an_entrepreneur_cannot_open_a_mentors_pages(acme_pages: TenantPages) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    for path in ("/requests", "/mentees"):
        refused = ana.get(path)
        assert refused.status_code == 403
        assert "<html" in refused.text
    assert acme_pages.member("Ben", roles=["mentor"]).get("/my-requests").status_code == 403


def test_the_search_offers_only_what_mentors_have_and_each_match_shows_its_score(
    acme_pages: TenantPages,
) -> None:
    _, _, ana_member = _people(acme_pages)
    ana = _signed_in(acme_pages, ana_member)

    page = ana.get("/mentors")
    assert page.status_code == 200
    speaks = page.text.split('name="language"')[1].split("</select>")[0]
    # The languages Maria and Pierre speak, not the 640 of ISO 639.
    assert sorted(html.unescape(option) for option in _option_values(speaks)) == [
        "", "en", "es", "fr"]
    assert "Swahili" not in speaks
    countries = page.text.split('name="country"')[1].split("</select>")[0]
    assert "FR" in _option_values(countries)
    assert "JP" not in _option_values(countries)
    assert len(page.text) < 60_000

    # A choice a link carries stays chosen even when no mentor has it.
    kept = ana.get("/mentors", params={"language": "sw"})
    assert 'value="sw" selected' in kept.text

    # Each card shows its overall score; the waiting-requests penalty is best when empty.
    assert "Match score" in page.text
    assert 'optimum="0"' in page.text  # the penalty's bar: full is bad news
    assert 'optimum="1"' in page.text


def _option_values(select: str) -> list[str]:
    return [part.split('"')[0] for part in select.split('<option value="')[1:]]
