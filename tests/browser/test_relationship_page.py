"""The relationship page in Chromium, for both members: each sees when the other has read their
messages, and the page shows the other's clock now in words, the working hours they share and a
clock change ahead.

The server runs on the real clock, so the other member lives in whichever zone changes its
clocks next (within the 90 days the page looks ahead): Casablanca in December, New York in
October, and so on. Sofia is in Madrid, Karim in that zone."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time
from uuid import UUID

from babel import dates
from playwright.sync_api import Page, expect

from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.meetings.distance import LOOKAHEAD
from services.meetings.timezones import clock_changes
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurDetails, MentorDetails, WorkingHours
from tests.browser.conftest import People, RunningSite, branded_tenant, sign_in
from tests.projections.matching.people import INTRODUCTION
from tests.tenant_api import PASSWORD

OPERATOR = Actor(kind="cli", id="browser-test")
SOFIAS_ZONE = "Europe/Madrid"
WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]  # every day, so that the week shows shared hours whenever it runs


def _zone_changing_clocks_soon(other_than: str) -> str:
    """The zone whose next clock change comes soonest, within the page's look-ahead."""
    now = datetime.now(UTC)
    soonest: tuple[datetime, str] | None = None
    for name in sorted(zoneinfo.available_timezones()):
        if name == other_than or not name[0].isupper() or name.startswith(("Etc/", "SystemV")):
            continue
        changes = clock_changes(name, now, now + LOOKAHEAD)
        if changes and (soonest is None or changes[0].at < soonest[0]):
            soonest = (changes[0].at, name)
    assert soonest, "no zone changes its clocks within the look-ahead"
    return soonest[1]


def _sofia_and_karim(site: RunningSite, slug: str, karims_zone: str) -> UUID:
    tenant = site.ithaca.tenant(slug)
    accounts = site.ithaca.tenant_application(tenant, Accounts)
    profiles = site.ithaca.tenant_application(tenant, Profiles)
    mentoring = site.ithaca.tenant_application(tenant, Mentoring)
    sofia, _ = accounts.create_member(email="sofia@example.org", name="Sofia Marín",
                                      password=PASSWORD, roles=[Role.ENTREPRENEUR],
                                      locale="en", actor=OPERATOR)
    karim, _ = accounts.create_member(email="karim@example.org", name="Karim Alaoui",
                                      password=PASSWORD, roles=[Role.MENTOR], locale="en",
                                      actor=OPERATOR)
    all_day = WorkingHours(start=time(0), end=time(23, 59), weekdays=WEEKDAYS)
    profiles.save_entrepreneur_profile(sofia.id, EntrepreneurDetails(
        business_name="Cerámica Marín", description="Handmade pottery.", stage="early",
        industry="C", country="ES", languages=["es", "en"], time_zone=SOFIAS_ZONE,
        working_hours=all_day, challenges="Export pricing.", goals="A first shop abroad.",
        employees=3), OPERATOR)
    profiles.save_mentor_profile(karim.id, MentorDetails(
        headline="Export for makers", bio="Twenty years exporting crafts.",
        expertise=["finance"], industries=["C"], languages=["en"], country="US",
        countries_of_experience=["ES"], time_zone=karims_zone, working_hours=all_day,
        capacity=3, monthly_hours=8), OPERATOR)
    relationship = mentoring.request_mentor(sofia.id, karim.id, INTRODUCTION, OPERATOR)
    as_karim = Caller(member_id=karim.id, roles=frozenset({Role.MENTOR}), session_id=karim.id,
                      locale="en")
    mentoring.accept(relationship.relationship.id, as_karim, as_karim.actor())
    mentoring.start(relationship.relationship.id, as_karim, as_karim.actor())
    return relationship.relationship.id


def _opened(person: Page, site: RunningSite, slug: str, relationship_id: UUID) -> None:
    person.goto(site.url(slug, f"/relationships/{relationship_id}"))


def test_both_see_read_receipts_and_the_others_clock_shared_hours_and_clock_change(
    site: RunningSite, people: People,
) -> None:
    slug = branded_tenant(site).slug
    karims_zone = _zone_changing_clocks_soon(SOFIAS_ZONE)
    relationship_id = _sofia_and_karim(site, slug, karims_zone)
    sofia, karim = people.person(mobile=True), people.person()
    sign_in(sofia, site, slug, "sofia@example.org", PASSWORD)
    sign_in(karim, site, slug, "karim@example.org", PASSWORD)

    # Sofia writes; her message waits unread until Karim opens the conversation.
    _opened(sofia, site, slug, relationship_id)
    sofia.locator("#field-body").fill("Hola Karim, can we talk on Tuesday?")
    sofia.get_by_role("button", name="Send").click()
    mine = sofia.locator(".message.mine").last
    expect(mine.locator(".read-receipt")).to_have_text("Not read yet")
    _opened(karim, site, slug, relationship_id)
    expect(karim.locator(".message").last).to_contain_text("can we talk on Tuesday?")
    expect(karim.get_by_role("link", name="Report", exact=True)).to_be_visible()
    sofia.reload()
    expect(sofia.locator(".message.mine .read-receipt")).to_contain_text(
        "Read by Karim Alaoui on")

    # Karim answers; Sofia's visit is his receipt.
    karim.locator("#field-body").fill("Yes, Tuesday suits me.")
    karim.get_by_role("button", name="Send").click()
    expect(karim.locator(".message.mine .read-receipt")).to_have_text("Not read yet")
    sofia.reload()
    karim.reload()
    expect(karim.locator(".message.mine .read-receipt")).to_contain_text("Read by Sofia Marín on")

    # The other's clock in words, the hours they share, and the clock change ahead.
    place = dates.get_timezone_location(zoneinfo.ZoneInfo(karims_zone), locale="en")
    aids = sofia.locator("#distance")
    expect(aids.locator(".their-time")).to_contain_text("Karim Alaoui's time now: ")
    expect(aids.locator(".their-time")).to_contain_text(f"({place})")
    expect(aids.locator(".shared-hours li")).to_have_count(7)
    expect(aids.locator(".shared-hours li").first).to_contain_text("\N{EN DASH}")
    expect(aids.locator(".clock-changes li").first).to_contain_text(
        "the clocks of Karim Alaoui go")
    assert karims_zone not in sofia.content()
    expect(karim.locator("#distance .clock-changes li").first).to_contain_text("your clocks go")
    fits = sofia.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert fits, "the relationship page runs off a phone's screen"
    people.screenshot(sofia, "sofia-phone")
    people.screenshot(karim, "karim-desktop")
