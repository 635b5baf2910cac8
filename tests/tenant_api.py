"""Driving a tenant's JSON API in tests: a provisioned tenant, members who sign up and sign in.

    def test_something(acme: TenantApi) -> None:
        ana = acme.member("Ana", roles=["entrepreneur"])
        response = acme.post("/api/v1/...", ana, json={...})

Requests go through the `/t/{slug}` prefix, so no DNS is involved. Members are created through
the API itself (sign-up, then sign-in); roles that sign-up cannot grant (admins, auditors) are
granted through the accounts service as a tenant admin would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx

from projections.runtime import catch_up_tenant
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from tests.web import Served

PASSWORD = "a long enough password"  # noqa: S105 - a test fixture


@dataclass(frozen=True)
class SignedInMember:
    id: UUID
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class TenantApi:
    def __init__(self, served: Served, slug: str) -> None:
        self.served = served
        self.slug = slug
        self.client = served.client

    def url(self, path: str) -> str:
        return f"/t/{self.slug}{path}"

    def request(
        self, method: str, path: str, member: SignedInMember | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**(member.headers if member else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, member: SignedInMember | None = None, **kw: Any) -> httpx.Response:
        return self.request("GET", path, member, **kw)

    def post(self, path: str, member: SignedInMember | None = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, member, **kw)

    def put(self, path: str, member: SignedInMember | None = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, member, **kw)

    def delete(
        self, path: str, member: SignedInMember | None = None, **kw: Any
    ) -> httpx.Response:
        return self.request("DELETE", path, member, **kw)

    def project(self) -> None:
        """Brings every read model of the tenant up to date, in this thread (the in-process
        worker would get there too; this makes a test's reads independent of its timing)."""
        ithaca = self.served.ithaca
        catch_up_tenant(ithaca, ithaca.tenant(self.slug))

    def accounts(self) -> Accounts:
        ithaca = self.served.ithaca
        return ithaca.tenant_application(ithaca.tenant(self.slug), Accounts)

    def member(
        self, name: str, *, roles: list[str], email: str | None = None, locale: str = "en"
    ) -> SignedInMember:
        """Signs a new member up through the API, grants any admin roles, signs them in."""
        email = email or f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:6]}@example.org"
        self_service = [r for r in roles if r in ("entrepreneur", "mentor")] or ["entrepreneur"]
        response = self.post("/api/v1/accounts", json={
            "email": email, "name": name, "password": PASSWORD, "roles": self_service,
            "locale": locale,
        })
        assert response.status_code == 201, response.text
        member_id = UUID(response.json()["memberId"])
        if set(roles) != set(self_service):
            self.accounts().change_roles(
                member_id, [Role(r) for r in roles], "granted by the test",
                Actor(kind="cli", id="test"),
            )
        response = self.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.text
        return SignedInMember(id=member_id, email=email, token=response.json()["token"])
