"""Every page, in each of the five languages, under a brand (a different one on each backend),
over the demo programme: it answers, in the reader's language and direction, under its own brand
and no other, with the member's navigation translated, and axe-core finds no serious or critical
accessibility violation on it.

The two backends share the sweep: each (page, language) pair is visited on one of them,
alternately, so every page is seen in every language, and under both brands, with half the
page loads of visiting all of them twice (nothing in a page's language depends on the backend).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from infra.demo import DEMO_PASSWORD, add_demo_sample_data
from infra.web.i18n import RIGHT_TO_LEFT, translations_for
from services.accounts.application import Accounts
from services.actor import Actor
from tenants.domain import INTERFACE_LOCALES, Branding
from tests.browser.axe import axe_violations
from tests.browser.conftest import BRANDS, People, RunningSite, branded_tenant, sign_in

OPERATOR = Actor(kind="cli", id="browser-test")
PUBLIC = ["/", "/sign-in", "/sign-up", "/sign-up?role=mentor", "/forgot-password"]
ENTREPRENEUR = ["/mentors", "/mentors?language=es", "{mentor}", "/my-requests",
                "/relationships", "{relationship}", "/profile", "/onboarding",
                "/onboarding/self-assessment", "/onboarding/baseline-survey", "/my-data",
                "/surveys", "/safety", "/notifications", "/settings/notifications"]
MENTOR = ["/requests", "{decline}", "/mentees", "/profile?as=mentor", "/relationships", "/hours",
          "/notifications", "/settings/notifications"]
ADMIN = ["/admin", "/admin/members", "/admin/relationships", "/admin/moderation",
         "/admin/dashboard", "/admin/matching", "/settings", "/settings/branding",
         "/settings/domains", "/settings/languages", "/settings/programme", "/settings/members",
         "/admin/nudges", "/admin/notifications/preview", "/admin/notifications/deliveries"]
AUDITOR = ["/audit", "/audit/trail", "/audit/replay", "/audit/compare", "/admin/dashboard"]
LINKS = {  # where the link is, and what it looks like
    "{mentor}": ("/mentors", r"/mentors/[0-9a-f-]{36}$"),
    "{relationship}": ("/relationships", r"/relationships/[0-9a-f-]{36}$"),
    "{decline}": ("/requests", r"/requests/[0-9a-f-]{36}/decline$"),
}


def _resolve(person: Page, site: RunningSite, slug: str, path: str) -> str:
    """A page reached by a link (a mentor's profile, a relationship): the first such link on
    the page that lists them."""
    if path not in LINKS:
        return site.url(slug, path)
    person.goto(site.url(slug, LINKS[path][0]))
    links = person.locator("main a[href]")
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href") or ""
        if re.search(LINKS[path][1], href):
            return site.url(slug, href.removeprefix(f"/t/{slug}"))
    pytest.fail(f"no link like {path} on {LINKS[path][0]}")


def _check(person: Page, url: str, locale: str, branding: Branding, other: str,
           *, signed_in: bool) -> None:
    answer = person.goto(url)
    assert answer is not None
    assert answer.status == 200, url
    html = person.locator("html")
    assert html.get_attribute("lang") == locale, url
    assert html.get_attribute("dir") == ("rtl" if locale in RIGHT_TO_LEFT else "ltr"), url
    assert person.locator(".site-header .product-name").inner_text() == branding.product_name
    text = person.locator("body").inner_text()
    assert other not in text, url
    if signed_in:
        assert translations_for(locale).gettext("Sign out") in text, url
    assert axe_violations(person) == [], (url, locale)


def test_every_page_in_every_language_under_its_brand(site: RunningSite, people: People) -> None:
    slug, branding, other = branded_tenant(site)
    add_demo_sample_data(site.ithaca, site.ithaca.tenant(slug), OPERATOR)
    accounts = site.ithaca.tenant_application(site.ithaca.tenant(slug), Accounts)
    members = {"entrepreneur@demo.example": ENTREPRENEUR, "mentor@demo.example": MENTOR,
               "admin@demo.example": ADMIN, "auditor@demo.example": AUDITOR}
    browsers = {email: people.person() for email in members}
    for email, person in browsers.items():
        sign_in(person, site, slug, email, DEMO_PASSWORD)
    visitor = people.person()
    visitor.context.add_cookies([{"name": "ithaca_locale", "value": "en",
                                  "url": site.url(slug)}])
    pages = [(None, site.url(slug, path)) for path in PUBLIC] + [
        (email, _resolve(browsers[email], site, slug, path))
        for email, paths in members.items() for path in paths]
    backend = [brand_slug for brand_slug, _ in BRANDS.values()].index(slug)

    for number, locale in enumerate(INTERFACE_LOCALES):
        visitor.context.add_cookies([{"name": "ithaca_locale", "value": locale,
                                      "url": site.url(slug)}])
        for email in members:
            accounts.change_locale(accounts.member_id_for(email), locale, OPERATOR)
        for page, (member, url) in enumerate(pages):
            if (page + number + backend) % 2:
                continue  # this pair is the other backend's
            person = browsers[member] if member else visitor
            _check(person, url, locale, branding, other, signed_in=member is not None)
        people.screenshot(browsers["entrepreneur@demo.example"], f"relationship-{locale}")
