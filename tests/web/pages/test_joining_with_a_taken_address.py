"""The sign-up page with an address that already has an account: no refusal that would tell who
is a member; the visitor is sent to the mailbox, where the owner finds a message."""

from __future__ import annotations

from tests.tenant_api import PASSWORD
from tests.web.pages.conftest import TenantPages


def test_joining_with_a_taken_address_points_to_the_mailbox(acme_pages: TenantPages) -> None:
    acme_pages.member("Ben", roles=["mentor"], email="ben@example.org")
    stranger = acme_pages.visitor()
    response = stranger.post("/sign-up", {"roles": "entrepreneur", "name": "Not Ben",
                                          "email": "ben@example.org",
                                          "password": "correct horse 1"})
    assert response.status_code == 200, response.text
    assert "Check your mailbox" in response.text
    assert "already" not in response.text
    assert "ithaca_session" not in stranger.client.cookies

    # Ben himself, with his own password, is simply signed in.
    ben = acme_pages.visitor()
    response = ben.post("/sign-up", {"roles": "mentor", "name": "Ben",
                                     "email": "ben@example.org", "password": PASSWORD})
    assert response.status_code in (302, 303)
    assert "ithaca_session" in ben.client.cookies
