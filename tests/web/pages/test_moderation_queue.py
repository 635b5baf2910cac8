"""The moderation queue shows the reported message's own text (not "(a message)") to the
programme admin who decides, with the reason in words; an auditor reads the queue without it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.moderation.scenes import activate, mentor
from tests.web.pages.conftest import TenantPages

MONEY = "Could you send me 200 USD? I will pay you back."


def test_the_admin_reads_the_reported_message_and_the_auditor_does_not(
    acme_pages: TenantPages,
) -> None:
    api = acme_pages.api
    max_ = api.member("Max", roles=["entrepreneur"])
    ana = mentor(api, "Ana")
    mentored = activate(api, max_, ana, datetime(2026, 1, 5, 9, tzinfo=UTC))
    sent = api.post(f"/api/v1/relationships/{mentored}/messages", max_, json={"body": MONEY})
    assert sent.status_code == 201, sent.text
    filed = api.post("/api/v1/reports", ana, json={
        "memberId": str(max_.id), "reason": "asking_for_money",
        "details": "He keeps asking for money.", "relationshipId": str(mentored),
        "messageNumber": sent.json()["number"]})
    assert filed.status_code == 201, filed.text

    pam = acme_pages.member("Pam", roles=["programme_admin"])
    queue = pam.get("/admin/moderation").text
    assert MONEY in queue
    assert "(a message)" not in queue
    assert '<span class="tag">Asking for money</span>' in queue
    assert "asking_for_money" not in queue
    assert f'href="/t/acme/relationships/{mentored}"' in queue

    aude = acme_pages.member("Aude", roles=["auditor"])
    read = aude.get("/admin/moderation").text
    assert MONEY not in read
    assert "its text is shown to programme admins only" in read
