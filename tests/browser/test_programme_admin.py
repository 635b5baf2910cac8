"""The programme admin's pages in a real browser, in French, over the demo programme (nine months
of members, relationships, meetings and surveys from `ithaca demo`'s story): members,
relationships, the moderation queue, the impact dashboard's charts with their tables and CSV, and
the matching weights. Each page must show something meaningful, not an empty state."""

from __future__ import annotations

import csv
import io
import re
import time

from playwright.sync_api import Page, expect

from infra.demo import DEMO_PASSWORD, add_demo_sample_data
from services.actor import Actor
from tests.browser.conftest import People, RunningSite, sign_in

OPERATOR = Actor(kind="cli", id="browser-test")


def _when_caught_up(person: Page, check: str, seconds: float = 60) -> None:
    """Reloads until the read models (brought up to date by the server in the background after
    the story was written) show `check`."""
    deadline = time.monotonic() + seconds
    while check not in person.locator("main").inner_text():
        assert time.monotonic() < deadline, f"never showed {check!r}"
        time.sleep(0.5)
        person.reload()


def test_the_programme_admin_reads_the_demo_programme_in_french(
    site: RunningSite, people: People,
) -> None:
    site.ithaca.registry.provision_tenant(slug="umbrella", display_name="Umbrella Mentorat",
                                          actor=OPERATOR, default_locale="fr")
    add_demo_sample_data(site.ithaca, site.ithaca.tenant("umbrella"), OPERATOR)
    admin = people.person(locale="fr-FR", time_zone="Europe/Paris")
    sign_in(admin, site, "umbrella", "programme@demo.example", DEMO_PASSWORD)

    admin.goto(site.url("umbrella", "/admin/dashboard"))
    # The admin's account says English; they choose French for themselves, and it stays.
    expect(admin.locator("html")).to_have_attribute("lang", "en")
    admin.locator("#language-choice").select_option("fr")
    admin.locator("form.language-switcher button").click()
    admin.wait_for_url("**/admin/dashboard")
    expect(admin.locator("html")).to_have_attribute("lang", "fr")
    expect(admin.locator("h1")).to_have_text("Tableau de bord d'impact")
    _when_caught_up(admin, "12")
    charts = admin.locator("section.chart")
    assert charts.count() >= 8
    for index in range(charts.count()):
        chart = charts.nth(index)
        image = chart.locator("img")
        image.scroll_into_view_if_needed()
        expect(image).to_have_attribute("alt", re.compile(".+"))
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), (
            chart.locator("h2").inner_text())
        assert chart.locator("tbody tr").count() >= 1
    people.screenshot(admin, "dashboard-fr")

    with admin.expect_download() as download:
        admin.locator("a[href*='dashboard.csv']").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert len(rows) > 20

    admin.goto(site.url("umbrella", "/admin/members"))
    expect(admin.locator("html")).to_have_attribute("lang", "fr")
    expect(admin.locator("main")).to_contain_text("Elena")
    assert admin.locator("main tbody tr").count() >= 20
    people.screenshot(admin, "members-fr")

    admin.goto(site.url("umbrella", "/admin/relationships"))
    assert admin.locator("main tbody tr").count() >= 12
    people.screenshot(admin, "relationships-fr")

    admin.goto(site.url("umbrella", "/admin/moderation"))
    assert admin.locator("main form[action*='/admin/moderation/']").count() >= 2
    people.screenshot(admin, "moderation-fr")

    admin.goto(site.url("umbrella", "/admin/matching"))
    expect(admin.locator("main input[type=number]").first).to_be_visible()
    people.screenshot(admin, "matching-fr")


def test_the_demos_mentor_and_entrepreneur_see_a_lived_in_programme(
    site: RunningSite, people: People,
) -> None:
    site.ithaca.registry.provision_tenant(slug="umbrella", display_name="Umbrella Mentorat",
                                          actor=OPERATOR, default_locale="en")
    add_demo_sample_data(site.ithaca, site.ithaca.tenant("umbrella"), OPERATOR)

    grace = people.person(locale="en-KE", time_zone="Africa/Nairobi", mobile=True)
    sign_in(grace, site, "umbrella", "entrepreneur@demo.example", DEMO_PASSWORD)
    grace.goto(site.url("umbrella", "/relationships"))
    _when_caught_up(grace, "Elena")
    grace.locator("a[href*='/relationships/']", has_text="Elena").first.click()
    expect(grace.locator("#conversation li").first).to_be_visible()
    expect(grace.locator(".meeting").first).to_be_visible()
    people.screenshot(grace, "entrepreneur-workspace")
    grace.goto(site.url("umbrella", "/mentors"))
    expect(grace.locator(".mentor-card").first).to_be_visible()
    people.screenshot(grace, "entrepreneur-recommendations")

    elena = people.person(locale="es-ES", time_zone="Europe/Madrid")
    sign_in(elena, site, "umbrella", "mentor@demo.example", DEMO_PASSWORD)
    elena.goto(site.url("umbrella", "/mentees"))
    assert elena.locator("main li, main tbody tr").count() >= 3
    people.screenshot(elena, "mentor-mentees-es")
    elena.goto(site.url("umbrella", "/requests"))
    expect(elena.locator(".request-list li").first).to_be_visible()
    people.screenshot(elena, "mentor-requests-es")
