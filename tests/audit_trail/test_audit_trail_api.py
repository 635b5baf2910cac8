"""The audit trail over the JSON API: staff actions with actor, reason and correlation id,
operator actions from the platform stream, auditors' reads, filters, paging and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.actor import Actor
from tests.moderation.scenes import activate, mentor
from tests.tenant_api import SignedInMember, TenantApi

WEIGHTS = {"language": 1, "expertise": 4, "industry": 1, "country": 1, "hours": 1,
           "stage": 0.5, "capacity": 0.5, "responsiveness": 1, "openRequests": 1}


def trail(acme: TenantApi, reader: SignedInMember, **filters: Any) -> dict[str, Any]:
    acme.project()
    response = acme.get("/api/v1/audit/trail", reader, params=filters)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def actions(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(action, actor, reason) of each entry that is an action, oldest first."""
    return [(e["action"], e["actor"], e["reason"])
            for e in reversed(body["entries"]) if e["kind"] == "action"]


def test_every_staff_and_operator_action_is_in_the_trail_with_actor_reason_and_request(
    acme: TenantApi,
) -> None:
    # Pia runs the programme; Max is a member she has to deal with; Ugo audits.
    pia = acme.member("Pia", roles=["programme_admin"])
    max_ = acme.member("Max", roles=["entrepreneur"])
    ana = acme.member("Ana", roles=["entrepreneur"])
    ugo = acme.member("Ugo", roles=["auditor"])
    by_pia = f"member:{pia.id}"

    # Pia suspends Max on her own finding and reinstates him after a call.
    suspended = acme.post(f"/api/v1/members/{max_.id}/suspend", pia,
                          json={"reason": "Spamming mentors with the same message"},
                          headers={"X-Request-ID": "pia-suspends-max"})
    assert suspended.status_code == 200, suspended.text
    reinstated = acme.post(f"/api/v1/members/{max_.id}/reinstate", pia,
                           json={"reason": "Promised to stop after our call"},
                           headers={"X-Request-ID": "pia-reinstates-max"})
    assert reinstated.status_code == 200, reinstated.text
    # She puts more weight on expertise, saying why.
    changed = acme.put("/api/v1/matching/weights", pia,
                       json={**WEIGHTS, "reason": "Board asked for expertise first"},
                       headers={"X-Request-ID": "pia-weights"})
    assert changed.status_code == 200, changed.text
    # Ana reports Max for harassment; Pia suspends him on the report.
    filed = acme.post("/api/v1/reports", ana, json={
        "memberId": str(max_.id), "reason": "harassment", "details": "Insulting messages."})
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["reportId"]
    decided = acme.post(f"/api/v1/reports/{report_id}/suspend", pia,
                        json={"note": "Insulted Ana twice in one week."},
                        headers={"X-Request-ID": "pia-decides"})
    assert decided.status_code == 200, decided.text
    # An operator suspends the whole tenant for a day, then reinstates it.
    registry = acme.served.ithaca.registry
    olga = Actor(kind="operator", id="olga", correlation_id="olga-suspends")
    registry.suspend_tenant("acme", "Invoice unpaid", olga)
    registry.reinstate_tenant("acme", "Invoice paid", Actor(kind="operator", id="olga"))

    body = trail(acme, ugo, kind="action")
    entries = {(e["action"], e["correlationId"]): e for e in body["entries"]}
    assert actions(body)[-7:] == [
        ("Member.Suspended", by_pia, "Spamming mentors with the same message"),
        ("Member.Reinstated", by_pia, "Promised to stop after our call"),
        ("MatchingConfiguration.WeightsChanged", by_pia, "Board asked for expertise first"),
        ("Report.Suspended", by_pia, "harassment"),
        ("Member.Suspended", by_pia, f"report {report_id} (harassment)"),
        ("Tenant.Suspended", "operator:olga", "Invoice unpaid"),
        ("Tenant.Reinstated", "operator:olga", "Invoice paid"),
    ]
    # Each carries its request's id; the decision and the suspension it caused share one.
    assert entries["Member.Suspended", "pia-suspends-max"]["subjectId"] == str(max_.id)
    assert entries["Report.Suspended", "pia-decides"]["subjectId"] == report_id
    assert entries["Member.Suspended", "pia-decides"]["subjectKind"] == "Member"
    weights = entries["MatchingConfiguration.WeightsChanged", "pia-weights"]
    assert weights["details"]["weights"]["expertise"] == 4
    operator = entries["Tenant.Suspended", "olga-suspends"]
    assert (operator["stream"], operator["position"]) == ("platform", None)
    # The decision's note is the reported member's personal data: not in the trail.
    assert "Insulted Ana" not in str(body)
    # One request, one correlation id: filtering by it finds exactly its two events.
    same_request = trail(acme, ugo, correlationId="pia-decides")
    assert sorted(e["action"] for e in same_request["entries"]) == [
        "Member.Suspended", "Report.Suspended"]
    assert body["position"] >= decided.json()["position"]


