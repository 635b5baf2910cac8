"""Accounts over the JSON API: sign-up, sign-in, roles, idempotency, tenant isolation."""

from __future__ import annotations

import uuid

from services.actor import Actor
from tests.tenant_api import PASSWORD, TenantApi


def test_ana_signs_up_signs_in_and_sees_her_account(acme: TenantApi) -> None:
    response = acme.post("/api/v1/accounts", json={
        "email": "Ana@Example.org", "name": "Ana Pereira", "password": PASSWORD,
        "roles": ["entrepreneur", "mentor"],
    })
    assert response.status_code == 201, response.text
    assert response.json()["position"] >= 1

    response = acme.post("/api/v1/sessions", json={
        "email": "ana@example.org", "password": PASSWORD
    })
    assert response.status_code == 201
    token = response.json()["token"]
    me = acme.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.org"
    assert me.json()["roles"] == ["entrepreneur", "mentor"]
    assert me.json()["locale"] == "en"  # the tenant's default

    # Signing out ends the session.
    assert acme.delete("/api/v1/sessions/current",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = acme.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_bad_sign_ups_name_the_field_and_store_nothing(acme: TenantApi) -> None:
    before = acme.accounts().position
    cases = [
        ({"email": "not-an-address", "name": "X", "password": PASSWORD,
          "roles": ["mentor"]}, 422, "email"),
        ({"email": "x@example.org", "name": "X", "password": "short",
          "roles": ["mentor"]}, 400, "password"),
        ({"email": "x@example.org", "name": "X", "password": PASSWORD,
          "roles": ["auditor"]}, 422, "roles"),
        ({"email": "x@example.org", "name": "X", "password": PASSWORD,
          "roles": ["mentor"], "admin": True}, 400, "admin"),
    ]
    for body, status, field in cases:
        response = acme.post("/api/v1/accounts", json=body)
        assert response.status_code == status, (body, response.text)
        assert field in (response.json()["error"]["field"] or ""), response.text
    assert acme.accounts().position == before
    # A taken address is no refusal: see test_sign_up_with_a_taken_address.py.


def test_a_wrong_password_and_an_unknown_address_answer_alike(acme: TenantApi) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    wrong = acme.post("/api/v1/sessions", json={"email": "ana@example.org", "password": "x" * 12})
    unknown = acme.post("/api/v1/sessions", json={"email": "bo@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_roles_are_enforced_and_auditors_only_read(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    admin = acme.member("Tess", roles=["tenant_admin"])
    auditor = acme.member("Aude", roles=["auditor"])

    assert acme.get("/api/v1/me").status_code == 401
    forbidden = acme.get(f"/api/v1/members/{admin.id}", ana)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["field"] == "role"
    assert acme.get(f"/api/v1/members/{ana.id}", auditor).status_code == 200
    assert acme.put(f"/api/v1/members/{ana.id}/roles", auditor,
                    json={"roles": ["mentor"], "reason": "x"}).status_code == 403

    granted = acme.put(f"/api/v1/members/{ana.id}/roles", admin,
                       json={"roles": ["entrepreneur", "programme_admin"], "reason": "cohort"})
    assert granted.status_code == 200, granted.text
    assert acme.get(f"/api/v1/members/{admin.id}", ana).status_code == 200


def test_another_tenants_member_ids_answer_like_unknown_ones(acme: TenantApi) -> None:
    acme.served.ithaca.registry.provision_tenant(
        slug="beta", display_name="Beta", actor=Actor(kind="cli", id="test")
    )
    beta = TenantApi(acme.served, "beta")
    bella = beta.member("Bella", roles=["mentor"])
    admin = acme.member("Tess", roles=["tenant_admin"])
    theirs = acme.get(f"/api/v1/members/{bella.id}", admin)
    nobodys = acme.get(f"/api/v1/members/{uuid.uuid4()}", admin)
    assert theirs.status_code == nobodys.status_code == 404
    assert theirs.json()["error"]["field"] == nobodys.json()["error"]["field"] == "memberId"
    # A token of Beta's does not sign anyone in at Acme.
    assert acme.get("/api/v1/me", bella).status_code == 401


def test_a_retried_sign_up_with_the_same_key_records_once(acme: TenantApi) -> None:
    body = {"email": "kai@example.org", "name": "Kai", "password": PASSWORD, "roles": ["mentor"]}
    headers = {"Idempotency-Key": "3f0c7d1e-sign-up"}
    first = acme.post("/api/v1/accounts", json=body, headers=headers)
    position = acme.accounts().position
    second = acme.post("/api/v1/accounts", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert acme.accounts().position == position  # nothing more recorded

    # The same key for a different request is refused.
    other = acme.post("/api/v1/accounts", json={**body, "name": "Kai 2"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "Idempotency-Key"
