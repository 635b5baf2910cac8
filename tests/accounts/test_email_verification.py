"""E-mail verification: the link in the mail verifies the address; bad links are refused."""

from __future__ import annotations

from datetime import timedelta

from infra.clock import SettableClock
from services.actor import Actor
from services.tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkToken
from tests.mail.fixtures import Mailroom, link_token
from tests.tenant_api import TenantApi

VERIFY = "/api/v1/accounts/verify"


def test_ana_verifies_her_address_with_the_link_in_her_mail(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    assert acme.get("/api/v1/me", ana).json()["emailVerified"] is False
    mailroom.deliver()
    [mail] = mailroom.inbox("ana@example.org")

    response = acme.post(VERIFY, json={"token": link_token(mail)})
    assert response.status_code == 200, response.text
    assert response.json()["position"] == acme.accounts().position
    assert acme.get("/api/v1/me", ana).json()["emailVerified"] is True

    # Opening the link again changes nothing.
    position = acme.accounts().position
    again = acme.post(VERIFY, json={"token": link_token(mail)})
    assert again.status_code == 200
    assert acme.accounts().position == position


def test_ana_asks_for_the_verification_mail_again(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    mailroom.deliver()

    response = acme.post("/api/v1/me/verification-mail", ana)
    assert response.status_code == 202, response.text
    assert mailroom.deliver() == 1
    _, second = mailroom.inbox("ana@example.org")
    assert second["Subject"] == "Confirm your e-mail address for Acme Ventures"
    assert acme.post(VERIFY, json={"token": link_token(second)}).status_code == 200

    # Once verified, there is nothing to send.
    position = acme.accounts().position
    refused = acme.post("/api/v1/me/verification-mail", ana)
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "emailVerified"
    assert acme.accounts().position == position
    # Only a signed-in member can ask.
    assert acme.post("/api/v1/me/verification-mail").status_code == 401


def test_bad_verification_tokens_are_refused_and_store_nothing(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    accounts = acme.accounts()
    now = accounts.clock()
    genuine = accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=ana.id, expires_at=now + timedelta(days=7)
    ))
    payload, _, signature = genuine.partition(".")
    reset_token = accounts.tokens.sign(LinkToken(
        purpose=PASSWORD_RESET, member_id=ana.id, expires_at=now + timedelta(hours=1),
        nonce="n1",
    ))
    position = accounts.position
    cases = [
        ({"token": "not-a-token"}, 422, "token"),
        ({"token": payload + "." + signature[::-1]}, 422, "token"),  # tampered signature
        ({"token": payload[:-2] + "AA." + signature}, 422, "token"),  # tampered payload
        ({"token": "é.é"}, 422, "token"),
        ({"token": reset_token}, 422, "token"),  # a reset link does not verify
        ({"token": ""}, 400, "token"),
        ({"token": genuine, "memberId": str(ana.id)}, 400, "memberId"),
        ({}, 400, "token"),
    ]
    for body, status, field in cases:
        response = acme.post(VERIFY, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.text)
    assert accounts.position == position
    assert acme.get("/api/v1/me", ana).json()["emailVerified"] is False


def test_an_expired_verification_link_is_refused(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    accounts = acme.accounts()
    now = ithaca_clock.now
    token = accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=ana.id, expires_at=now + timedelta(days=7)
    ))
    position = accounts.position
    ithaca_clock.set(now + timedelta(days=7, seconds=1))
    response = acme.post(VERIFY, json={"token": token})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "token"
    assert "expired" in response.json()["error"]["problem"]
    assert accounts.position == position


def test_a_link_of_another_tenant_verifies_nothing_here(acme: TenantApi) -> None:
    acme.served.ithaca.registry.provision_tenant(
        slug="beta", display_name="Beta", actor=Actor(kind="cli", id="test")
    )
    beta = TenantApi(acme.served, "beta")
    bella = beta.member("Bella", roles=["mentor"])
    beta_accounts = beta.accounts()
    theirs = beta_accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=bella.id,
        expires_at=beta_accounts.clock() + timedelta(days=1),
    ))
    position = acme.accounts().position
    response = acme.post(VERIFY, json={"token": theirs})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "token"
    assert acme.accounts().position == position
