"""A whole mentoring journey in a real browser, by two people in two languages and two time zones.

Sofía runs a pottery workshop in Mexico City and reads the site in Spanish; Karim mentors from
Cairo and reads it in Arabic, right to left. Each signs up and onboards through the pages, Sofía
finds Karim among her recommendations (with the why of the match), asks him for mentoring, he
accepts, they talk, she proposes a meeting on her clock and each sees it on their own, he
downloads it as .ics, and a session they held the week before is logged and confirmed.

The journey runs under a different brand on each backend (so both brands and both backends see
every step). The only thing not done through the pages is that earlier session: the server's
clock is the real one, so a meeting a week ago is proposed and accepted beforehand through the
same application services, on the test's clock set back a fortnight, as if it had happened then.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from infra.clock import SettableClock
from infra.web.i18n import Formatter
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.meetings.application import Meetings
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from tests.browser.conftest import People, RunningSite, branded_tenant

OPERATOR = Actor(kind="cli", id="browser-test")
PASSWORD = "a long enough password"  # noqa: S105 - a test member's
MEXICO_CITY, CAIRO = "America/Mexico_City", "Africa/Cairo"
INTRODUCTION = (
    "Hola Karim: tengo un taller de cerámica en Coyoacán con tres empleadas. Quiero vender en "
    "Oriente Medio y no sé cómo fijar precios de exportación ni financiar el primer pedido."
)


def _sign_up(person: Page, site: RunningSite, slug: str, *, name: str, email: str,
             role: str) -> None:
    person.goto(site.url(slug, f"/sign-up?role={role}"))
    person.locator("#field-name").fill(name)
    person.locator("#field-email").fill(email)
    person.locator("#field-password").fill(PASSWORD)
    person.locator("form.stacked button[type=submit]").click()
    person.wait_for_url("**/onboarding**")


def _where_and_when(person: Page, *, country: str, languages: list[str], zone: str) -> None:
    person.locator("#field-country").select_option(country)
    person.locator("#field-languages").select_option(languages)
    person.locator("#field-timeZone").select_option(zone)
    person.locator("#field-workingHours\\.start").fill("08:00")
    person.locator("#field-workingHours\\.end").fill("20:00")
    for weekday in range(6):
        person.locator(f"input[name='workingHours.weekdays'][value='{weekday}']").check()


def _karim_onboards_as_a_mentor(karim: Page, people: People) -> None:
    karim.goto(karim.url.split("/onboarding")[0] + "/onboarding/profile")
    karim.locator("#field-headline").fill("تسعير التصدير والتمويل للحرفيين")
    karim.locator("#field-bio").fill(
        "عملت عشرين عامًا في تصدير الحرف اليدوية من مصر إلى الخليج وأوروبا، "
        "وأساعد أصحاب المشاريع الصغيرة في التسعير والتمويل.")
    karim.locator("input[name=expertise][value=finance]").check()
    karim.locator("input[name=expertise][value=sales]").check()
    karim.locator("#field-industries").select_option(["C"])
    karim.locator("#field-countriesOfExperience").select_option(["MX", "AE"])
    karim.locator("#field-capacity").fill("3")
    karim.locator("#field-monthlyHours").fill("8")
    _where_and_when(karim, country="EG", languages=["ar", "es", "en"], zone=CAIRO)
    people.screenshot(karim, "mentor-profile-ar")
    karim.locator("form.stacked button[type=submit]").click()
    karim.wait_for_url(lambda url: "/onboarding/profile" not in url)


def _sofia_onboards_as_an_entrepreneur(sofia: Page, people: People) -> None:
    sofia.goto(sofia.url.split("/onboarding")[0] + "/onboarding/profile")
    sofia.locator("#field-businessName").fill("Cerámica Coyoacán")
    sofia.locator("#field-description").fill(
        "Vajillas y macetas hechas a mano, con tres empleadas.")
    sofia.locator("#field-stage").select_option("early")
    sofia.locator("#field-industry").select_option("C")
    sofia.locator("#field-employees").fill("3")
    sofia.locator("#field-challenges").fill("Precios de exportación y financiar el primer pedido.")
    sofia.locator("#field-goals").fill("Vender a tiendas de Dubái y El Cairo este año.")
    _where_and_when(sofia, country="MX", languages=["es", "en"], zone=MEXICO_CITY)
    people.screenshot(sofia, "entrepreneur-profile-es")
    sofia.locator("form.stacked button[type=submit]").click()

    sofia.wait_for_url("**/onboarding/self-assessment")
    people.screenshot(sofia, "self-assessment-es")
    areas = sofia.locator("input[type=radio][name^='ratings.'][value='3']")
    for index in range(areas.count()):
        areas.nth(index).check()
    sofia.locator("input[name='ratings.finance'][value='1']").check()
    sofia.locator("form.stacked button[type=submit]").click()

    sofia.wait_for_url("**/onboarding/baseline-survey")
    sofia.locator("input[name=businessOperating][value=true]").check()
    sofia.locator("#field-revenueAmount").fill("480000")
    sofia.locator("#field-revenueCurrency").fill("MXN")
    sofia.locator("#field-fullTimeEmployees").fill("3")
    sofia.locator("#field-partTimeEmployees").fill("1")
    sofia.locator("input[name=newFinance][value=false]").check()
    people.screenshot(sofia, "baseline-survey-es")
    sofia.locator("form.stacked button[type=submit]").click()
    sofia.wait_for_url(re.compile(r".*/(home|mentors).*"))


def _a_session_a_week_ago(site: RunningSite, slug: str, relationship_id: str,
                          sofia_email: str, karim_email: str) -> None:
    """Proposed by Sofía and accepted by Karim a fortnight ago, held a week ago."""
    ithaca = site.ithaca
    tenant = ithaca.tenant(slug)
    accounts = ithaca.tenant_application(tenant, Accounts)
    meetings = ithaca.tenant_application(tenant, Meetings)
    mentoring = ithaca.tenant_application(tenant, Mentoring)
    locator = Locator(ithaca.tenant_application(tenant, Profiles), tenant.time_zone)

    def caller(email: str, role: Role) -> Caller:
        return Caller(member_id=accounts.member_id_for(email), roles=frozenset({role}),
                      session_id=accounts.member_id_for(email), locale="en")

    sofia, karim = caller(sofia_email, Role.ENTREPRENEUR), caller(karim_email, Role.MENTOR)
    clock = ithaca.clock
    assert isinstance(clock, SettableClock), "the test's Ithaca runs on a clock it can set"
    held = clock.now - timedelta(days=7)
    relationship = mentoring.get_relationship(UUID(relationship_id), sofia)
    with clock.borrowed() as back_then:
        back_then.set(held - timedelta(days=7))
        meeting, _ = meetings.propose(
            relationship, sofia, locator, time_zone=MEXICO_CITY, fold=None,
            starts_at=held.astimezone(ZoneInfo(MEXICO_CITY)).strftime("%Y-%m-%dT%H:%M"),
            duration_minutes=60, agenda="Primera conversación", video_link="",
            actor=sofia.actor())
        meetings.accept(meeting.id, karim, karim.actor())


def test_two_people_in_two_languages_and_time_zones_go_through_a_mentoring_journey(
    site: RunningSite, people: People,
) -> None:
    slug, branding, other_brand = branded_tenant(site)
    sofia = people.person(locale="es-MX", time_zone=MEXICO_CITY)
    karim = people.person(locale="ar-EG", time_zone=CAIRO, mobile=True)
    emails = Emails(sofia=f"sofia@{slug}.example", karim=f"karim@{slug}.example")

    # Karim joins as a mentor, in Arabic, right to left, on his phone.
    karim.goto(site.url(slug))
    expect(karim.locator("html")).to_have_attribute("dir", "rtl")
    expect(karim.locator(".product-name")).to_have_text(branding.product_name)
    _sign_up(karim, site, slug, name="Karim Mansour", email=emails.karim, role="mentor")
    _karim_onboards_as_a_mentor(karim, people)

    # Sofía joins as an entrepreneur, in Spanish, and onboards in three steps.
    sofia.goto(site.url(slug))
    expect(sofia.locator("html")).to_have_attribute("lang", "es")
    expect(sofia.locator("html")).to_have_attribute("dir", "ltr")
    people.screenshot(sofia, "landing-es")
    _sign_up(sofia, site, slug, name="Sofía Hernández", email=emails.sofia, role="entrepreneur")
    _sofia_onboards_as_an_entrepreneur(sofia, people)

    _sofia_finds_karim_and_asks_him(sofia, site, slug, people)
    workspace = _karim_accepts_and_they_talk(sofia, karim, site, slug, people)
    _a_meeting_on_her_clock_shows_on_his(sofia, karim, people)
    _a_session_held_last_week_is_logged_and_confirmed(
        sofia, karim, site, slug, workspace.rsplit("/", 1)[1], emails)

    # The timeline (a read model, brought up to date in the background) shows the steps.
    sofia.goto(workspace)
    expect(sofia.locator("#timeline li").first).to_be_visible(timeout=20_000)
    expect(sofia.locator("#timeline")).to_contain_text("Sofía Hernández")
    people.screenshot(sofia, "timeline-es")
    assert other_brand not in sofia.content() + karim.content()


class Emails(NamedTuple):
    sofia: str
    karim: str


def _sofia_finds_karim_and_asks_him(sofia: Page, site: RunningSite, slug: str,
                                    people: People) -> None:
    # Her recommendations show Karim and why he matches; a search by language finds him too.
    sofia.goto(site.url(slug, "/mentors"))
    card = sofia.locator(".mentor-card", has_text="Karim Mansour")
    expect(card).to_be_visible()
    expect(card.locator(".why .criteria li").first).to_be_visible()
    expect(sofia.locator("#results-heading")).to_have_text("Recomendados para ti")
    people.screenshot(sofia, "recommendations-es")
    sofia.locator("#field-language").select_option("ar")
    sofia.locator("form.mentor-search button[type=submit]").click()
    found = sofia.locator("#mentor-results .mentor-card h3 a", has_text="Karim Mansour")
    expect(found).to_be_visible()

    found.click()
    expect(sofia.locator("h1")).to_have_text("Karim Mansour")
    sofia.locator("#field-introduction").fill(INTRODUCTION)
    people.screenshot(sofia, "mentor-profile-page-es")
    sofia.locator("form.stacked button[type=submit]").click()
    sofia.wait_for_url("**/my-requests**")
    expect(sofia.locator("main")).to_contain_text("Karim Mansour")
    people.screenshot(sofia, "my-requests-es")


def _karim_accepts_and_they_talk(sofia: Page, karim: Page, site: RunningSite, slug: str,
                                 people: People) -> str:
    karim.goto(site.url(slug, "/requests"))
    request = karim.locator(".request-list li", has_text="Sofía Hernández")
    expect(request.locator(".introduction")).to_have_text(INTRODUCTION)
    people.screenshot(karim, "requests-ar")
    request.locator("form button[type=submit]").click()
    expect(karim.locator(".notice")).to_be_visible()

    # Sofía starts the relationship and writes to him; he answers.
    sofia.goto(site.url(slug, "/relationships"))
    sofia.locator("a[href*='/relationships/']", has_text="Karim Mansour").first.click()
    sofia.wait_for_url(re.compile(r".*/relationships/[0-9a-f-]{36}$"))
    workspace = sofia.url
    sofia.locator("form[action$='/start'] button").click()
    # An empty message (sent with htmx) is refused beside the field, in her language.
    sofia.locator("form[action$='/messages'] button[type=submit]").click()
    expect(sofia.locator("#conversation #error-body")).to_be_visible()
    sofia.locator("#field-body").fill("¡Gracias, Karim! ¿Hablamos la semana que viene?")
    sofia.locator("form[action$='/messages'] button[type=submit]").click()
    expect(sofia.locator("#conversation")).to_contain_text("¿Hablamos la semana que viene?")

    karim.goto(workspace)
    expect(karim.locator("#conversation")).to_contain_text("¿Hablamos la semana que viene?")
    karim.locator("#field-body").fill("بكل سرور يا صوفيا، اقترحي موعدًا.")
    karim.locator("form[action$='/messages'] button[type=submit]").click()
    expect(karim.locator("#conversation")).to_contain_text("بكل سرور يا صوفيا")
    sofia.reload()
    expect(sofia.locator("#conversation")).to_contain_text("بكل سرور يا صوفيا")
    return workspace


def _a_meeting_on_her_clock_shows_on_his(sofia: Page, karim: Page, people: People) -> None:
    """She proposes 10:00 on her clock a week ahead; each sees it on their own; he downloads
    it as .ics and accepts."""
    day = (datetime.now(ZoneInfo(MEXICO_CITY)) + timedelta(days=7)).date()
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo(MEXICO_CITY))
    sofia.locator("#field-date").fill(day.isoformat())
    sofia.locator("#field-time").fill("10:00")
    sofia.locator("#field-durationMinutes").fill("45")
    sofia.locator("#field-agenda").fill("Lista de precios de exportación")
    sofia.locator("form[action$='/meetings'] button[type=submit]").click()
    sofia.wait_for_url("**#meetings")
    times = sofia.locator(".meeting", has_text="Lista de precios de exportación").locator(
        ".meeting-times")
    for_sofia = Formatter("es", MEXICO_CITY)
    expect(times).to_contain_text(for_sofia.time_in(starts, MEXICO_CITY))
    expect(times).to_contain_text(for_sofia.time_in(starts, CAIRO))
    people.screenshot(sofia, "workspace-es")

    karim.reload()
    proposed = karim.locator(".meeting", has_text="Lista de precios de exportación")
    for_karim = Formatter("ar", CAIRO)
    expect(proposed.locator(".meeting-times")).to_contain_text(for_karim.time_in(starts, CAIRO))
    expect(proposed.locator(".meeting-times")).to_contain_text(
        for_karim.time_in(starts, MEXICO_CITY))
    with karim.expect_download() as download:
        proposed.locator("a[href$='.ics']").click()
    calendar = download.value.path().read_text()
    assert f"DTSTART;TZID={MEXICO_CITY}:{day:%Y%m%d}T100000" in calendar
    assert "Lista de precios de exportación" in calendar
    proposed.locator("form[action$='/accept'] button").click()
    expect(karim.locator(".meeting", has_text="Lista de precios de exportación").locator(
        "form[action$='/accept']")).to_have_count(0)
    people.screenshot(karim, "workspace-ar")


def _a_session_held_last_week_is_logged_and_confirmed(
    sofia: Page, karim: Page, site: RunningSite, slug: str, relationship_id: str, emails: Emails,
) -> None:
    _a_session_a_week_ago(site, slug, relationship_id, emails.sofia, emails.karim)
    sofia.reload()
    held = sofia.locator(".meeting", has_text="Primera conversación")
    held.locator("details summary").click()
    held.locator("#field-durationMinutes").fill("55")
    held.locator("#field-summary").fill("Repasamos los costes y el margen de cada pieza.")
    held.locator("form[action$='/session-log'] button[type=submit]").click()
    expect(sofia.locator(".meeting", has_text="Primera conversación")).to_contain_text(
        "Repasamos los costes")
    karim.reload()
    karim.locator(".meeting", has_text="Primera conversación").locator(
        "form[action$='/session-log/confirm'] button").click()
    confirmed = karim.locator(".meeting", has_text="Primera conversación")
    expect(confirmed.locator("form[action$='/session-log/confirm']")).to_have_count(0)
    expect(confirmed).to_contain_text("Repasamos los costes")