def test_the_trail_narrows_by_actor_kind_action_subject_and_time(acme: TenantApi) -> None:
    pia = acme.member("Pia", roles=["programme_admin"])
    tao = acme.member("Tao", roles=["tenant_admin"])
    max_ = acme.member("Max", roles=["entrepreneur"])
    ugo = acme.member("Ugo", roles=["auditor"])
    assert acme.post(f"/api/v1/members/{max_.id}/suspend", pia,
                     json={"reason": "Spam"}).status_code == 200
    assert acme.put("/api/v1/matching/weights", tao, json=WEIGHTS).status_code == 200
    acme.get("/api/v1/dashboard", ugo)

    by_tao = trail(acme, ugo, actor=f"member:{tao.id}")
    assert [e["action"] for e in by_tao["entries"]] == ["MatchingConfiguration.WeightsChanged"]
    assert by_tao["entries"][0]["reason"] == ""  # a reason is optional there
    suspensions = trail(acme, ugo, action="Member.Suspended")
    assert [e["subjectId"] for e in suspensions["entries"]] == [str(max_.id)]
    about_max = trail(acme, ugo, subject=str(max_.id), kind="action")
    assert [e["action"] for e in about_max["entries"]] == ["Member.Suspended"]
    reads = trail(acme, ugo, kind="read")
    assert reads["entries"]
    assert {e["actor"] for e in reads["entries"]} == {f"member:{ugo.id}"}
    # Time: everything today, nothing tomorrow or before yesterday.
    today = datetime.now(UTC).date()
    assert trail(acme, ugo, action="Member.Suspended", to=today.isoformat())["entries"]
    assert trail(acme, ugo, **{"from": today.isoformat(), "action": "Member.Suspended"})[
        "entries"]
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert trail(acme, ugo, **{"from": tomorrow})["entries"] == []
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert trail(acme, ugo, to=an_hour_ago)["entries"] == []


def test_bad_filters_are_refused_naming_the_field(acme: TenantApi) -> None:
    ugo = acme.member("Ugo", roles=["auditor"])
    for name, value in (("actor", "pia"), ("kind", "write"), ("action", "Member.Deleted"),
                        ("subject", "not-an-id"), ("from", "yesterday"), ("to", "2026-13-01"),
                        ("limit", "501"), ("limit", "0"), ("before", "-3")):
        refused = acme.get("/api/v1/audit/trail", ugo, params={name: value})
        assert refused.status_code == 422, (name, value, refused.text)
        assert refused.json()["error"]["field"] == name
    backwards = acme.get("/api/v1/audit/trail", ugo,
                         params={"from": "2026-06-30", "to": "2026-06-01"})
    assert backwards.status_code == 422
    assert backwards.json()["error"]["field"] == "to"


