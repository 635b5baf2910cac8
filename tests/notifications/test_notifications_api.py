"""A member's notifications through the API and the unsubscribe link: the notification centre,
the settings that decide what reaches them where, their mobile number, and a mail's one-click
unsubscribe. The app's own scheduler runs on the story clock and its mail reaches a real SMTP
sink, on both backends."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from infra.mail.sink import text_of
from services.notifications.application import Notifications
from tests.mail.fixtures import Mailroom
from tests.mentoring.conftest import Cohort
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi
from tests.web.pages.conftest import Visitor

CENTRE = "/api/v1/me/notifications"
SETTINGS = "/api/v1/me/notification-settings"


@pytest.fixture
def story(mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch) -> Cohort:
    """Acme's programme served with its mail going to the sink; members stay signed in."""
    sessions_outlast_the_story(monkeypatch)
    return Cohort(mailroom.acme)


def requests_mail(mailroom: Mailroom, member: SignedInMember) -> list[EmailMessage]:
    """The member's mail about mentoring requests (not their sign-up's)."""
    return [mail for mail in mailroom.inbox(member.email) if "/requests" in text_of(mail)]


def centre(acme: TenantApi, member: SignedInMember) -> dict[str, Any]:
    response = acme.get(CENTRE, member)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def request_lines(acme: TenantApi, member: SignedInMember) -> list[dict[str, Any]]:
    return [line for line in centre(acme, member)["notifications"]
            if line["category"] == "requests"]


def settings_of(acme: TenantApi, member: SignedInMember) -> dict[str, Any]:
    response = acme.get(SETTINGS, member)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def frequency(settings: dict[str, Any], category: str, channel: str) -> str:
    [chosen] = [p["frequency"] for p in settings["preferences"]
                if (p["category"], p["channel"]) == (category, channel)]
    return str(chosen)


