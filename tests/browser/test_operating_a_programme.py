"""The people who run programmes, in a real browser: the platform operator provisions a tenant
whose brand and language then show on its own host, and suspends it; a tenant admin, reading in
Indonesian, edits the brand with a live preview before saving it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from tests.browser.conftest import People, RunningSite

OPERATOR = Actor(kind="cli", id="browser-test")
PASSWORD = "a long enough password"  # noqa: S105 - a test member's


def _colour_of(page: Page, selector: str) -> str:
    colour: str = page.locator(selector).evaluate(
        "element => getComputedStyle(element).backgroundColor")
    return colour


def test_the_operator_provisions_a_tenant_whose_brand_then_shows_and_suspends_it(
    site: RunningSite, people: People,
) -> None:
    token = site.ithaca.registry.add_operator("olga", OPERATOR)
    olga = people.person(locale="en-GB", time_zone="Europe/London")
    olga.goto(site.url(None, "/platform/tenants"))
    olga.wait_for_url("**/platform/sign-in**")
    olga.locator("#field-token").fill(token)
    olga.locator("form.stacked button[type=submit]").click()
    olga.wait_for_url("**/platform/tenants")

    olga.get_by_role("link", name="Provision a tenant").click()
    olga.locator("#field-slug").fill("initech")
    olga.locator("#field-displayName").fill("Initech Mentorat")
    olga.locator("#field-defaultLocale").select_option("fr")
    olga.locator("#field-timeZone").fill("Europe/Paris")
    olga.locator("#field-productName").fill("Initech Mentorat")
    olga.locator("#field-primaryColour").fill("#2a9d8f")
    olga.locator("#field-accentColour").fill("#e9c46a")
    olga.locator("#field-supportEmail").fill("aide@initech.example")
    people.screenshot(olga, "operator-new-tenant")
    olga.locator("form.stacked button[type=submit]").click()
    olga.wait_for_url("**/platform/tenants")
    row = olga.locator("tr", has_text="initech")
    expect(row).to_be_visible()
    people.screenshot(olga, "operator-tenants")

    # A visitor whose browser asks for German gets the tenant's default language, French.
    visitor = people.person(locale="de-DE", time_zone="Europe/Berlin")
    visitor.goto(site.url("initech"))
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    expect(visitor.locator(".product-name")).to_have_text("Initech Mentorat")
    assert _colour_of(visitor, ".site-header") == "rgb(42, 157, 143)"
    expect(visitor.get_by_role("link", name="aide@initech.example")).to_be_visible()
    people.screenshot(visitor, "initech-landing-fr")

    row.locator("input[name=reason]").fill("Contract ended")
    row.locator("button.danger").click()
    olga.wait_for_url("**/platform/tenants")
    expect(olga.locator("tr", has_text="initech").locator("button[type=submit]")).not_to_have_class(
        "danger")

    suspended = visitor.goto(site.url("initech", "/sign-in"))
    assert suspended is not None
    assert suspended.status == 403
    # Under its brand and in its language, and nothing to sign in to.
    expect(visitor.locator("main")).to_contain_text("Initech Mentorat (initech)")
    expect(visitor.locator("main")).to_contain_text("suspendu")
    assert _colour_of(visitor, ".site-header") == "rgb(42, 157, 143)"
    expect(visitor.locator(".main-nav")).to_have_count(0)
    people.screenshot(visitor, "initech-suspended-fr")


def test_a_tenant_admin_reading_indonesian_edits_the_brand_with_a_live_preview(
    site: RunningSite, people: People,
) -> None:
    site.ithaca.registry.provision_tenant(slug="acme", display_name="Acme Mentoring",
                                          actor=OPERATOR, default_locale="en")
    dewi = people.person(locale="id-ID", time_zone="Asia/Jakarta")
    dewi.goto(site.url("acme", "/sign-up?role=mentor"))
    dewi.locator("#field-name").fill("Dewi Lestari")
    dewi.locator("#field-email").fill("dewi@acme.example")
    dewi.locator("#field-password").fill(PASSWORD)
    dewi.locator("form.stacked button[type=submit]").click()
    dewi.wait_for_url("**/onboarding**")
    accounts = site.ithaca.tenant_application(site.ithaca.tenant("acme"), Accounts)
    accounts.change_roles(accounts.member_id_for("dewi@acme.example"),
                          [Role.MENTOR, Role.TENANT_ADMIN], "runs the programme", OPERATOR)

    dewi.goto(site.url("acme", "/settings/branding"))
    expect(dewi.locator("html")).to_have_attribute("lang", "id")
    expect(dewi.locator("h1")).to_have_text("Merek")
    dewi.locator("#field-productName").fill("Acme Mentor Nusantara")
    dewi.locator("#field-primaryColour").fill("#b5179e")
    # The preview follows the typing before anything is saved.
    preview = dewi.locator("#brand-preview")
    expect(preview.locator(".product-name")).to_have_text("Acme Mentor Nusantara")
    expect(dewi.locator(".site-header .product-name")).to_have_text("Acme Mentoring")
    expect(preview.locator(".brand-preview")).to_have_attribute("data-primary", "#b5179e")
    people.screenshot(dewi, "branding-preview-id")

    dewi.locator("form.stacked button[type=submit]").click()
    expect(dewi.locator(".notice")).to_be_visible()
    expect(dewi.locator(".site-header .product-name")).to_have_text("Acme Mentor Nusantara")
    assert _colour_of(dewi, ".site-header") == "rgb(181, 23, 158)"
    people.screenshot(dewi, "branding-saved-id")
