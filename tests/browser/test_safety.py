"""Safety in a real browser, over the demo programme: Grace (an entrepreneur, on a phone) reports
one of her mentor's messages and blocks her; the programme admin warns the mentor from the
moderation queue; the mentor finds the warning on her safety page, from the navigation."""

from __future__ import annotations

from urllib.parse import urljoin

from playwright.sync_api import Page, expect

from infra.demo import DEMO_PASSWORD, add_demo_sample_data
from services.actor import Actor
from tests.browser.conftest import People, RunningSite, sign_in

OPERATOR = Actor(kind="cli", id="browser-test")
DETAILS = "She asked me to pay her consulting fee into a private account."
NOTE = "Fees are never paid between members; please keep to the programme's rules."


def _fits_a_phone(person: Page) -> None:
    assert person.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"), person.url


def _conversation_with_her_messages(grace: Page) -> str:
    """The address of Grace's relationship with Elena in which Elena has written (the list
    may hold an earlier one too)."""
    links = grace.locator("main a[href*='/relationships/']", has_text="Elena")
    addresses = [urljoin(grace.url, links.nth(i).get_attribute("href") or "")
                 for i in range(links.count())]
    for address in addresses:
        grace.goto(address)
        if grace.locator("#conversation a[href*='/report?']").count():
            return address
    raise AssertionError(f"Elena wrote in none of {addresses}")


def test_a_member_reports_and_blocks_the_admin_warns_and_the_member_reads_it(
    site: RunningSite, people: People,
) -> None:
    site.ithaca.registry.provision_tenant(slug="umbrella", display_name="Umbrella Mentorat",
                                          actor=OPERATOR, default_locale="en")
    add_demo_sample_data(site.ithaca, site.ithaca.tenant("umbrella"), OPERATOR)

    # Grace reports one of Elena's messages from the conversation.
    grace = people.person(locale="en-KE", time_zone="Africa/Nairobi", mobile=True)
    sign_in(grace, site, "umbrella", "entrepreneur@demo.example", DEMO_PASSWORD)
    grace.goto(site.url("umbrella", "/relationships"))
    elenas = grace.locator("main a[href*='/relationships/']", has_text="Elena")
    expect(elenas.first).to_be_visible()
    grace.goto(_conversation_with_her_messages(grace))
    grace.locator("#conversation a[href*='/report?']").first.click()
    expect(grace.locator("h1")).to_contain_text("Report a message from Elena")
    expect(grace.locator("main blockquote")).not_to_be_empty()
    _fits_a_phone(grace)
    people.screenshot(grace, "report-form")
    grace.get_by_label("Asking for money").check()
    grace.get_by_label("What happened").fill(DETAILS)
    grace.get_by_role("button", name="Send the report").click()
    expect(grace.locator("h1")).to_have_text("Thank you: your report was sent")
    expect(grace.locator("main")).to_contain_text("You are not told what the moderators decide.")
    people.screenshot(grace, "report-sent")

    # ... and blocks her, from the same page.
    grace.get_by_role("button", name="Block Elena").click()
    expect(grace.locator(".notice")).to_contain_text("You blocked Elena")
    expect(grace.locator("#blocked")).to_contain_text("Elena")
    _fits_a_phone(grace)
    people.screenshot(grace, "blocked")

    # The programme admin warns Elena on the report, from the moderation queue.
    admin = people.person(locale="en-GB", time_zone="Europe/Madrid")
    sign_in(admin, site, "umbrella", "programme@demo.example", DEMO_PASSWORD)
    admin.goto(site.url("umbrella", "/admin/moderation"))
    report = admin.locator("main article", has_text=DETAILS)
    warn = report.locator("form[action$='/warn']")
    warn.locator("textarea").fill(NOTE)
    warn.locator("button[type=submit]").click()
    admin.wait_for_url("**/admin/moderation")
    expect(admin.locator("main article", has_text=DETAILS)).to_have_count(0)

    # Elena reads the warning on her safety page, found from the navigation.
    elena = people.person(locale="en-GB", time_zone="Europe/Madrid", mobile=True)
    sign_in(elena, site, "umbrella", "mentor@demo.example", DEMO_PASSWORD)
    elena.locator("nav.main-nav a", has_text="Safety").click()
    warnings = elena.locator("#warnings")
    expect(warnings).to_contain_text(NOTE)
    expect(warnings).to_contain_text("Asking for money")
    expect(warnings).not_to_contain_text("Grace")
    _fits_a_phone(elena)
    people.screenshot(elena, "warning")
