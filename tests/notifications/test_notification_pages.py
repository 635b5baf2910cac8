"""The member's notification pages: the unread count in every page's header, the notification
centre (`/notifications`) with its lines linking to what they are about, and the settings page
(`/settings/notifications`). The app's own scheduler delivers, on the story clock, with its mail
going to a real SMTP sink, on both backends."""

from __future__ import annotations

import re

import pytest

from infra.clock import SettableClock
from services.notifications.application import Notifications
from services.notifications.values import Category, Channel, Frequency
from tests.mail.fixtures import Mailroom
from tests.projections.matching.people import entrepreneur, mentor, request
from tests.tenant_api import SignedInMember
from tests.web.pages.conftest import TenantPages, Visitor

WEEKDAY_MORNING = "2031-03-04T09:00:00+00:00"
"""10:00 in Madrid, acme's zone: outside everyone's quiet hours."""

CHOICES = ("requests", "messages", "meetings", "surveys", "programme_news", "tips")
UNREAD_BADGE = re.compile(r'<span class="badge" aria-hidden="true">(\d+)</span>')


@pytest.fixture
def pages(mailroom: Mailroom, ithaca_clock: SettableClock) -> TenantPages:
    ithaca_clock.set(WEEKDAY_MORNING)
    return TenantPages(mailroom.served, "acme")


def _signed_in(pages: TenantPages, member: SignedInMember) -> Visitor:
    person = pages.visitor()
    person.sign_in(member.email)
    person.member_id = member.id
    return person


def _unread_in_header(page_text: str) -> int:
    found = UNREAD_BADGE.search(page_text)
    return int(found.group(1)) if found else 0


def _settings_form(**changes: str) -> dict[str, str]:
    """Everything the settings form sends, as it comes with the defaults, and `changes`."""
    fields = {f"{category}.{channel}": "instant"
              for category in CHOICES for channel in ("email", "in_app")}
    fields |= {"quietHours.start": "21:00", "quietHours.end": "08:00"}
    return fields | changes


def _words(page_text: str) -> str:
    """The page's text as a reader sees it, without its tags."""
    return re.sub(r"<[^>]+>", "", page_text)


def _chosen(page_text: str, name: str) -> str:
    select = page_text.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([a-z_]+)" selected>', select)
    assert found, select
    return found.group(1)


def test_a_mentor_is_told_of_requests_in_the_header_and_the_centre_and_reads_them(
    mailroom: Mailroom, pages: TenantPages,
) -> None:
    maria = mentor(pages.api, "Maria Lopez")
    ana = entrepreneur(pages.api, "Ana Pereira")
    bea = entrepreneur(pages.api, "Bea Santos")
    mentor_page = _signed_in(pages, maria)
    assert _unread_in_header(mentor_page.get("/relationships").text) == 0
    assert "Nothing yet" in mentor_page.get("/notifications").text

    request(pages.api, ana, maria)
    mailroom.deliver()

    # Every page's header says so, to the eye and to a screen reader.
    elsewhere = mentor_page.get("/relationships")
    assert _unread_in_header(elsewhere.text) == 1
    assert "(1 unread notification)" in elsewhere.text
    centre = mentor_page.get("/notifications")
    assert centre.status_code == 200, centre.text
    assert _unread_in_header(centre.text) == 1
    assert 'class="tag unread-mark">Unread' in centre.text
    # The line links to the requests, on the address the mentor uses, through the centre's
    # opening link (which marks it read: below).
    assert re.search(r'<a href="/t/acme/notifications/open\?key=[^"]+&amp;to=%2Frequests">'
                     r'[^<]*Ana[^<]*</a>', centre.text), centre.text
    # Ana, who asked, is told nothing.
    assert _unread_in_header(_signed_in(pages, ana).get("/notifications").text) == 0

    request(pages.api, bea, maria)
    mailroom.deliver()
    centre = mentor_page.get("/notifications")
    assert _unread_in_header(centre.text) == 2
    # Newest first: Bea's request above Ana's.
    assert centre.text.index("Bea") < centre.text.index("Ana Pereira")

    # One line read: the other stays unread.
    bea_key = re.search(r'name="key" value="([^"]+)">\s*<button[^>]*>Mark as read'
                        r'<span class="visually-hidden">: [^<]*Bea', centre.text)
    assert bea_key, centre.text
    one = mentor_page.post("/notifications/read", {"key": bea_key.group(1)})
    assert one.status_code in (302, 303)
    assert one.headers["location"] == "/t/acme/notifications"
    centre = mentor_page.get("/notifications")
    assert _unread_in_header(centre.text) == 1
    assert centre.text.count("Unread</span>") == 1

    # All read: no count, no mark, the lines still there.
    every = mentor_page.post("/notifications/read", {})
    assert every.status_code in (302, 303)
    centre = mentor_page.get("/notifications")
    assert _unread_in_header(centre.text) == 0
    assert "unread notification" not in centre.text
    assert "Unread</span>" not in centre.text
    assert "Mark all as read" not in centre.text
    assert centre.text.count('<li class="notification">') == 2


