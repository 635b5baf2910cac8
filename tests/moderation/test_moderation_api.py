"""Moderation over the JSON API: reports, the review queue, decisions, suspension, reinstatement."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from eventsourcing.utils import get_topic

from infra.clock import SettableClock
from services.actor import Actor
from services.audit_log.domain import AuditorRead
from tests.moderation.scenes import activate, mentor, moderation, request
from tests.tenant_api import PASSWORD, SignedInMember, TenantApi

MONEY = "He asked me to send 200 USD to his personal account before our next call."


def report(
    acme: TenantApi, reporter: SignedInMember, reported: SignedInMember,
    reason: str = "spam", **extra: object,
) -> str:
    response = acme.post("/api/v1/reports", reporter, json={
        "memberId": str(reported.id), "reason": reason, "details": MONEY, **extra,
    })
    assert response.status_code == 201, response.text
    return str(response.json()["reportId"])


def test_a_suspended_member_is_stopped_at_once_and_can_act_again_once_reinstated(
    acme: TenantApi,
) -> None:
    # Max is mentored by Ana and has also asked Ben for mentoring.
    max_ = acme.member("Max", roles=["entrepreneur"])
    ana, ben = mentor(acme, "Ana"), mentor(acme, "Ben")
    pia = acme.member("Pia", roles=["programme_admin"])
    mentored = activate(acme, max_, ana, datetime(2026, 1, 5, 9, tzinfo=UTC))
    asked_ben = request(acme, max_, ben)
    sent = acme.post(f"/api/v1/relationships/{mentored}/messages", max_,
                     json={"body": "Could you send me 200 USD? I will pay you back."})
    assert sent.status_code == 201, sent.text
    number = sent.json()["number"]

    # Ana reports the message.
    filed = acme.post("/api/v1/reports", ana, json={
        "memberId": str(max_.id), "reason": "asking_for_money", "details": MONEY,
        "relationshipId": str(mentored), "messageNumber": number,
    })
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["reportId"]

    # Pia finds it in her queue and reads it.
    queue = acme.get("/api/v1/moderation/queue", pia)
    assert queue.status_code == 200, queue.text
    assert [r["reportId"] for r in queue.json()["reports"]] == [report_id]
    assert queue.json()["reports"][0]["messageReport"] is True
    shown = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert shown["status"] == "open"
    assert shown["details"] == MONEY
    assert shown["reporterId"] == str(ana.id)
    assert shown["memberId"] == str(max_.id)
    assert (shown["relationshipId"], shown["messageNumber"]) == (str(mentored), number)

    # She suspends Max.
    suspended = acme.post(f"/api/v1/reports/{report_id}/suspend", pia,
                          json={"note": "Asked his mentor for money; second time this month."})
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["position"] == acme.accounts().position

    # Max's token stops working at once, and he cannot sign in again.
    refused = acme.get("/api/v1/me", max_)
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "status"
    assert acme.get("/api/v1/me/relationships", max_).status_code == 403
    sign_in = acme.post("/api/v1/sessions", json={"email": max_.email, "password": PASSWORD})
    assert sign_in.status_code == 403
    # His open request to Ben is withdrawn; Ben sees it so.
    seen_by_ben = acme.get(f"/api/v1/relationships/{asked_ben}", ben).json()
    assert seen_by_ben["status"] == "withdrawn"
    # The queue is empty; the report shows who decided, when and why.
    assert acme.get("/api/v1/moderation/queue", pia).json()["reports"] == []
    decided = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert decided["status"] == "suspended"
    assert decided["decidedBy"] == f"member:{pia.id}"
    assert decided["note"] == "Asked his mentor for money; second time this month."
    assert decided["decidedAt"] is not None
    assert acme.get(f"/api/v1/members/{max_.id}", pia).json()["status"] == "suspended"

    # Max appeals; Pia reinstates him and he can act again with the same token.
    reinstated = acme.post(f"/api/v1/members/{max_.id}/reinstate", pia,
                           json={"reason": "Appeal accepted after a call"})
    assert reinstated.status_code == 200, reinstated.text
    assert acme.get("/api/v1/me", max_).status_code == 200
    again = acme.post("/api/v1/sessions", json={"email": max_.email, "password": PASSWORD})
    assert again.status_code == 201
    assert acme.get(f"/api/v1/members/{max_.id}", pia).json()["status"] == "active"
    # Reinstating someone who is not suspended is a conflict.
    twice = acme.post(f"/api/v1/members/{max_.id}/reinstate", pia, json={"reason": "again"})
    assert twice.status_code == 409
    assert twice.json()["error"]["field"] == "status"


def test_admins_dismiss_or_warn_and_the_warned_member_reads_the_warning(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    first = report(acme, ana, kai, "spam")
    second = report(acme, ben, kai, "off_platform_solicitation")
    queue = acme.get("/api/v1/moderation/queue", pia).json()["reports"]
    assert [r["reportId"] for r in queue] == [first, second]  # oldest first
    assert [r["reason"] for r in queue] == ["spam", "off_platform_solicitation"]

    dismissed = acme.post(f"/api/v1/reports/{first}/dismiss", pia,
                          json={"note": "Ordinary introduction, not spam."})
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "dismissed"
    assert acme.get("/api/v1/me/warnings", kai).json()["warnings"] == []

    warned = acme.post(f"/api/v1/reports/{second}/warn", pia,
                       json={"note": "Please keep conversations on the platform."})
    assert warned.status_code == 200, warned.text
    assert warned.json()["status"] == "warned"
    warnings = acme.get("/api/v1/me/warnings", kai).json()["warnings"]
    assert [(w["reportId"], w["reason"], w["note"]) for w in warnings] == [
        (second, "off_platform_solicitation", "Please keep conversations on the platform."),
    ]
    # A warning is not a suspension, and nobody else sees Kai's warnings as theirs.
    assert acme.get("/api/v1/me", kai).status_code == 200
    assert acme.get("/api/v1/me/warnings", ana).json()["warnings"] == []
    assert acme.get("/api/v1/moderation/queue", pia).json()["reports"] == []


def test_a_decided_report_cannot_be_decided_again(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    report_id = report(acme, ana, kai)
    assert acme.post(f"/api/v1/reports/{report_id}/warn", pia,
                     json={"note": "Mind the tone."}).status_code == 200
    before = acme.accounts().position
    for decision in ("dismiss", "warn", "suspend"):
        again = acme.post(f"/api/v1/reports/{report_id}/{decision}", pia,
                          json={"note": "second thoughts"})
        assert again.status_code == 409, again.text
        assert again.json()["error"]["field"] == "status"
        assert "already warned" in again.json()["error"]["problem"]
    assert acme.accounts().position == before
    assert acme.get("/api/v1/me", kai).status_code == 200  # not suspended by the refusal
    assert len(acme.get("/api/v1/me/warnings", kai).json()["warnings"]) == 1


def test_a_second_report_on_a_suspended_member_closes_without_suspending_again(
    acme: TenantApi,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    first, second = report(acme, ana, kai, "harassment"), report(acme, ben, kai, "harassment")
    assert acme.post(f"/api/v1/reports/{first}/suspend", pia,
                     json={"note": "Threatening messages."}).status_code == 200
    closed = acme.post(f"/api/v1/reports/{second}/suspend", pia,
                       json={"note": "Same behaviour, already suspended."})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "suspended"
    assert acme.get("/api/v1/moderation/queue", pia).json()["reports"] == []
    assert acme.get("/api/v1/me", kai).status_code == 403


def test_mentees_and_mentors_cannot_work_the_queue_and_auditors_only_read(
    acme: TenantApi,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    aude = acme.member("Aude", roles=["auditor"])
    report_id = report(acme, ana, kai)
    before = acme.accounts().position
    for member in (ana, kai):
        for path in ("/api/v1/moderation/queue", f"/api/v1/reports/{report_id}"):
            refused = acme.get(path, member)
            assert refused.status_code == 403, path
            assert refused.json()["error"]["field"] == "role"
        decided = acme.post(f"/api/v1/reports/{report_id}/suspend", member,
                            json={"note": "I decide"})
        assert decided.status_code == 403
        assert decided.json()["error"]["field"] == "role"
        reinstated = acme.post(f"/api/v1/members/{ana.id}/reinstate", member,
                               json={"reason": "x"})
        assert reinstated.status_code == 403
    assert acme.get("/api/v1/moderation/queue", aude).status_code == 200
    assert acme.get(f"/api/v1/reports/{report_id}", aude).status_code == 200
    assert acme.post(f"/api/v1/reports/{report_id}/dismiss", aude,
                     json={"note": "auditors only read"}).status_code == 403
    assert acme.get("/api/v1/moderation/queue").status_code == 401
    # Nothing was recorded but the auditor's two reads (auditors' reads are audited).
    recorded = acme.accounts().recorder.select_notifications(
        start=before, limit=10, inclusive_of_start=False)
    assert [n.topic for n in recorded] == [get_topic(AuditorRead.Recorded)] * 2


def test_bad_reports_name_the_field_and_store_nothing(acme: TenantApi) -> None:
    max_ = acme.member("Max", roles=["entrepreneur"])
    ana = mentor(acme, "Ana")
    eve = acme.member("Eve", roles=["entrepreneur"])
    mentored = activate(acme, max_, ana, datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert acme.post(f"/api/v1/relationships/{mentored}/messages", max_,
                     json={"body": "Hello Ana!"}).status_code == 201
    before = acme.accounts().position
    message = {"relationshipId": str(mentored), "messageNumber": 1}
    cases: list[tuple[SignedInMember, dict[str, object], int, str]] = [
        (ana, {"memberId": str(ana.id)}, 422, "memberId"),  # herself
        (ana, {"memberId": str(uuid.uuid4())}, 404, "memberId"),
        (ana, {"reason": "rudeness"}, 400, "reason"),
        (ana, {"details": ""}, 400, "details"),
        (ana, {"colour": "red"}, 400, "colour"),
        (ana, {"relationshipId": str(mentored)}, 422, "messageNumber"),
        (ana, {"messageNumber": 1}, 422, "relationshipId"),
        (ana, {**message, "messageNumber": 0}, 400, "messageNumber"),
        (ana, {**message, "messageNumber": 2}, 404, "messageNumber"),
        (ana, {**message, "relationshipId": str(uuid.uuid4())}, 404, "relationshipId"),
        # Eve is not in that relationship: it reads like an unknown one.
        (eve, message, 404, "relationshipId"),
        # Message 1 is Max's, not Eve's.
        (ana, {**message, "memberId": str(eve.id)}, 422, "memberId"),
    ]
    for reporter, change, status, field in cases:
        body = {"memberId": str(max_.id), "reason": "spam", "details": MONEY, **change}
        response = acme.post("/api/v1/reports", reporter, json=body)
        assert response.status_code == status, (change, response.text)
        assert response.json()["error"]["field"] == field, (change, response.text)
    assert acme.post("/api/v1/reports", json={
        "memberId": str(max_.id), "reason": "spam", "details": MONEY,
    }).status_code == 401
    assert acme.accounts().position == before


def test_unknown_and_other_tenants_ids_answer_404(acme: TenantApi) -> None:
    acme.served.ithaca.registry.provision_tenant(
        slug="beta", display_name="Beta", actor=Actor(kind="cli", id="test")
    )
    beta = TenantApi(acme.served, "beta")
    bella, bo = beta.member("Bella", roles=["mentor"]), beta.member("Bo", roles=["entrepreneur"])
    theirs = report(beta, bo, bella)
    pia = acme.member("Pia", roles=["programme_admin"])
    before = acme.accounts().position
    for report_id in (theirs, str(uuid.uuid4())):
        assert acme.get(f"/api/v1/reports/{report_id}", pia).status_code == 404
        response = acme.post(f"/api/v1/reports/{report_id}/dismiss", pia, json={"note": "x"})
        assert response.status_code == 404
        assert response.json()["error"]["field"] == "reportId"
    for member_id in (bella.id, uuid.uuid4()):
        response = acme.post(f"/api/v1/members/{member_id}/reinstate", pia,
                             json={"reason": "x"})
        assert response.status_code == 404
        assert response.json()["error"]["field"] == "memberId"
    assert acme.accounts().position == before
    # Beta's queue is Beta's own.
    assert acme.get("/api/v1/moderation/queue", pia).json()["reports"] == []


def test_bad_decisions_name_the_field_and_store_nothing(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    report_id = report(acme, ana, kai)
    before = acme.accounts().position
    for body, field in (({}, "note"), ({"note": ""}, "note"), ({"note": "x", "ban": True}, "ban")):
        response = acme.post(f"/api/v1/reports/{report_id}/suspend", pia, json=body)
        assert response.status_code == 400, response.text
        assert response.json()["error"]["field"] == field
    response = acme.post(f"/api/v1/members/{kai.id}/reinstate", pia, json={"reason": ""})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "reason"
    assert acme.accounts().position == before


def test_decision_times_come_from_the_applications_clock(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    ithaca_clock.set(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
    report_id = report(acme, ana, kai)
    acme.post(f"/api/v1/reports/{report_id}/warn", pia, json={"note": "Mind the tone."})
    shown = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert shown["filedAt"] == shown["decidedAt"] == "2026-03-02T10:30:00Z"
    assert acme.get("/api/v1/me/warnings", kai).json()["warnings"][0]["warnedAt"] == (
        "2026-03-02T10:30:00Z"
    )


def test_a_retried_report_with_the_same_key_is_filed_once(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    body = {"memberId": str(kai.id), "reason": "spam", "details": MONEY}
    headers = {"Idempotency-Key": "report-7f3a"}
    first = acme.post("/api/v1/reports", ana, json=body, headers=headers)
    position = acme.accounts().position
    second = acme.post("/api/v1/reports", ana, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert acme.accounts().position == position
    assert len(acme.get("/api/v1/moderation/queue", pia).json()["reports"]) == 1


def test_erasing_a_member_erases_what_reports_say_about_or_by_them(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    report_id = report(acme, ana, kai, "harassment")
    acme.post(f"/api/v1/reports/{report_id}/warn", pia, json={"note": "Kai was rude twice."})
    keys = moderation(acme).stream.personal_keys
    assert keys.erase(ana.id)
    shown = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert shown["details"] == "[erased]"  # the reporter's words
    assert shown["note"] == "Kai was rude twice."
    assert keys.erase(kai.id)
    shown = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert shown["note"] == "[erased]"  # the note about Kai
    assert (shown["status"], shown["reason"]) == ("warned", "harassment")
    assert moderation(acme).warnings_of(kai.id)[0].note == "[erased]"
