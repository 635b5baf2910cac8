"""The `/my-data` page: the member finds it from their profile, downloads their data, and
erases their account, after which the page shows the certificate to keep."""

from __future__ import annotations

from tests.tenant_api import PASSWORD
from tests.web.pages.conftest import TenantPages


def test_ana_downloads_her_data_then_erases_her_account_and_keeps_the_certificate(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    assert "/t/acme/my-data" in ana.get("/profile").text
    page = ana.get("/my-data")
    assert page.status_code == 200, page.text
    assert 'href="/t/acme/api/v1/me/data"' in page.text

    # The download opens with the page's own session.
    download = ana.client.get("/t/acme/api/v1/me/data")
    assert download.status_code == 200, download.text
    assert download.json()["account"]["name"] == "Ana"

    # Without the tick, or with a wrong password, nothing is erased and the form says why.
    unticked = ana.post("/my-data/erase", {"password": PASSWORD})
    assert unticked.status_code == 422
    assert "tick the box to confirm" in unticked.text
    wrong = ana.post("/my-data/erase", {"password": "not my password", "confirm": "yes"})
    assert wrong.status_code == 403
    assert "the password is wrong" in wrong.text
    assert ana.get("/my-data").status_code == 200

    erased = ana.post("/my-data/erase", {"password": PASSWORD, "confirm": "yes"})
    assert erased.status_code == 200, erased.text
    assert "Your account is erased" in erased.text
    link = erased.text.split('href="/t/acme/api/v1/erasures/')[1].split('"')[0]
    certificate = ana.client.get(f"/t/acme/api/v1/erasures/{link}").json()
    assert certificate["memberId"] == str(ana.member_id)
    assert certificate["signature"] in erased.text
    # She is signed out, and cannot sign in again.
    assert ana.get("/my-data", follow_redirects=False).status_code in (302, 303)
    again = ana.post("/sign-in", {"email": ana.email, "password": PASSWORD})
    assert again.status_code not in (302, 303)
