"""Fixtures for page tests over HTTP (TestClient): a tenant whose pages are visited by people,
each with their own cookies, over https (the session and CSRF cookies are Secure).

    def test_x(acme_pages: TenantPages) -> None:
        ana = acme_pages.member("Ana", roles=["entrepreneur"])   # signed in through /sign-in
        page = ana.get("/mentors")                               # /t/acme/mentors, as HTML
        response = ana.post("/requests", {"mentorId": ...})      # the CSRF field is added
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from tests.tenant_api import PASSWORD, TenantApi
from tests.web import Served

_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]*)"')


class Visitor:
    """One browser's worth of cookies on one tenant's pages (`/t/{slug}` prefix)."""

    def __init__(self, served: Served, slug: str) -> None:
        self.served = served
        self.base = f"/t/{slug}"
        self.client: TestClient[Litestar] = TestClient(served.app)
        self.client.base_url = httpx.URL("https://testserver.local")
        self.member_id: UUID | None = None
        self.email = ""

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"accept": "text/html", **kwargs.pop("headers", {})}
        return self.client.get(self.base + path, headers=headers, **kwargs)

    def htmx_get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.get(path, headers={"hx-request": "true"}, **kwargs)

    def csrf_token(self) -> str:
        token = self.client.cookies.get("ithaca_csrf")
        if token is None:
            found = _CSRF_FIELD.search(self.get("/").text)
            assert found, "no CSRF field on the landing page"
            token = found.group(1)
        return token

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]] | None = None,
             *, follow: bool = False, htmx: bool = False) -> httpx.Response:
        """Submits a form as a browser would, with the CSRF field; redirects are not followed
        unless `follow`."""
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        flat: list[tuple[str, str]] = []
        for name, value in fields:
            for item in value if isinstance(value, list) else [value]:
                flat.append((name, str(item)))
        flat.append(("_csrf_token", self.csrf_token()))
        headers = {"accept": "text/html"}
        if htmx:
            headers["hx-request"] = "true"
        return self.client.post(
            self.base + path, content=urlencode(flat).encode(),
            headers={**headers, "content-type": "application/x-www-form-urlencoded"},
            follow_redirects=follow)

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post("/sign-in", {"email": email, "password": password})
        assert response.status_code in (302, 303), response.text
        self.email = email
        return response


class TenantPages:
    """A provisioned tenant and the people who visit its pages."""

    def __init__(self, served: Served, slug: str) -> None:
        self.served = served
        self.slug = slug
        self.api = TenantApi(served, slug)

    def visitor(self) -> Visitor:
        return Visitor(self.served, self.slug)

    def member(
        self, name: str, *, roles: list[str], locale: str = "en", email: str | None = None,
    ) -> Visitor:
        """A member (created as an admin would, roles granted) signed in through the page."""
        email = email or f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:6]}@example.org"
        accounts = self.served.ithaca.tenant_application(
            self.served.ithaca.tenant(self.slug), Accounts)
        member, _ = accounts.create_member(
            email=email, name=name, password=PASSWORD, roles=[Role(role) for role in roles],
            locale=locale, actor=Actor(kind="cli", id="test"))
        person = self.visitor()
        person.sign_in(email)
        person.member_id = member.id
        return person

    def project(self) -> None:
        self.api.project()


@pytest.fixture
def acme_pages(served_app: Served) -> TenantPages:
    served_app.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"),
        time_zone="Europe/Madrid",
    )
    return TenantPages(served_app, "acme")
