"""How the deliverer tells members, as they receive it: quiet hours in their own zone, digests,
SMS through the real Kannel after a verified number, refused and bounced addresses, what the
platform records of it, on both backends against the real SMTP sink, on the story clock."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import msgspec
import pytest
from click.testing import CliRunner

from infra.cli import cli
from infra.clock import SettableClock
from infra.delivery.records import DeliveryRecords, NotificationCentre, Outcome
from infra.delivery.status import notification_counts
from infra.mail.sink import MailSink, text_of
from infra.scheduling.due_work import DueWorkTable
from infra.scheduling.work import DueWork
from infra.settings import Settings
from services.notifications.application import Notifications
from services.notifications.values import Category, Channel, Frequency
from tests.environment import environment_of
from tests.mail.fixtures import Mailroom, mail_settings_for, provision_acme
from tests.mentoring.conftest import ADMIN, Cohort
from tests.sms import Kannel
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import serving

# Ben mentors from Lisbon (his profile's zone): UTC+0 in winter.
EVENING = "2026-01-13T22:30:00+00:00"
MORNING = "2026-01-14T10:00:00+00:00"


@pytest.fixture
def story(mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch) -> Cohort:
    sessions_outlast_the_story(monkeypatch)
    return Cohort(mailroom.acme)


def requests_told(mailroom: Mailroom, member: SignedInMember) -> list[EmailMessage]:
    return [mail for mail in mailroom.inbox(member.email) if "/verify-email" not in text_of(mail)]


def notifications(story: Cohort) -> Notifications:
    app: Notifications = story.app(Notifications)
    return app


def test_quiet_hours_hold_a_request_until_eight_in_the_mentors_zone(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(EVENING)
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()
    assert requests_told(mailroom, ben) == []
    ithaca_clock.set("2026-01-14T07:59:00+00:00")
    mailroom.deliver()
    assert requests_told(mailroom, ben) == []
    ithaca_clock.set("2026-01-14T08:00:00+00:00")
    mailroom.deliver()
    [mail] = requests_told(mailroom, ben)
    assert "Ana" in str(mail["Subject"])
    # A member who chose other quiet hours is held by those.
    notifications(story).choose_quiet_hours(ben.id, "23:00", "06:00", ADMIN)
    ithaca_clock.set("2026-01-14T22:30:00+00:00")
    story.request(story.entrepreneur("Cara"), ben)
    mailroom.deliver()
    assert len(requests_told(mailroom, ben)) == 2


def test_account_mail_is_sent_in_quiet_hours(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(EVENING)
    ana = story.entrepreneur("Ana")
    mailroom.deliver()
    assert any("/verify-email" in text_of(mail) for mail in mailroom.inbox(ana.email))


def test_a_daily_digest_gathers_the_held_requests_into_one_mail_at_eight(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    ben = story.mentor("Ben", capacity=5)
    notifications(story).choose(
        ben.id, [(Category.REQUESTS, Channel.EMAIL, Frequency.DAILY)], ADMIN)
    story.request(story.entrepreneur("Ana"), ben)
    story.request(story.entrepreneur("Cara"), ben)
    mailroom.deliver()
    assert requests_told(mailroom, ben) == []
    centre = NotificationCentre(notifications(story).stream)
    assert centre.unread(ben.id) == 2  # the centre is told at once
    ithaca_clock.set("2026-01-15T07:59:00+00:00")
    mailroom.deliver()
    assert requests_told(mailroom, ben) == []
    ithaca_clock.set("2026-01-15T08:00:00+00:00")
    mailroom.deliver()
    mailroom.deliver()
    [digest] = requests_told(mailroom, ben)
    text = text_of(digest)
    assert "Ana" in text
    assert "Cara" in text
    assert digest["List-Unsubscribe"]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nothing is held any more: the next morning brings no digest.
    ithaca_clock.set("2026-01-16T08:00:00+00:00")
    mailroom.deliver()
    assert len(requests_told(mailroom, ben)) == 1


def test_a_bounced_address_gets_nothing_more_until_it_is_confirmed(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben", capacity=5)
    notifications(story).note_refused_address(ben.id, ben.email, ADMIN)
    story.request(ana, ben)
    mailroom.deliver()
    assert requests_told(mailroom, ben) == []
    records = DeliveryRecords(notifications(story).stream)
    outcomes = {(d.channel, d.outcome) for d in records.of_member(ben.id)}
    assert (Channel.EMAIL, Outcome.HELD_BACK) in outcomes
    assert (Channel.IN_APP, Outcome.SENT) in outcomes
    # Ben asks for the one mail that proves his address works, and opens its link.
    asked = mailroom.acme.post("/api/v1/me/address-confirmation", ben)
    assert asked.status_code == 202, asked.text
    mailroom.deliver()
    [confirmation] = requests_told(mailroom, ben)
    link = re.search(r"http://acme\.ithaca\.localhost:8000(/confirm-address\?token=\S+)",
                     text_of(confirmation))
    assert link, text_of(confirmation)
    client = mailroom.served.client
    client.cookies.clear()
    opened = client.get(f"/t/acme{link.group(1)}")
    assert opened.status_code == 200
    assert notifications(story).settings_of(ben.id).refused_address_digest  # not yet
    confirmed = client.post(f"/t/acme{link.group(1)}")
    assert confirmed.status_code == 200, confirmed.text
    story.request(story.entrepreneur("Cara"), ben)
    mailroom.deliver()
    # The second request's mail: the first one's is not sent late either.
    assert [str(m["Subject"]) for m in requests_told(mailroom, ben)][1:] == [
        "Cara asks you to be their mentor"]
    # A member whose address never refused mail has nothing to confirm.
    assert mailroom.acme.post("/api/v1/me/address-confirmation", ana).status_code == 409


def test_status_counts_and_metrics_say_what_was_told(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    story.request(story.entrepreneur("Ana"), story.mentor("Ben"))
    mailroom.deliver()
    ithaca = mailroom.served.ithaca
    counts = notification_counts(ithaca, ithaca.tenant("acme"))
    assert counts.work["done"] >= 3  # two verification mails and the request
    assert counts.deliveries["email"]["sent"] >= 3
    assert counts.deliveries["in_app"]["sent"] >= 1
    metrics = mailroom.served.client.get("/metrics").text
    assert re.search(
        r'ithaca_notification_deliveries\{channel="email",outcome="sent",tenant="acme"\} [3-9]',
        metrics), metrics


def test_links_open_on_the_address_ithaca_serve_listens_on() -> None:
    embedded = Settings.from_env({})
    assert embedded.link_base == "http://{host}:8000"
    assert Settings.from_env({"ITHACA_PORT": "8123"}).link_base == "http://{host}:8123"
    on_postgres = Settings.from_env({"DATABASE_URL": "postgresql://db/ithaca"})
    assert on_postgres.link_base == "https://{host}"
    configured = Settings.from_env({"ITHACA_MAIL_LINK_BASE": "https://mentoring.example"})
    assert configured.link_base == "https://mentoring.example"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_verified_number_gets_requests_by_sms_through_kannel(
    settings: Settings, kannel: Kannel, ithaca_clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sessions_outlast_the_story(monkeypatch)
    ithaca_clock.set(MORNING)
    sms_settings = msgspec.structs.replace(
        mail_settings_for(settings, 1), **kannel.settings())
    with serving(sms_settings, clock=ithaca_clock) as served:
        provision_acme(served)
        story = Cohort(Mailroom(served, None).acme)
        scheduler = served.app.state.scheduler
        ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
        number = "+254722000111"  # no other test texts it: the fake centre keeps every SMS
        notifications(story).give_phone(ben.id, "0722 000111", "KE", ADMIN)
        scheduler.run_once()
        [code_sms] = kannel.received(to=number)
        code = re.search(r"\b(\d{6})\b", code_sms.text)
        assert code, code_sms.text
        notifications(story).verify_phone(ben.id, code.group(1), ADMIN)
        story.request(ana, ben)
        scheduler.run_once()
        code_again, request_sms = kannel.received(to=number, count=2)
        assert code_again == code_sms
        assert "Ana" in request_sms.text
        assert "http://acme.ithaca.localhost:8000/" in request_sms.text
        assert notifications(story).settings_of(ben.id).phone_verified
        # The gateway is down: the SMS waits and goes once it is back, once, however often
        # the work is tried again for its other channels (no mail server answers here).
        with kannel.smsbox_stopped():
            story.request(story.entrepreneur("Cara"), ben)
            scheduler.run_once()
            assert len(kannel.received(to=number, count=3, timeout=1)) == 2
        for _ in range(3):
            ithaca_clock.set(ithaca_clock() + timedelta(minutes=5))
            scheduler.run_once()
        texts = [sms.text for sms in kannel.received(to=number, count=4, timeout=2)]
        assert len(texts) == 3, texts
        assert "Cara" in texts[-1]


def test_no_sms_reaches_a_number_that_was_not_verified(
    story: Cohort, mailroom: Mailroom, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    notifications(story).give_phone(ben.id, "+254711123456", None, ADMIN)
    story.request(ana, ben)
    mailroom.deliver()
    records = DeliveryRecords(notifications(story).stream)
    sms = {d.outcome for d in records.of_member(ben.id) if d.channel is Channel.SMS
           and d.kind != "phone_code"}
    assert sms == {Outcome.OFF}


def test_a_members_data_download_holds_their_notifications_and_number(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    notifications(story).give_phone(ben.id, "+254711123456", None, ADMIN)
    notifications(story).choose(
        ben.id, [(Category.MESSAGES, Channel.EMAIL, Frequency.WEEKLY)], ADMIN)
    story.request(ana, ben)
    mailroom.deliver()
    response = mailroom.acme.get("/api/v1/me/data", ben)
    assert response.status_code == 200, response.text
    data = response.json()
    settings = data["notificationSettings"]
    assert settings["phone"] == "+254711123456"
    assert settings["phoneVerified"] is False
    assert {"category": "messages", "channel": "email", "frequency": "weekly"} in (
        settings["choices"])
    [line] = data["notificationCentre"]
    assert "Ana" in line["line"]
    told = {(row["kind"], row["channel"], row["outcome"]) for row in data["notificationsSent"]}
    assert ("request_received", "email", "sent") in told
    assert ("request_received", "in_app", "sent") in told


def test_the_status_command_shows_queued_sent_and_failed_per_channel(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock, logging_restored: None,
) -> None:
    ithaca_clock.set(MORNING)
    story.request(story.entrepreneur("Ana"), story.mentor("Ben"))
    mailroom.deliver()
    settings = mailroom.served.ithaca.settings
    result = CliRunner().invoke(
        cli, ["notifications", "status", "--tenant", "acme", "--json"],
        env=environment_of(settings), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    [acme] = json.loads(result.stdout)
    assert acme["tenant"] == "acme"
    assert acme["work"]["done"] >= 3
    assert acme["work"]["pending"] >= 1  # reminders and nudges due later
    assert acme["deliveries"]["email"]["sent"] >= 3
    table = CliRunner().invoke(cli, ["notifications", "status"], env=environment_of(settings),
                               catch_exceptions=False)
    assert re.search(r"acme\s+email\s+sent\s+\d+", table.stdout), table.stdout


def test_nudges_beyond_the_weekly_cap_are_recorded_and_not_sent(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    ben = story.mentor("Ben", capacity=5)
    for name in ("Ana", "Cara", "Dan"):
        story.request(story.entrepreneur(name), ben)
    mailroom.deliver()
    ithaca_clock.set(datetime.fromisoformat(MORNING) + timedelta(days=7, minutes=1))
    mailroom.deliver()
    records = DeliveryRecords(notifications(story).stream)
    week_old = [d for d in records.of_member(ben.id) if d.kind == "request_unanswered"]
    sent = {d.notification_id for d in week_old if d.outcome is Outcome.SENT}
    capped = {d.notification_id for d in week_old if d.outcome is Outcome.CAPPED}
    assert (len(sent), len(capped)) == (2, 1)  # ITHACA_NUDGES_PER_WEEK: 2
    assert len([m for m in requests_told(mailroom, ben) if "7 days" in text_of(m)]) == 2


def test_the_scheduler_thread_wakes_when_work_falls_due_not_at_its_next_sweep(
    settings: Settings, sink: MailSink,
) -> None:
    background = mail_settings_for(
        settings, sink.port, mail_background=True, mail_sweep_seconds=600)
    with serving(background) as served:  # the system clock: the thread really waits
        provision_acme(served)
        acme = TenantApi(served, "acme")
        ana = acme.member("Ana", roles=["entrepreneur"])
        scheduler = served.app.state.scheduler
        due_at = datetime.now(UTC) + timedelta(seconds=2)
        stream = served.ithaca.tenant_stream(served.ithaca.tenant("acme"))
        DueWorkTable(stream).add([DueWork(
            notification_id=1, kind="sign_up_attempt", member_id=ana.id, due_at=due_at,
        )], datetime.now(UTC))
        scheduler.kick("acme")  # as another process's append would: it learns what is due
        deadline = time.monotonic() + 30
        while not _attempt_mail(sink, ana.email) and time.monotonic() < deadline:
            time.sleep(0.1)
        arrived = datetime.now(UTC)
        assert _attempt_mail(sink, ana.email), "never sent before the next sweep"
        assert due_at <= arrived < due_at + timedelta(seconds=10)


def _attempt_mail(sink: MailSink, address: str) -> list[EmailMessage]:
    return [mail for mail in sink.messages
            if address in str(mail["To"]) and "tried to sign up" in str(mail["Subject"])]
