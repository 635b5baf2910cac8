"""The notification centre and the notification settings in Chromium on a phone-sized screen, in
Spanish and in Arabic (right to left): the header's unread count, a line that opens what it is
about, marking everything read, the settings table stacked so that nothing runs off the screen,
and a mobile number given for SMS. The notifications are delivered by the scheduler, in this
process, on the server's storage, with its mail going to a real SMTP sink."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

import pytest
from playwright.sync_api import Page, expect

from infra.delivery.deliverer import open_deliverer
from infra.mail.sink import MailSink
from infra.scheduling.scheduler import Scheduler
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from services.mentoring.application import Mentoring
from services.notifications.application import Notifications
from services.profiles.application import Profiles
from services.profiles.domain import MentorDetails, WorkingHours
from tests.browser.conftest import People, RunningSite, branded_tenant, sign_in
from tests.mail.fixtures import free_port, mail_settings_for
from tests.projections.matching.people import INTRODUCTION
from tests.tenant_api import PASSWORD

OPERATOR = Actor(kind="cli", id="browser-test")
WORDS = {
    "es": {"mark_all": "Marcar todas como leídas", "email": "Correo electrónico",
           "saved": "Tus ajustes de notificaciones están guardados."},
    "ar": {"mark_all": "تعليم الكل كمقروء", "email": "البريد الإلكتروني",
           "saved": "تم حفظ إعدادات إشعاراتك."},
}


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with MailSink("127.0.0.1", free_port()) as running:
        yield running


def _mentor_asked_for_help(site: RunningSite, slug: str, locale: str) -> str:
    """A mentor speaking `locale`, with no quiet hours (the test runs at any hour), whom an
    entrepreneur asks for mentoring; answers the mentor's address."""
    tenant = site.ithaca.tenant(slug)
    accounts = site.ithaca.tenant_application(tenant, Accounts)
    email = f"mentor-{locale}@example.org"
    mentor, _ = accounts.create_member(email=email, name=f"Mentor {locale}", password=PASSWORD,
                                       roles=[Role.MENTOR], locale=locale, actor=OPERATOR)
    site.ithaca.tenant_application(tenant, Profiles).save_mentor_profile(mentor.id, MentorDetails(
        headline="Retail founder", bio="Twenty years of shops.", expertise=["finance"],
        industries=[], languages=[locale], country="ES", countries_of_experience=["ES"],
        time_zone="Europe/Madrid",
        working_hours=WorkingHours(start=time(9), end=time(17), weekdays=[0, 1, 2]),
        capacity=3, monthly_hours=8,
    ), OPERATOR)
    site.ithaca.tenant_application(tenant, Notifications).choose_quiet_hours(
        mentor.id, "00:00", "00:00", OPERATOR)
    mentee, _ = accounts.create_member(
        email=f"mentee-{locale}@example.org", name=f"Nadia {locale}", password=PASSWORD,
        roles=[Role.ENTREPRENEUR], locale=locale, actor=OPERATOR)
    site.ithaca.tenant_application(tenant, Mentoring).request_mentor(
        mentee.id, mentor.id, INTRODUCTION, OPERATOR)
    return email


_EDGES = """bdi => { const text = bdi.firstChild, left = (i) => { const range = new Range();
  range.setStart(text, i); range.setEnd(text, i + 1); return range.getBoundingClientRect().left; };
  return [left(0), left(text.length - 1)]; }"""
"""Where the number's first character (+) and last digit stand, from the left of the screen."""


def _fits_the_screen(person: Page) -> None:
    overflow = person.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{person.url} runs {overflow}px off the screen"


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_a_mentor_reads_and_chooses_notifications_on_a_phone(
    site: RunningSite, people: People, sink: MailSink, locale: str,
) -> None:
    slug = branded_tenant(site).slug
    email = _mentor_asked_for_help(site, slug, locale)
    settings = mail_settings_for(site.settings, sink.port)
    Scheduler(site.ithaca, open_deliverer, settings).run_once()

    person = people.person(locale=locale, mobile=True)
    sign_in(person, site, slug, email, PASSWORD)
    person.goto(site.url(slug, "/notifications"))
    expect(person.locator("html")).to_have_attribute("lang", locale)
    expect(person.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    expect(person.locator(".site-header .badge")).to_have_text("1")
    line = person.locator(".notification.unread a")
    expect(line).to_contain_text(f"Nadia {locale}")
    _fits_the_screen(person)
    people.screenshot(person, f"centre-{locale}")

    person.get_by_role("button", name=WORDS[locale]["mark_all"]).click()
    person.wait_for_url("**/notifications")
    expect(person.locator(".site-header .badge")).to_have_count(0)
    expect(person.locator(".notification.unread")).to_have_count(0)
    person.locator(".notification a").click()
    person.wait_for_url("**/requests")

    person.goto(site.url(slug, "/settings/notifications"))
    _fits_the_screen(person)
    # Stacked: each choice says its channel beside it, since the table's head is not shown.
    messages_by_mail = person.locator("[id='field-messages.email']")
    expect(person.locator("label[for='field-messages.email']")).to_contain_text(
        WORDS[locale]["email"])
    expect(person.locator("label[for='field-messages.email'] .cell-label")).to_be_visible()
    messages_by_mail.select_option("daily")
    person.locator("[id='field-quietHours.start']").fill("22:00")
    person.locator("[id='field-quietHours.end']").fill("07:30")
    people.screenshot(person, f"settings-{locale}")
    person.locator("form[action$='/settings/notifications'] button[type=submit]").click()
    person.wait_for_url("**/settings/notifications?saved=true")
    expect(person.locator(".notice")).to_have_text(WORDS[locale]["saved"])
    expect(messages_by_mail).to_have_value("daily")
    expect(person.locator("[id='field-quietHours.start']")).to_have_value("22:00")
    _fits_the_screen(person)
    people.screenshot(person, f"settings-saved-{locale}")

    # A number for SMS: the code to type back is asked for next.
    person.locator("#field-phone").fill("+34 612 345 678")
    person.locator("form[action$='/settings/notifications/phone'] button[type=submit]").click()
    person.wait_for_url("**/settings/notifications?phone=sent#phone")
    expect(person.locator("#phone .notice")).to_contain_text("+34 612 34 56 78")
    expect(person.locator("#field-code")).to_be_visible()
    # The number reads left to right whole, inside a right-to-left sentence too.
    plus, last_digit = person.locator("#phone .notice bdi").evaluate(_EDGES)
    assert plus < last_digit
    _fits_the_screen(person)
    people.screenshot(person, f"phone-{locale}")


def test_opening_an_unread_line_marks_it_read(
    site: RunningSite, people: People, sink: MailSink,
) -> None:
    slug = branded_tenant(site).slug
    email = _mentor_asked_for_help(site, slug, "es")
    Scheduler(site.ithaca, open_deliverer, mail_settings_for(site.settings, sink.port)).run_once()

    person = people.person(locale="es", mobile=True)
    sign_in(person, site, slug, email, PASSWORD)
    person.goto(site.url(slug, "/notifications"))
    expect(person.locator(".site-header .badge")).to_have_text("1")
    person.locator(".notification.unread a").click()
    person.wait_for_url("**/requests")
    expect(person.locator(".site-header .badge")).to_have_count(0)
    person.goto(site.url(slug, "/notifications"))
    expect(person.locator(".notification.unread")).to_have_count(0)