def test_opening_a_line_marks_it_read_and_goes_to_its_page_on_this_site_only(
    mailroom: Mailroom, pages: TenantPages,
) -> None:
    maria = mentor(pages.api, "Maria Lopez")
    request(pages.api, entrepreneur(pages.api, "Ana Pereira"), maria)
    request(pages.api, entrepreneur(pages.api, "Bea Santos"), maria)
    mailroom.deliver()
    mentor_page = _signed_in(pages, maria)
    centre = mentor_page.get("/notifications")
    assert _unread_in_header(centre.text) == 2
    ana_link = re.search(r'<a href="/t/acme(/notifications/open\?[^"]+)">[^<]*Ana', centre.text)
    assert ana_link, centre.text

    opened = mentor_page.get(ana_link.group(1).replace("&amp;", "&"), follow_redirects=False)
    assert opened.status_code in (302, 303), opened.text
    assert opened.headers["location"] == "/t/acme/requests"
    centre = mentor_page.get("/notifications")
    assert _unread_in_header(centre.text) == 1
    assert centre.text.count("Unread</span>") == 1
    # Read now, the line links straight to its page; Bea's still goes through the centre.
    assert re.search(r'<a href="/t/acme/requests">[^<]*Ana[^<]*</a>', centre.text)
    assert re.search(r'<a href="/t/acme/notifications/open[^"]+">[^<]*Bea', centre.text)

    # Only to a path on this site: anything else goes back to the centre, marking nothing.
    key = re.search(r"key=([^&]+)&", ana_link.group(1)).group(1)  # type: ignore[union-attr]
    for elsewhere in ("https://evil.example/requests", "//evil.example/requests",
                      "/\\evil.example/requests", "requests", ""):
        sent = mentor_page.get("/notifications/open", params={"key": key, "to": elsewhere},
                               follow_redirects=False)
        assert sent.status_code in (302, 303), sent.text
        assert sent.headers["location"] == "/t/acme/notifications", elsewhere
    stranger = mentor_page.get("/notifications/open", follow_redirects=False,
                               params={"key": "1-not_a_line", "to": "/requests"})
    assert stranger.headers["location"] == "/t/acme/requests"
    assert _unread_in_header(mentor_page.get("/notifications").text) == 1


def test_a_member_chooses_a_daily_digest_of_messages_and_a_bad_time_is_refused(
    pages: TenantPages,
) -> None:
    ana = pages.member("Ana", roles=["entrepreneur"])
    page = ana.get("/settings/notifications")
    assert page.status_code == 200, page.text
    assert _chosen(page.text, "messages.email") == "instant"
    assert 'value="daily"' in page.text
    assert "cannot be turned off" in page.text
    # No verified number: SMS is offered as a number to add, not as choices that do nothing.
    assert 'name="messages.sms"' not in page.text
    assert "add a verified mobile number" in page.text
    # The centre links here.
    assert 'href="/t/acme/settings/notifications"' in ana.get("/notifications").text

    saved = ana.post("/settings/notifications", _settings_form(
        **{"messages.email": "daily", "tips.in_app": "off", "quietHours.start": "22:30",
           "quietHours.end": "07:15"}))
    assert saved.status_code in (302, 303), saved.text
    assert saved.headers["location"] == "/t/acme/settings/notifications?saved=true"
    page = ana.get("/settings/notifications?saved=true")
    assert "Your notification settings are saved." in page.text
    assert _chosen(page.text, "messages.email") == "daily"
    assert _chosen(page.text, "tips.in_app") == "off"
    assert _chosen(page.text, "requests.email") == "instant"
    assert 'value="22:30"' in page.text
    assert 'value="07:15"' in page.text
    # What the deliverer reads.
    ithaca = pages.served.ithaca
    settings = ithaca.tenant_application(ithaca.tenant("acme"), Notifications).settings_of(
        ana.member_id)  # type: ignore[arg-type]
    assert settings.frequency(Category.MESSAGES, Channel.EMAIL) is Frequency.DAILY

    refused = ana.post("/settings/notifications", _settings_form(
        **{"messages.email": "weekly", "quietHours.start": "25:00"}))
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="error-quietHours.start">([^<]+)</p>',
                      refused.text)
    assert error, refused.text
    assert "HH:MM" in error.group(1)
    assert 'aria-invalid="true" aria-describedby="error-quietHours.start"' in refused.text
    # What was typed is shown again; nothing of the refused form was saved.
    assert _chosen(refused.text, "messages.email") == "weekly"
    assert _chosen(ana.get("/settings/notifications").text, "messages.email") == "daily"

    # A digest is mail: the centre is told at once or not at all.
    tampered = ana.post("/settings/notifications", _settings_form(**{"messages.in_app": "daily"}))
    assert tampered.status_code == 422
    assert 'id="error-messages.in_app"' in tampered.text