def refusal(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["field"]


def test_a_request_shows_in_the_mentors_centre_until_he_reads_it(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()

    [line] = request_lines(acme, ben)
    assert "Ana" in line["line"]
    assert urlsplit(line["link"]).path == "/requests"
    assert line["read"] is False
    unread = centre(acme, ben)["unreadCount"]
    assert unread >= 1
    assert request_lines(acme, ana) == []  # the requester is told nothing by the centre

    read = acme.post(f"{CENTRE}/read", ben, json={"keys": [line["key"]]})
    assert read.status_code == 200, read.text
    assert read.json()["marked"] == 1
    assert read.json()["unreadCount"] == unread - 1
    [line] = request_lines(acme, ben)
    assert line["read"] is True
    assert centre(acme, ben)["unreadCount"] == unread - 1

    everything = acme.post(f"{CENTRE}/read", ben, json={})
    assert everything.status_code == 200, everything.text
    assert centre(acme, ben)["unreadCount"] == 0


def test_following_a_lines_opening_link_marks_it_read(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()
    [line] = request_lines(acme, ben)
    unread = centre(acme, ben)["unreadCount"]
    opening = urlsplit(line["openLink"])
    assert (opening.scheme, opening.netloc) == urlsplit(line["link"])[:2]
    assert opening.path == "/notifications/open"

    browser = Visitor(mailroom.served, "acme")
    browser.sign_in(ben.email)
    followed = browser.get(f"{opening.path}?{opening.query}", follow_redirects=False)
    assert followed.status_code in (302, 303), followed.text
    assert followed.headers["location"] == "/t/acme/requests"
    [line] = request_lines(acme, ben)
    assert line["read"] is True
    assert centre(acme, ben)["unreadCount"] == unread - 1


def test_another_member_can_neither_read_nor_mark_your_centre(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()
    [line] = request_lines(acme, ben)

    assert all(mine["key"] != line["key"] for mine in centre(acme, ana)["notifications"])
    marked = acme.post(f"{CENTRE}/read", ana, json={"keys": [line["key"]]})
    assert marked.status_code == 200, marked.text
    assert marked.json()["marked"] == 0
    assert request_lines(acme, ben)[0]["read"] is False
    assert acme.get(CENTRE).status_code == 401
    assert refusal(acme.post(f"{CENTRE}/read", ben, json={"keys": ["not a key"]})) == (
        422, "keys[0]")


def test_settings_round_trip_and_a_refusal_names_the_field_and_changes_nothing(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana = story.entrepreneur("Ana")
    defaults = settings_of(acme, ana)
    assert {p["category"] for p in defaults["preferences"]} == {
        "requests", "messages", "meetings", "surveys", "programme_news", "tips"}  # not account
    assert frequency(defaults, "requests", "email") == "instant"
    assert frequency(defaults, "requests", "sms") == "off"  # no verified number yet
    [email] = [p for p in defaults["preferences"]
               if (p["category"], p["channel"]) == ("messages", "email")]
    assert email["allowed"] == ["instant", "daily", "weekly", "off"]
    assert defaults["quietHours"] == {"start": "21:00", "end": "08:00"}
    assert defaults["phone"] is None

    chosen = acme.put(SETTINGS, ana, json={
        "preferences": [{"category": "messages", "channel": "email", "frequency": "daily"},
                        {"category": "tips", "channel": "in_app", "frequency": "off"}],
        "quietHours": {"start": "22:30", "end": "07:00"},
    })
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() == settings_of(acme, ana)
    assert frequency(chosen.json(), "messages", "email") == "daily"
    assert frequency(chosen.json(), "tips", "in_app") == "off"
    assert chosen.json()["quietHours"] == {"start": "22:30", "end": "07:00"}

    before = story.app(Notifications).position
    for body, expected in (
        ({"preferences": [{"category": "requests", "channel": "sms", "frequency": "daily"}]},
         (422, "preferences[0].frequency")),
        ({"preferences": [{"category": "account", "channel": "email", "frequency": "off"}]},
         (422, "preferences[0].category")),
        ({"preferences": [{"category": "tips", "channel": "email", "frequency": "off"}],
          "quietHours": {"start": "25:00", "end": "07:00"}},
         (422, "quietHours.start")),
        ({"preferences": [{"category": "tips", "channel": "email", "frequency": "hourly"}]},
         (400, "preferences[0].frequency")),
    ):
        assert refusal(acme.put(SETTINGS, ana, json=body)) == expected, body
    assert story.app(Notifications).position == before
    assert settings_of(acme, ana) == chosen.json()


def test_with_requests_mail_off_a_request_reaches_the_centre_but_not_the_inbox(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    off = acme.put(SETTINGS, ben, json={
        "preferences": [{"category": "requests", "channel": "email", "frequency": "off"}]})
    assert off.status_code == 200, off.text

    story.request(ana, ben)
    mailroom.deliver()
    assert requests_mail(mailroom, ben) == []
    [line] = request_lines(acme, ben)
    assert "Ana" in line["line"]


def test_a_mails_one_click_unsubscribe_stops_that_categorys_mail_without_signing_in(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana, cleo, ben = story.entrepreneur("Ana"), story.entrepreneur("Cleo"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()
    [mail] = requests_mail(mailroom, ben)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"]))
    assert found, mail["List-Unsubscribe"]
    link = urlsplit(found.group(1))
    assert link.path == "/unsubscribe"
    address = acme.url(f"{link.path}?{link.query}")
    client = acme.client
    client.cookies.clear()  # a mail client has none of the member's cookies

    page = client.get(address, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert "Mentoring requests" in page.text
    assert frequency(settings_of(acme, ben), "requests", "email") == "instant"  # opening: no-op

    client.cookies.clear()
    clicked = client.post(address, content=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert clicked.status_code == 200, clicked.text
    assert "Mentoring requests" in clicked.text
    settings = settings_of(acme, ben)
    assert frequency(settings, "requests", "email") == "off"
    assert frequency(settings, "messages", "email") == "instant"  # only that category

    story.request(cleo, ben)
    mailroom.deliver()
    assert requests_mail(mailroom, ben) == [mail]
    assert len(request_lines(acme, ben)) == 2  # the centre still tells him

    forged = client.post(acme.url("/unsubscribe?token=forged.token"),
                         content=b"List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert forged.status_code == 422
    assert "this link is not valid" in forged.text


def test_a_mobile_number_is_given_verified_by_its_code_and_removed(
    mailroom: Mailroom, story: Cohort,
) -> None:
    acme = mailroom.acme
    ana = story.entrepreneur("Ana")
    assert refusal(acme.post("/api/v1/me/phone", ana, json={"phone": "12"})) == (422, "phone")
    assert refusal(acme.post("/api/v1/me/phone", ana, json={"phone": "+44 20 7946 0958"})) == (
        422, "phone")  # a landline cannot receive SMS

    given = acme.post("/api/v1/me/phone", ana, json={"phone": "0712 345678", "region": "KE"})
    assert given.status_code == 200, given.text
    assert settings_of(acme, ana)["phone"] == {"number": "+254 •••• ••78", "verified": False}
    assert refusal(acme.post("/api/v1/me/phone/verify", ana, json={"code": "000000x"})) == (
        422, "code")

    notifications: Notifications = story.app(Notifications)
    code = notifications.phone_code(notifications.settings_of(ana.id))
    verified = acme.post("/api/v1/me/phone/verify", ana, json={"code": code})
    assert verified.status_code == 200, verified.text
    settings = settings_of(acme, ana)
    assert settings["phone"] == {"number": "+254 •••• ••78", "verified": True}
    assert frequency(settings, "requests", "sms") == "instant"

    removed = acme.delete("/api/v1/me/phone", ana)
    assert removed.status_code == 200, removed.text
    assert settings_of(acme, ana)["phone"] is None
    assert frequency(settings_of(acme, ana), "requests", "sms") == "off"
