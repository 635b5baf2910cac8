"""Signing up with an address that already has an account: answered as for a new address, so
sign-up tells nobody who is a member; the address's owner is told by mail instead."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from argon2 import PasswordHasher

from infra.mail.sink import text_of
from tests.mail.fixtures import Mailroom
from tests.tenant_api import PASSWORD, TenantApi

INTRUDER_PASSWORD = "not the owner's password"  # noqa: S105 - a test fixture


def sign_up(acme: TenantApi, email: str, password: str = INTRUDER_PASSWORD) -> Any:
    return acme.post("/api/v1/accounts", json={
        "email": email, "name": "Someone", "password": password, "roles": ["mentor"],
    })


def test_a_taken_address_is_answered_as_a_new_one_and_its_owner_is_told_by_mail(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"], email="ana@example.org", locale="fr")
    admin = acme.member("Tess", roles=["tenant_admin"])
    mailroom.deliver()  # their verification mails

    new = sign_up(acme, "nadia@example.org")
    taken = sign_up(acme, "ANA@example.org")
    assert new.status_code == taken.status_code == 201, taken.text
    assert new.json().keys() == taken.json().keys() == {"memberId", "position"}
    assert taken.json()["position"] > new.json()["position"]
    # The id answered looks like any member's and leads to nobody: not to Ana.
    unrelated = UUID(taken.json()["memberId"])
    assert unrelated != ana.id
    assert unrelated.version == UUID(new.json()["memberId"]).version == 5
    assert acme.get(f"/api/v1/members/{unrelated}", admin).status_code == 404

    # Ana's account is as it was: her password still works, the other one never did.
    def signs_in(password: str) -> int:
        return acme.post("/api/v1/sessions", json={
            "email": "ana@example.org", "password": password}).status_code

    assert signs_in(PASSWORD) == 201
    assert signs_in(INTRUDER_PASSWORD) == 401

    # Nadia gets her verification mail; Ana is told, in French and in Acme's brand.
    assert mailroom.deliver() == 2
    [told] = [mail for mail in mailroom.inbox("ana@example.org")
              if "s'inscrire" in str(mail["Subject"])]
    assert told["Subject"] == "Quelqu'un a tenté de s'inscrire sur Acme Ventures avec votre adresse"
    text = text_of(told)
    assert "Bonjour Ana," in text
    assert "http://acme.ithaca.localhost:8000/sign-in" in text
    assert "http://acme.ithaca.localhost:8000/forgot-password" in text

    # Asking again at once answers the same way, without a second mail to her.
    again = sign_up(acme, "ana@example.org")
    assert again.status_code == 201
    assert again.json()["memberId"] not in (str(ana.id), str(unrelated))
    assert mailroom.deliver() == 0


class CountingHasher(PasswordHasher):
    hashed = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashed += 1
        return super().hash(password, salt=salt)


def test_a_taken_address_costs_the_same_password_hash_as_a_new_one(acme: TenantApi) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    accounts = acme.accounts()
    hasher = accounts.hasher = CountingHasher(time_cost=1, memory_cost=1024)
    before = accounts.position
    assert sign_up(acme, "nadia@example.org").status_code == 201
    assert (hasher.hashed, accounts.position) == (1, before + 1)
    assert sign_up(acme, "ana@example.org").status_code == 201
    assert (hasher.hashed, accounts.position) == (2, before + 2)
