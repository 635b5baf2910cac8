"""The public pages: a visitor joins, signs in and out, and reads the programme in their tongue."""

from __future__ import annotations

from tests.tenant_api import PASSWORD
from tests.web.pages.conftest import TenantPages


def test_a_visitor_joins_as_an_entrepreneur_and_lands_signed_in(acme_pages: TenantPages) -> None:
    ana = acme_pages.visitor()
    landing = ana.get("/")
    assert landing.status_code == 200
    assert "Acme Mentoring" in landing.text
    assert "default-src 'self'" in landing.headers["content-security-policy"]

    response = ana.post("/sign-up", {"roles": "entrepreneur", "name": "Ana Pereira",
                                     "email": "ana@example.org", "password": "correct horse 1"})
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/t/acme/onboarding"
    assert "ithaca_session" in ana.client.cookies
    assert "Sign out" in ana.get("/").text


def test_a_form_error_is_shown_beside_its_field_and_the_input_is_kept(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.visitor()
    response = ana.post("/sign-up", {"roles": "mentor", "name": "Ana Pereira",
                                     "email": "ana@example.org", "password": "short"})
    assert response.status_code == 400
    assert 'id="error-password"' in response.text
    assert 'value="Ana Pereira"' in response.text
    assert 'value="ana@example.org"' in response.text
    assert "short" not in response.text.split('id="field-password"')[1].split(">")[0]
    assert acme_pages.visitor().post("/sign-in", {
        "email": "ana@example.org", "password": "correct horse 1"}).status_code == 401


def test_a_form_without_its_csrf_token_is_refused(acme_pages: TenantPages) -> None:
    ana = acme_pages.visitor()
    ana.get("/sign-up")
    response = ana.client.post("/t/acme/sign-up", data={
        "roles": "entrepreneur", "name": "Ana", "email": "ana@example.org",
        "password": "correct horse 1"}, headers={"accept": "text/html"})
    assert response.status_code == 403


def test_a_wrong_password_says_so_without_telling_who_has_an_account(
    acme_pages: TenantPages,
) -> None:
    acme_pages.member("Ben", roles=["mentor"], email="ben@example.org")
    for email in ("ben@example.org", "nobody@example.org"):
        response = acme_pages.visitor().post("/sign-in", {"email": email, "password": "wrong one"})
        assert response.status_code == 401
        assert "The e-mail address or the password is wrong" in response.text.replace(
            "the e-mail", "The e-mail")


def test_a_page_for_members_sends_a_visitor_to_sign_in_and_back(acme_pages: TenantPages) -> None:
    ben = acme_pages.visitor()
    response = ben.get("/home", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/t/acme/sign-in?next=%2Ft%2Facme%2Fhome"
    acme_pages.member("Ben", roles=["mentor"], email="ben@example.org")
    response = ben.post("/sign-in", {"email": "ben@example.org", "password": PASSWORD,
                                     "next": "/t/acme/home"})
    assert response.headers["location"] == "/t/acme/home"


def test_the_language_follows_the_browser_then_the_visitors_choice(acme_pages: TenantPages) -> None:
    visitor = acme_pages.visitor()
    assert 'lang="es"' in visitor.get("/", headers={"accept-language": "es-MX,es;q=0.9"}).text
    visitor.post("/language", {"locale": "ar", "next": "/t/acme/"})
    page = visitor.get("/", headers={"accept-language": "es"}).text
    assert 'lang="ar" dir="rtl"' in page


def test_unknown_pages_are_branded_404s(acme_pages: TenantPages) -> None:
    page = acme_pages.visitor().get("/no-such-page")
    assert page.status_code == 404
    assert "Acme Mentoring" in page.text
    assert "brand.css" in page.text