def test_only_auditors_and_tenant_admins_read_the_trail_and_auditors_still_write_nothing(
    acme: TenantApi,
) -> None:
    ena = acme.member("Ena", roles=["entrepreneur"])
    pia = acme.member("Pia", roles=["programme_admin"])
    tao = acme.member("Tao", roles=["tenant_admin"])
    ugo = acme.member("Ugo", roles=["auditor"])
    assert acme.get("/api/v1/audit/trail", ena).status_code == 403
    assert acme.get("/api/v1/audit/trail", pia).status_code == 403
    assert acme.get("/api/v1/audit/trail", tao).status_code == 200
    assert acme.get("/api/v1/audit/trail").status_code == 401
    # An auditor reads everything and still changes nothing.
    refused = acme.post(f"/api/v1/members/{ena.id}/suspend", ugo, json={"reason": "Testing"})
    assert refused.status_code == 403
    refused = acme.put("/api/v1/matching/weights", ugo, json=WEIGHTS)
    assert refused.status_code == 403
    assert trail(acme, tao, kind="action", actor=f"member:{ugo.id}")["entries"] == []


def test_auditors_reads_are_recorded_with_their_path_and_members_reads_are_not(
    acme: TenantApi,
) -> None:
    ena = acme.member("Ena", roles=["entrepreneur"])
    ben = mentor(acme, "Ben")
    ugo = acme.member("Ugo", roles=["auditor"])
    tao = acme.member("Tao", roles=["tenant_admin"])
    relationship = activate(acme, ena, ben, datetime(2026, 1, 5, 9, tzinfo=UTC))
    acme.project()
    # Ena and Ben read their own things; Ugo reads the dashboard and their timeline.
    assert acme.get("/api/v1/me", ena).status_code == 200
    assert acme.get(f"/api/v1/relationships/{relationship}/timeline", ben).status_code == 200
    dashboard = acme.get("/api/v1/dashboard", ugo, params={"country": "KE"},
                         headers={"X-Request-ID": "ugo-dashboard"})
    assert dashboard.status_code == 200, dashboard.text
    timeline = acme.get(f"/api/v1/relationships/{relationship}/timeline", ugo)
    assert timeline.status_code == 200, timeline.text
    # Ugo reads the trail itself: that is recorded too, and seen by the next read.
    trail(acme, ugo)

    reads = trail(acme, tao, kind="read")["entries"]
    assert [(e["path"], e["actor"]) for e in reversed(reads)] == [
        ("/api/v1/dashboard", f"member:{ugo.id}"),
        (f"/api/v1/relationships/{relationship}/timeline", f"member:{ugo.id}"),
        ("/api/v1/audit/trail", f"member:{ugo.id}"),
    ]
    first = reads[-1]
    assert (first["query"], first["correlationId"]) == ("country=KE", "ugo-dashboard")
    assert first["action"] == "AuditorRead.Recorded"
    # Who looked at this relationship: its id is the read's subject.
    about = trail(acme, tao, subject=str(relationship), kind="read")["entries"]
    assert [e["path"] for e in about] == [f"/api/v1/relationships/{relationship}/timeline"]


def test_the_trail_pages_back_in_time_showing_operator_actions_once(acme: TenantApi) -> None:
    pia = acme.member("Pia", roles=["programme_admin"])
    tao = acme.member("Tao", roles=["tenant_admin"])
    max_ = acme.member("Max", roles=["entrepreneur"])
    for round_ in range(3):
        assert acme.post(f"/api/v1/members/{max_.id}/suspend", pia,
                         json={"reason": f"Round {round_}"}).status_code == 200
        assert acme.post(f"/api/v1/members/{max_.id}/reinstate", pia,
                         json={"reason": f"Round {round_} over"}).status_code == 200
    everything = trail(acme, tao, kind="action")["entries"]

    seen: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        params: dict[str, Any] = {"kind": "action", "limit": 2}
        if before is not None:
            params["before"] = before
        page = trail(acme, tao, **params)
        assert len([e for e in page["entries"] if e["stream"] == "tenant"]) <= 2
        seen += page["entries"]
        before = page["nextBefore"]
        if before is None:
            break
    assert seen == everything
    # The tenant's provisioning (platform stream) is the oldest action, shown once.
    assert [e["action"] for e in seen].count("Tenant.Provisioned") == 1
    assert seen[-1]["action"] == "Tenant.Provisioned"
    assert seen[-1]["actor"] == "cli:test"
