"""Cookie sessions for pages: `ithaca_session`, Secure, HttpOnly, SameSite=Lax, Path=/."""

from __future__ import annotations

from datetime import UTC, datetime
from http.cookies import SimpleCookie

from litestar import Response

from services.accounts.cookies import set_session_cookie
from services.accounts.domain import SessionKind
from services.actor import Actor
from tests.tenant_api import PASSWORD, TenantApi


def parsed(set_cookie: str) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(set_cookie)
    return cookie


def test_ana_signs_in_for_pages_and_her_browser_keeps_the_session(acme: TenantApi) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    response = acme.post("/api/v1/sessions", json={
        "email": "ana@example.org", "password": PASSWORD, "cookie": True,
    })
    assert response.status_code == 201, response.text
    assert response.json()["token"] is None  # scripts never see it

    header = response.headers["set-cookie"]
    morsel = parsed(header)["ithaca_session"]
    assert morsel["secure"]
    assert morsel["httponly"]
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert 13 * 86400 < int(morsel["max-age"]) <= 14 * 86400

    # The browser sends it back (over HTTPS; the test client speaks plain HTTP, so by hand).
    cookie = {"Cookie": f"ithaca_session={morsel.value}"}
    me = acme.get("/api/v1/me", headers=cookie)
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.org"

    # A command with the cookie carries the CSRF token of the session's pages (a page's form
    # holds it; the browser keeps it in a cookie of its own): without it, it is refused.
    refused = acme.delete("/api/v1/sessions/current", headers=cookie)
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "X-CSRF-Token"
    page = acme.get("/", headers={**cookie, "accept": "text/html"})
    csrf = parsed(page.headers["set-cookie"])["ithaca_csrf"].value
    assert f'name="_csrf_token" value="{csrf}"' in page.text
    cookie = {"Cookie": f"ithaca_session={morsel.value}; ithaca_csrf={csrf}",
              "X-CSRF-Token": csrf}

    # Signing out ends the session and tells the browser to forget the cookie.
    out = acme.delete("/api/v1/sessions/current", headers=cookie)
    assert out.status_code == 200
    forgotten = parsed(out.headers.get_list("set-cookie")[0])["ithaca_session"]
    assert forgotten.value == ""
    assert forgotten["max-age"] == "0"
    assert acme.get("/api/v1/me", headers=cookie).status_code == 401


def test_a_bearer_sign_in_sets_no_cookie(acme: TenantApi) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    response = acme.post("/api/v1/sessions", json={
        "email": "ana@example.org", "password": PASSWORD,
    })
    assert response.status_code == 201
    assert "set-cookie" not in response.headers
    assert response.json()["token"]
    signed_out = acme.delete("/api/v1/sessions/current",
                             headers={"Authorization": f"Bearer {response.json()['token']}"})
    assert "set-cookie" not in signed_out.headers


def test_pages_can_start_a_cookie_session_with_the_helper(acme: TenantApi) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    signed_in = acme.accounts().sign_in(
        email="ana@example.org", password=PASSWORD, kind=SessionKind.COOKIE,
        actor=Actor(kind="visitor", id="anonymous"),
    )
    assert signed_in.kind is SessionKind.COOKIE
    assert (signed_in.expires_at - datetime.now(UTC)).days == 13  # 14 days less a moment
    response = set_session_cookie(Response(content="a page"), signed_in)
    [cookie] = response.cookies
    assert (cookie.key, cookie.value) == ("ithaca_session", signed_in.token)
    assert cookie.secure
    assert cookie.httponly
    assert cookie.samesite == "lax"
    assert cookie.path == "/"
    me = acme.get("/api/v1/me", headers={"Cookie": f"ithaca_session={signed_in.token}"})
    assert me.status_code == 200
