"""On a 390-pixel phone no page is wider than the screen: the pages that were (the mentor
search with its long drop-down lists, the profile forms, the audit page's key and command, the
audit trail's filters, the admin's relationship table with its hidden column heading) fit, in
English and in Arabic, over the demo programme, with no serious accessibility violation (a table
that scrolls sideways can be scrolled by keyboard)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from infra.demo import DEMO_PASSWORD, add_demo_sample_data
from services.accounts.application import Accounts
from tests.browser.axe import axe_violations
from tests.browser.conftest import People, RunningSite, branded_tenant, sign_in
from tests.browser.test_every_page import OPERATOR

PHONE = 390
PAGES = {
    "entrepreneur@demo.example": ["/mentors", "/mentors?language=es", "/profile"],
    "mentor@demo.example": ["/profile?as=mentor"],
    "auditor@demo.example": ["/audit", "/audit/trail"],
    "admin@demo.example": ["/admin/relationships", "/admin/moderation", "/admin/members"],
}


def _overflowing(person: Page) -> list[str]:
    """The elements that reach past the screen's right edge (left edge in Arabic)."""
    found: list[str] = person.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        for (const el of document.querySelectorAll('main *')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && (box.right > width + 1 || box.left < -1)
                && !el.closest('.table-scroll, table')) out.push(el.tagName + '.' + el.className);
        }
        return out.slice(0, 5);
    }""")
    return found


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_page_is_wider_than_a_phone(site: RunningSite, people: People, locale: str) -> None:
    slug, _, _ = branded_tenant(site)
    add_demo_sample_data(site.ithaca, site.ithaca.tenant(slug), OPERATOR)
    accounts = site.ithaca.tenant_application(site.ithaca.tenant(slug), Accounts)
    for email, paths in PAGES.items():
        accounts.change_locale(accounts.member_id_for(email), locale, OPERATOR)
        person = people.person(mobile=True)
        sign_in(person, site, slug, email, DEMO_PASSWORD)
        for path in paths:
            answer = person.goto(site.url(slug, path))
            assert answer is not None
            assert answer.status == 200, path
            width = person.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE, (path, width, _overflowing(person))
            assert axe_violations(person) == [], path  # e.g. a table scrolled but unfocusable
        people.screenshot(person, f"{email.split('@')[0]}-{locale}")
