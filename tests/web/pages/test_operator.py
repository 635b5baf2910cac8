"""The platform operator's pages: sign in with an operator token, list, provision, suspend and
reinstate tenants."""

from __future__ import annotations

from tests.web import Served
from tests.web.pages.conftest import TenantPages, Visitor


def _platform(served: Served) -> Visitor:
    operator = Visitor(served, "unused")
    operator.base = "/platform"
    return operator


def _signed_in_operator(served: Served) -> Visitor:
    token = served.operator()["Authorization"].removeprefix("Bearer ")
    olga = _platform(served)
    response = olga.post("/sign-in", {"token": token})
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/platform/tenants"
    cookie = response.headers["set-cookie"]
    assert "ithaca_operator=" in cookie
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "samesite=strict" in cookie.lower()
    return olga


def test_an_operator_provisions_a_tenant_with_its_own_brand(acme_pages: TenantPages) -> None:
    olga = _signed_in_operator(acme_pages.served)
    listing = olga.get("/tenants")
    assert listing.status_code == 200
    assert 'href="/t/acme/"' in listing.text
    assert "olga" in listing.text
    assert olga.get("/tenants/new").status_code == 200

    response = olga.post("/tenants/new", {
        "slug": "globex", "displayName": "Globex", "defaultLocale": "es",
        "timeZone": "America/Bogota", "location": "main", "productName": "Globex Mentores",
        "primaryColour": "#336699", "accentColour": "#ffcc00", "logoUrl": "",
        "supportEmail": "help@globex.example"})
    assert response.status_code in (302, 303), response.text
    assert 'href="/t/globex/"' in olga.get("/tenants").text

    landing = acme_pages.served.client.get("/t/globex/", headers={"accept": "text/html"})
    assert landing.status_code == 200
    assert "Globex Mentores" in landing.text
    assert "Acme Mentoring" not in landing.text
    assert "#336699" in acme_pages.served.client.get("/t/globex/brand.css").text


def test_a_bad_provisioning_form_keeps_the_input(acme_pages: TenantPages) -> None:
    olga = _signed_in_operator(acme_pages.served)
    response = olga.post("/tenants/new", {"slug": "acme", "displayName": "Another Acme",
                                          "timeZone": "UTC", "primaryColour": "#000000"})
    assert response.status_code == 409
    assert 'id="error-slug"' in response.text
    assert 'value="Another Acme"' in response.text


def test_suspending_a_tenant_closes_its_pages_until_reinstated(acme_pages: TenantPages) -> None:
    olga = _signed_in_operator(acme_pages.served)
    refused = olga.post("/tenants/acme/suspend", {"reason": ""})
    assert refused.status_code == 400
    assert 'id="error-reason-acme"' in refused.text

    assert olga.post("/tenants/acme/suspend", {"reason": "Contract ended"}
                     ).status_code in (302, 303)
    assert acme_pages.visitor().get("/").status_code == 403
    assert "Contract ended" in olga.get("/tenants").text

    assert olga.post("/tenants/acme/reinstate", {"reason": "Renewed"}).status_code in (302, 303)
    assert acme_pages.visitor().get("/").status_code == 200


def test_a_wrong_token_is_refused_and_the_pages_stay_closed(acme_pages: TenantPages) -> None:
    acme_pages.served.operator()
    mallory = _platform(acme_pages.served)
    response = mallory.post("/sign-in", {"token": "ith_not-a-real-token"})
    assert response.status_code == 401
    assert 'id="error-token"' in response.text
    assert "ithaca_operator" not in mallory.client.cookies
    closed = mallory.get("/tenants", follow_redirects=False)
    assert closed.status_code in (302, 303)
    assert closed.headers["location"] == "/platform/sign-in?next=%2Fplatform%2Ftenants"
    assert mallory.post("/tenants/acme/suspend", {"reason": "x"}).status_code in (302, 303)
    assert acme_pages.visitor().get("/").status_code == 200
