"""An erasure carried out by a tenant admin on request, as mail: the admin receives the
certificate's link through the app's own scheduler and a real SMTP sink; the erased member,
whose address is gone, receives nothing more (`tests/privacy/test_erasure_mail.py` tells the
source's rules)."""

from __future__ import annotations

from infra.mail.sink import text_of
from tests.mail.fixtures import Mailroom

SUBJECT = "The erasure you carried out is complete"


def test_the_admin_gets_the_certificate_link_and_the_erased_member_nothing(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    tess = acme.member("Tess", roles=["tenant_admin"])
    ben = acme.member("Ben", roles=["mentor"])
    mailroom.deliver()  # their sign-up mail, out of the way
    received_before = len(mailroom.inbox(ben.email))

    erased = acme.post(f"/api/v1/members/{ben.id}/erasure", tess,
                       json={"ground": "member_request"})
    assert erased.status_code == 201, erased.text
    mailroom.deliver()

    [mail] = [m for m in mailroom.inbox(tess.email) if m["Subject"] == SUBJECT]
    text = text_of(mail)
    certificate_id = erased.json()["certificateId"]
    assert f"http://acme.ithaca.localhost:8000/api/v1/erasures/{certificate_id}" in text
    assert str(ben.id) in text
    assert "Ben" not in text.replace(str(ben.id), "")
    assert "List-Unsubscribe" not in mail
    assert len(mailroom.inbox(ben.email)) == received_before
    # The link opens without signing in, as the person who asked will open it.
    assert acme.get(f"/api/v1/erasures/{certificate_id}").status_code == 200
