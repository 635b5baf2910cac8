"""Members' mail through a real SMTP server: language, brand, once-only, retries, restarts."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from infra.clock import SettableClock
from infra.delivery.records import DeliveryRecords, Outcome
from infra.mail.sink import MailSink, ReceivedMail, text_of
from infra.scheduling.due_work import WorkStatus
from infra.scheduling.scheduler import backoff
from infra.settings import Settings, SettingsError
from services.accounts.domain import Role
from services.actor import Actor
from services.notifications.application import Notifications, address_digest
from services.notifications.values import Channel
from services.tokens import VERIFY_EMAIL, LinkToken
from tests.mail.fixtures import Mailroom, free_port, link_token, mail_settings_for, provision_acme
from tests.tenant_api import PASSWORD, TenantApi
from tests.web import serving

VERIFY = ("verify_email", WorkStatus.DONE)


def sign_up(acme: TenantApi, email: str, name: str, locale: str = "en") -> UUID:
    response = acme.post("/api/v1/accounts", json={
        "email": email, "name": name, "password": PASSWORD, "roles": ["entrepreneur"],
        "locale": locale,
    })
    assert response.status_code == 201, response.text
    return UUID(response.json()["memberId"])


def test_sofia_gets_her_verification_mail_in_spanish_in_acmes_brand(mailroom: Mailroom) -> None:
    sign_up(mailroom.acme, "sofia@example.org", "Sofía Ramírez", locale="es")
    assert mailroom.deliver() == 1

    [mail] = mailroom.inbox("sofia@example.org")
    assert mail["Subject"] == "Confirma tu dirección de correo electrónico en Acme Ventures"
    assert mail["Content-Language"] == "es"
    assert mail["From"].addresses[0].display_name == "Acme Ventures"
    assert mail["From"].addresses[0].addr_spec == "noreply@ithaca.localhost"
    assert mail["Reply-To"].addresses[0].addr_spec == "help@acme.example"
    assert mail["To"].addresses[0].display_name == "Sofía Ramírez"
    text = text_of(mail)
    assert "Hola, Sofía Ramírez:" in text
    assert "http://acme.ithaca.localhost:8000/verify-email?token=" in text
    assert "de 2" in text  # a babel date: "... de <month> de 2026 ..." in Madrid time
    assert "(Europe/Madrid)" in text
    page = text_of(mail, "html")
    assert '<html lang="es" dir="ltr">' in page
    assert "#123456" in page
    assert "#abcdef" in page
    assert "Acme Ventures" in page

    # The link's token verifies her address.
    response = mailroom.acme.post("/api/v1/accounts/verify", json={"token": link_token(mail)})
    assert response.status_code == 200, response.text
    sofia = mailroom.acme.accounts().find_member_by_email("sofia@example.org")
    assert sofia is not None
    assert sofia.email_verified


def test_every_interface_language_has_its_own_words(mailroom: Mailroom) -> None:
    subjects = {
        "en": "Reset your Acme Ventures password",
        "es": "Restablece tu contraseña de Acme Ventures",
        "fr": "Réinitialisez votre mot de passe Acme Ventures",
        "ar": "أعد تعيين كلمة مرور Acme Ventures",
        "id": "Atur ulang kata sandi Acme Ventures Anda",
    }
    mailroom.acme.accounts().reset_answer_seconds = 0
    for locale in subjects:
        sign_up(mailroom.acme, f"{locale}@example.org", f"Member {locale}", locale=locale)
        response = mailroom.acme.post("/api/v1/password-resets",
                                      json={"email": f"{locale}@example.org"})
        assert response.status_code == 202
    assert mailroom.deliver() == 10  # five verification mails, five reset mails
    for locale, subject in subjects.items():
        reset = [m for m in mailroom.inbox(f"{locale}@example.org") if "reset-password" in
                 text_of(m)]
        assert [m["Subject"] for m in reset] == [subject]
        direction = "rtl" if locale == "ar" else "ltr"
        assert f'<html lang="{locale}" dir="{direction}">' in text_of(reset[0], "html")


def test_mail_is_queued_and_sent_once_however_often_the_mailer_runs(mailroom: Mailroom) -> None:
    sign_up(mailroom.acme, "ana@example.org", "Ana")
    acme = mailroom.served.ithaca.tenant("acme")
    assert mailroom.scheduler.queue(acme) == 2  # her address's confirmation, and a nudge later
    assert mailroom.scheduler.queue(acme) == 0  # nothing new since
    assert mailroom.deliver() == 1
    assert mailroom.deliver() == 0
    assert mailroom.deliver() == 0
    assert len(mailroom.inbox("ana@example.org")) == 1
    assert mailroom.statuses() == {VERIFY: 1}


def test_with_the_mail_server_down_mail_waits_and_is_retried(
    settings: Settings, ithaca_clock: SettableClock,
) -> None:
    port = free_port()  # nothing listens here yet
    with serving(mail_settings_for(settings, port), clock=ithaca_clock) as served:
        provision_acme(served)
        room = Mailroom(served, None)
        sign_up(room.acme, "ana@example.org", "Ana")
        assert room.deliver() == 0
        assert room.statuses() == {("verify_email", WorkStatus.PENDING): 1}

        with MailSink("127.0.0.1", port) as sink:
            room.sink = sink
            assert room.deliver() == 0  # not due yet: it backs off
            ithaca_clock.set(ithaca_clock.now + backoff(1) + timedelta(seconds=1))
            assert room.deliver() == 1
            assert len(room.inbox("ana@example.org")) == 1
        assert room.statuses() == {VERIFY: 1}


def test_mail_is_given_up_after_the_last_attempt(
    settings: Settings, ithaca_clock: SettableClock,
) -> None:
    mail_settings = mail_settings_for(settings, free_port(), mail_max_attempts=2)
    with serving(mail_settings, clock=ithaca_clock) as served:
        provision_acme(served)
        room = Mailroom(served, None)
        sign_up(room.acme, "ana@example.org", "Ana")
        start = ithaca_clock.set(ithaca_clock.now)
        room.deliver()
        ithaca_clock.set(start + backoff(1) + timedelta(seconds=1))
        room.deliver()
        assert room.statuses() == {("verify_email", WorkStatus.FAILED): 1}
        ithaca_clock.set(start + timedelta(days=1))
        assert room.deliver() == 0  # never tried again


class _RefusingHandler:
    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        options: list[str],
    ) -> str:
        return "550 no such mailbox here"


def test_a_mailbox_refused_for_good_is_not_retried_and_is_marked(settings: Settings) -> None:
    port = free_port()
    refusing = Controller(_RefusingHandler(), hostname="127.0.0.1", port=port)
    refusing.start()
    try:
        with serving(mail_settings_for(settings, port)) as served:
            provision_acme(served)
            room = Mailroom(served, None)
            member_id = sign_up(room.acme, "gone@example.org", "Gone")
            room.deliver()
            # Done with: the refusal is recorded, and never retried.
            assert room.statuses() == {("verify_email", WorkStatus.DONE): 1}
            stream = served.ithaca.tenant_stream(served.ithaca.tenant("acme"))
            deliveries = DeliveryRecords(stream).of_member(member_id)
            outcomes = {(delivery.channel, delivery.outcome) for delivery in deliveries}
            assert outcomes == {(Channel.EMAIL, Outcome.REFUSED)}
            # The address is marked: nothing more is sent to it until it is confirmed again.
            notifications = served.ithaca.tenant_application(
                served.ithaca.tenant("acme"), Notifications)
            assert notifications.settings_of(member_id).refuses(address_digest("gone@example.org"))
    finally:
        refusing.stop()


def test_a_fresh_ithaca_delivers_mail_queued_before_it(settings: Settings) -> None:
    port = free_port()
    mail_settings = mail_settings_for(settings, port)
    with serving(mail_settings) as served:
        provision_acme(served)
        room = Mailroom(served, None)
        sign_up(room.acme, "ana@example.org", "Ana")
        room.scheduler.queue(served.ithaca.tenant("acme"))  # Ana's mail is in the outbox,
        sign_up(room.acme, "ben@example.org", "Ben")  # Ben's only asked for by his event
    # The process stops before sending either; the next one starts.
    with MailSink("127.0.0.1", port) as sink, serving(mail_settings) as served:
        room = Mailroom(served, sink)
        assert room.deliver() == 2
        assert len(room.inbox("ana@example.org")) == len(room.inbox("ben@example.org")) == 1


def test_the_background_dispatcher_sends_a_new_members_mail(settings: Settings) -> None:
    arrived = threading.Event()

    def note(mail: ReceivedMail) -> None:
        arrived.set()

    with MailSink("127.0.0.1", free_port(), on_mail=note) as sink:
        background = mail_settings_for(settings, sink.port, mail_background=True)
        with serving(background) as served:
            provision_acme(served)
            sign_up(TenantApi(served, "acme"), "ana@example.org", "Ana")
            assert arrived.wait(timeout=30), "the dispatcher did not send the mail"
        assert [str(m["To"]) for m in sink.messages] == ["Ana <ana@example.org>"]


def test_mail_no_longer_needed_is_dropped(mailroom: Mailroom) -> None:
    # Ana verifies her address (from another device's link) before her mail goes out.
    sign_up(mailroom.acme, "ana@example.org", "Ana")
    accounts = mailroom.acme.accounts()
    ana = accounts.find_member_by_email("ana@example.org")
    assert ana is not None
    token = accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=ana.id, expires_at=accounts.clock() + timedelta(days=1)
    ))
    assert mailroom.acme.post("/api/v1/accounts/verify", json={"token": token}).status_code == 200
    assert mailroom.deliver() == 0
    assert mailroom.inbox("ana@example.org") == []
    assert mailroom.statuses() == {("verify_email", WorkStatus.DROPPED): 1}


def test_a_member_created_by_the_cli_gets_a_verification_mail(mailroom: Mailroom) -> None:
    accounts = mailroom.acme.accounts()
    accounts.create_member(
        email="tess@example.org", name="Tess", password=PASSWORD, roles=[Role.TENANT_ADMIN],
        locale="fr", actor=Actor(kind="cli", id="test"),
    )
    assert mailroom.deliver() == 1
    [mail] = mailroom.inbox("tess@example.org")
    assert mail["Subject"] == "Confirmez votre adresse e-mail pour Acme Ventures"


def test_bad_mail_settings_name_their_variable() -> None:
    with pytest.raises(SettingsError, match="ITHACA_MAIL_SECURITY"):
        Settings.from_env({"ITHACA_MAIL_SECURITY": "ssl3"})
    with pytest.raises(SettingsError, match="ITHACA_MAIL_PORT"):
        Settings.from_env({"ITHACA_MAIL_PORT": "0"})