def test_the_pages_answer_in_the_members_language_and_direction(pages: TenantPages) -> None:
    lucia = pages.member("Lucía", roles=["entrepreneur"], locale="es")
    centre = lucia.get("/notifications")
    assert centre.status_code == 200
    assert '<html lang="es" dir="ltr">' in centre.text
    assert "<h1>Notificaciones</h1>" in centre.text
    settings = lucia.get("/settings/notifications")
    assert "Resumen diario" in settings.text
    assert "Horas de silencio" in settings.text

    amira = pages.member("Amira", roles=["entrepreneur"], locale="ar")
    settings = amira.get("/settings/notifications")
    assert '<html lang="ar" dir="rtl">' in settings.text
    assert "Daily digest" not in settings.text


def test_a_member_verifies_a_mobile_number_and_chooses_sms(pages: TenantPages) -> None:
    ana = pages.member("Ana", roles=["entrepreneur"])
    ithaca = pages.served.ithaca
    notifications = ithaca.tenant_application(ithaca.tenant("acme"), Notifications)
    assert ana.member_id is not None

    wrong = ana.post("/settings/notifications/phone", {"phone": "12"})
    assert wrong.status_code == 422
    assert re.search(r'id="error-phone">[^<]*country code', wrong.text), wrong.text
    assert 'value="12"' in wrong.text

    given = ana.post("/settings/notifications/phone", {"phone": "+254 712 345678"})
    assert given.status_code in (302, 303), given.text
    page = ana.get("/settings/notifications?phone=sent")
    assert "We have texted a code to +254 712 345678." in _words(page.text)
    assert 'name="code"' in page.text
    # Until the number is proved, SMS is not among the choices.
    assert 'name="messages.sms"' not in page.text

    refused = ana.post("/settings/notifications/phone/verify", {"code": "000000x"})
    assert refused.status_code == 422
    assert 'id="error-code"' in refused.text
    code = notifications.phone_code(notifications.settings_of(ana.member_id))
    verified = ana.post("/settings/notifications/phone/verify", {"code": code})
    assert verified.status_code in (302, 303), verified.text
    page = ana.get("/settings/notifications?phone=verified")
    assert "Your number is verified" in page.text
    assert "SMS go to +254 712 345678." in _words(page.text)
    assert _chosen(page.text, "requests.sms") == "instant"
    assert _chosen(page.text, "messages.sms") == "off"

    sms = {f"{category}.sms": "off" for category in CHOICES} | {"messages.sms": "instant"}
    saved = ana.post("/settings/notifications", _settings_form(**sms))
    assert saved.status_code in (302, 303), saved.text
    assert _chosen(ana.get("/settings/notifications").text, "messages.sms") == "instant"
    assert notifications.settings_of(ana.member_id).frequency(
        Category.MESSAGES, Channel.SMS) is Frequency.INSTANT

    removed = ana.post("/settings/notifications/phone/remove", {})
    assert removed.status_code in (302, 303)
    page = ana.get("/settings/notifications?phone=removed")
    assert "Your number is removed" in page.text
    assert 'name="messages.sms"' not in page.text
    assert notifications.settings_of(ana.member_id).frequency(
        Category.MESSAGES, Channel.SMS) is Frequency.OFF
