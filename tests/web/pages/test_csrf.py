"""Cross-site request forgery: the API takes only JSON, a command signed in by the session
cookie carries the page's CSRF token, and a token works only in the session it was minted for."""

from __future__ import annotations

import json

import httpx

from tests.web import PLATFORM_API
from tests.web.pages.conftest import TenantPages, Visitor

API = "/t/acme/api/v1"


def api_call(person: Visitor, method: str, path: str, **kwargs: object) -> httpx.Response:
    """What a page's script, or another site's form, would send with the browser's cookies."""
    return person.client.request(method, API + path, **kwargs)  # type: ignore[arg-type]


def plant(person: Visitor, token: str) -> None:
    """Another site of the same domain sets the CSRF cookie in this browser (cookie tossing)."""
    person.client.cookies.delete("ithaca_csrf")
    person.client.cookies.set("ithaca_csrf", token, domain="testserver.local", path="/")


def test_the_api_answers_bodies_that_are_not_json_with_415(acme_pages: TenantPages) -> None:
    body = json.dumps({"email": "eve@example.org", "name": "Eve", "password": "long enough 1",
                       "roles": ["mentor"]})
    visitor = acme_pages.visitor()
    for content_type, content in (
        ("text/plain", body),
        ("application/x-www-form-urlencoded", "email=eve%40example.org"),
        ("multipart/form-data; boundary=x", "--x--"),
    ):
        refused = api_call(visitor, "POST", "/accounts", content=content,
                           headers={"content-type": content_type})
        assert refused.status_code == 415, refused.text
        assert refused.json()["error"]["field"] == "Content-Type"
        assert content_type.split(";")[0] in refused.json()["error"]["problem"]
    assert acme_pages.api.accounts().find_member_by_email("eve@example.org") is None

    accepted = api_call(visitor, "POST", "/accounts", content=body,
                        headers={"content-type": "application/json; charset=utf-8"})
    assert accepted.status_code == 201, accepted.text

    # The platform API too.
    operator = acme_pages.served.operator()
    refused = acme_pages.served.client.post(
        f"{PLATFORM_API}/tenants", content=json.dumps({"slug": "evil", "displayName": "Evil"}),
        headers={**operator, "content-type": "text/plain"})
    assert refused.status_code == 415, refused.text
    assert refused.json()["error"]["field"] == "Content-Type"
    # It takes only bearer tokens: the operator pages' cookie signs nobody in there.
    token = operator["Authorization"].removeprefix("Bearer ")
    by_cookie = acme_pages.served.client.post(
        f"{PLATFORM_API}/tenants", json={"slug": "evil", "displayName": "Evil"},
        headers={"Cookie": f"ithaca_operator={token}"})
    assert by_cookie.status_code == 401, by_cookie.text


def test_a_command_signed_in_by_the_cookie_needs_the_pages_csrf_token(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])  # signed in through the page
    assert api_call(ana, "GET", "/me").status_code == 200  # reading needs nothing more

    refused = api_call(ana, "POST", "/me/verification-mail")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["field"] == "X-CSRF-Token"
    assert api_call(ana, "POST", "/me/verification-mail",
                    headers={"X-CSRF-Token": "0" * 128}).status_code == 403

    sent = api_call(ana, "POST", "/me/verification-mail",
                    headers={"X-CSRF-Token": ana.csrf_token()})
    assert sent.status_code == 202, sent.text

    # A bearer token is no cookie: no other page can send it, so it needs no CSRF token.
    ben = acme_pages.api.member("Ben", roles=["mentor"])
    assert acme_pages.api.post("/api/v1/me/verification-mail", ben).status_code == 202


def test_a_csrf_token_works_only_in_the_session_it_was_minted_for(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    eve = acme_pages.member("Eve", roles=["entrepreneur"])
    language = {"locale": "fr", "next": "/t/acme/"}
    assert ana.post("/language", language).status_code in (302, 303)

    # Eve's own token, planted in Ana's browser as cookie and form field alike, is refused.
    plant(ana, eve.csrf_token())
    assert ana.post("/language", language).status_code == 403
    assert api_call(ana, "POST", "/me/verification-mail",
                    headers={"X-CSRF-Token": eve.csrf_token()}).status_code == 403
    # Her next page gives her a token of her own again.
    ana.get("/")
    assert ana.csrf_token() != eve.csrf_token()
    assert ana.post("/language", language).status_code in (302, 303)

    # A visitor's token changes when they sign in: the one from before is refused after.
    ben = acme_pages.visitor()
    ben.get("/sign-in")
    before = ben.csrf_token()
    acme_pages.api.member("Ben", roles=["mentor"], email="ben@example.org")
    ben.sign_in("ben@example.org")
    assert ben.csrf_token() != before
    plant(ben, before)
    assert ben.post("/language", language).status_code == 403
