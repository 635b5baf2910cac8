"""Password resets: one answer for every address, a link that works once and expires, and every
session ended when the password changes."""

from __future__ import annotations

import time
from datetime import timedelta

from infra.clock import SettableClock
from infra.mail.sink import text_of
from services.actor import Actor
from services.tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkToken
from tests.mail.fixtures import Mailroom, link_token
from tests.tenant_api import PASSWORD, TenantApi

RESETS = "/api/v1/password-resets"
CONFIRM = "/api/v1/password-resets/confirm"
NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - a test fixture


def sign_in(acme: TenantApi, email: str, password: str) -> int:
    return acme.post("/api/v1/sessions", json={"email": email, "password": password}).status_code


def test_ana_resets_her_forgotten_password_and_is_signed_out_everywhere(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    acme.accounts().reset_answer_seconds = 0
    laptop = acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    phone = acme.post("/api/v1/sessions", json={"email": "ana@example.org",
                                                 "password": PASSWORD}).json()["token"]
    mailroom.deliver()  # her verification mail

    response = acme.post(RESETS, json={"email": "ANA@example.org"})
    assert response.status_code == 202
    assert mailroom.deliver() == 1
    mail = mailroom.inbox("ana@example.org")[-1]
    assert mail["Subject"] == "Reset your Acme Ventures password"
    assert "http://acme.ithaca.localhost:8000/reset-password?token=" in text_of(mail)

    response = acme.post(CONFIRM, json={"token": link_token(mail), "password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["position"] == acme.accounts().position

    # Every session she had has ended; only the new password works.
    assert acme.get("/api/v1/me", laptop).status_code == 401
    assert acme.get("/api/v1/me", headers={"Authorization": f"Bearer {phone}"}).status_code == 401
    assert sign_in(acme, "ana@example.org", PASSWORD) == 401
    assert sign_in(acme, "ana@example.org", NEW_PASSWORD) == 201
    # The mail reached her, so her address counts as verified.
    member = acme.accounts().find_member_by_email("ana@example.org")
    assert member is not None
    assert member.email_verified

    # The link works once.
    position = acme.accounts().position
    again = acme.post(CONFIRM, json={"token": link_token(mail), "password": "another passphrase"})
    assert again.status_code == 422
    assert again.json()["error"]["field"] == "token"
    assert "already been used" in again.json()["error"]["problem"]
    assert acme.accounts().position == position


def test_an_unknown_address_gets_the_same_answer_in_as_long_and_no_mail(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    mailroom.deliver()
    floor = acme.accounts().reset_answer_seconds

    started = time.monotonic()
    known = acme.post(RESETS, json={"email": "ana@example.org"})
    known_took = time.monotonic() - started
    position = acme.accounts().position
    started = time.monotonic()
    unknown = acme.post(RESETS, json={"email": "nobody@example.org"})
    unknown_took = time.monotonic() - started

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known_took >= floor
    assert unknown_took >= floor
    assert acme.accounts().position == position  # nothing recorded for the unknown address
    assert mailroom.deliver() == 1
    assert len(mailroom.inbox("ana@example.org")) == 2
    assert mailroom.inbox("nobody@example.org") == []


def test_asking_twice_in_a_row_sends_one_mail(
    mailroom: Mailroom, ithaca_clock: SettableClock,
) -> None:
    acme = mailroom.acme
    accounts = acme.accounts()
    accounts.reset_answer_seconds = 0
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    mailroom.deliver()
    assert acme.post(RESETS, json={"email": "ana@example.org"}).status_code == 202
    position = accounts.position
    assert acme.post(RESETS, json={"email": "ana@example.org"}).status_code == 202
    assert accounts.position == position
    assert mailroom.deliver() == 1

    # A few minutes later she may ask again.
    ithaca_clock.advance(minutes=3)
    assert acme.post(RESETS, json={"email": "ana@example.org"}).status_code == 202
    assert accounts.position > position


def test_a_suspended_member_gets_no_reset_mail(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    accounts = acme.accounts()
    accounts.reset_answer_seconds = 0
    ana = acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    mailroom.deliver()
    member = accounts.get_member(ana.id)
    member.suspend("spam", actor=Actor(kind="cli", id="test"))
    accounts.record(member)
    position = accounts.position
    assert acme.post(RESETS, json={"email": "ana@example.org"}).status_code == 202
    assert accounts.position == position
    mailroom.deliver()  # she is told of her suspension (account mail), and of nothing else
    assert not [mail for mail in mailroom.inbox("ana@example.org")
                if "/reset-password" in text_of(mail)]


def test_an_expired_reset_link_is_refused(acme: TenantApi, ithaca_clock: SettableClock) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    accounts = acme.accounts()
    now = ithaca_clock.now
    token = accounts.tokens.sign(LinkToken(
        purpose=PASSWORD_RESET, member_id=ana.id, expires_at=now + timedelta(hours=1), nonce="n1"
    ))
    position = accounts.position
    ithaca_clock.set(now + timedelta(hours=1, seconds=1))
    response = acme.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "token"
    assert "expired" in response.json()["error"]["problem"]
    assert accounts.position == position
    assert acme.get("/api/v1/me", ana).status_code == 200  # her session goes on


def test_bad_reset_requests_and_confirmations_store_nothing(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    accounts = acme.accounts()
    accounts.reset_answer_seconds = 0
    now = accounts.clock()
    reset = accounts.tokens.sign(LinkToken(
        purpose=PASSWORD_RESET, member_id=ana.id, expires_at=now + timedelta(hours=1), nonce="n1"
    ))
    verification = accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=ana.id, expires_at=now + timedelta(hours=1)
    ))
    position = accounts.position
    cases = [
        (RESETS, {"email": "not-an-address"}, 422, "email"),
        (RESETS, {"email": "a@example.org", "name": "x"}, 400, "name"),
        (RESETS, {}, 400, "email"),
        (CONFIRM, {"token": reset, "password": "short"}, 400, "password"),
        (CONFIRM, {"token": "nonsense", "password": NEW_PASSWORD}, 422, "token"),
        (CONFIRM, {"token": verification, "password": NEW_PASSWORD}, 422, "token"),
        (CONFIRM, {"token": reset}, 400, "password"),
        (CONFIRM, {"token": reset, "password": NEW_PASSWORD, "email": "x"}, 400, "email"),
    ]
    for path, body, status, field in cases:
        response = acme.post(path, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.text)
    assert accounts.position == position
    assert acme.get("/api/v1/me", ana).status_code == 200
