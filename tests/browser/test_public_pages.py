"""Public pages in a real browser: two brands on their own hosts, and a visitor who joins in
Arabic (right to left)."""

from __future__ import annotations

from playwright.sync_api import expect

from infra.web.pages.brand_colours import contrast_ratio
from services.actor import Actor
from tenants.domain import Branding
from tests.browser.conftest import People, RunningSite

OPERATOR = Actor(kind="cli", id="browser-test")


def test_each_brand_shows_only_itself_on_its_own_host(site: RunningSite, people: People) -> None:
    registry = site.ithaca.registry
    registry.provision_tenant(slug="acme", display_name="Acme Mentoring", actor=OPERATOR)
    registry.provision_tenant(slug="globex", display_name="Globex Volunteers", actor=OPERATOR)
    registry.rebrand_tenant("globex", Branding(
        product_name="Globex Volunteers", primary_colour="#7a1f5c", accent_colour="#ffd166",
        support_email="help@globex.example"), OPERATOR)

    visitor = people.person()
    visitor.goto(site.url("acme"))
    expect(visitor.locator(".product-name")).to_have_text("Acme Mentoring")
    assert "Globex" not in visitor.content()
    people.screenshot(visitor, "acme-landing")

    visitor.goto(site.url("globex"))
    expect(visitor.locator(".product-name")).to_have_text("Globex Volunteers")
    header = visitor.locator(".site-header")
    assert header.evaluate("element => getComputedStyle(element).backgroundColor") == (
        "rgb(122, 31, 92)")
    assert "Acme" not in visitor.content()
    expect(visitor.get_by_role("link", name="help@globex.example")).to_be_visible()
    people.screenshot(visitor, "globex-landing")


def test_text_stays_readable_on_any_brand_colour(site: RunningSite, people: People) -> None:
    registry = site.ithaca.registry
    registry.provision_tenant(slug="sunny", display_name="Sunny Mentors", actor=OPERATOR)
    registry.rebrand_tenant("sunny", Branding(
        product_name="Sunny Mentors", primary_colour="#ffd166", accent_colour="#fff3b0"),
        OPERATOR)
    visitor = people.person()
    visitor.goto(site.url("sunny"))
    for element in (".site-header .product-name", ".main-nav a.button", "main a.button",
                    "main a.button.secondary"):
        pair = visitor.locator(element).first.evaluate(_COLOURS)
        assert contrast_ratio(*pair) >= 4.5, (element, pair)
    people.screenshot(visitor, "sunny-landing")


# The text colour and the nearest opaque background of an element, as #rrggbb.
_COLOURS = """element => {
  const hex = value => '#' + value.match(/\\d+/g).slice(0, 3)
    .map(part => Number(part).toString(16).padStart(2, '0')).join('');
  let holder = element;
  while (holder && getComputedStyle(holder).backgroundColor === 'rgba(0, 0, 0, 0)') {
    holder = holder.parentElement;
  }
  const background = holder ? getComputedStyle(holder).backgroundColor : 'rgb(255, 255, 255)';
  return [hex(getComputedStyle(element).color), hex(background)];
}"""


def test_a_visitor_joins_in_arabic_right_to_left_and_signs_out(
    site: RunningSite, people: People,
) -> None:
    site.ithaca.registry.provision_tenant(slug="acme", display_name="Acme Mentoring",
                                          actor=OPERATOR)
    layla = people.person(locale="ar-EG", time_zone="Africa/Cairo", mobile=True)
    layla.goto(site.url("acme"))
    html = layla.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    people.screenshot(layla, "landing-ar-mobile")

    layla.goto(site.url("acme", "/sign-up?role=entrepreneur"))
    layla.locator("#field-name").fill("Layla Hassan")
    layla.locator("#field-email").fill("layla@example.org")
    layla.locator("#field-password").fill("short")
    layla.locator("form.stacked button[type=submit]").click()
    expect(layla.locator("#error-password")).to_be_visible()
    expect(layla.locator("#field-name")).to_have_value("Layla Hassan")
    people.screenshot(layla, "sign-up-error-ar")

    layla.locator("#field-password").fill("a long enough password")
    layla.locator("form.stacked button[type=submit]").click()
    layla.wait_for_url("**/onboarding**")
    layla.goto(site.url("acme"))
    layla.locator(".main-nav form button").click()
    layla.wait_for_url(site.url("acme"))
    expect(layla.locator(".main-nav")).not_to_contain_text("Layla")
