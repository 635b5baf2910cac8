"""Staff act only on members they outrank: roles, warnings, suspensions and erasure.

Ranks (`Role.rank`): entrepreneurs and mentors, then programme admins and auditors, then tenant
admins. Nobody acts on a peer or on themselves through these commands.
"""

from __future__ import annotations

from typing import Any

from tests.tenant_api import PASSWORD, SignedInMember, TenantApi

DETAILS = "Asked me for money in our first conversation and would not take no for an answer."


def refused(response: Any, field: str = "memberId") -> str:
    assert response.status_code == 403, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["field"] == field, response.text
    problem: str = error["problem"]
    return problem


def report(acme: TenantApi, reporter: SignedInMember, member: SignedInMember) -> str:
    filed = acme.post("/api/v1/reports", reporter, json={
        "memberId": str(member.id), "reason": "other", "details": DETAILS,
    })
    assert filed.status_code == 201, filed.text
    return str(filed.json()["reportId"])


def test_a_programme_admin_cannot_suspend_warn_or_erase_the_staff_above_or_beside_them(
    acme: TenantApi,
) -> None:
    tess = acme.member("Tess", roles=["tenant_admin"])
    pia = acme.member("Pia", roles=["programme_admin"])
    pablo = acme.member("Pablo", roles=["programme_admin"])
    aude = acme.member("Aude", roles=["auditor"])
    max_ = acme.member("Max", roles=["entrepreneur", "mentor"])

    before = acme.accounts().position
    for staff in (tess, pablo, aude):
        problem = refused(acme.post(f"/api/v1/members/{staff.id}/suspend", pia,
                                    json={"reason": "I do not like them"}))
        assert "outrank" in problem
        assert refused(acme.post(f"/api/v1/members/{staff.id}/reinstate", pia,
                                 json={"reason": "x"}))
    assert acme.accounts().position == before
    assert acme.get("/api/v1/me", tess).status_code == 200

    # A report about the tenant admin can be dismissed, not acted on.
    about_tess = report(acme, max_, tess)
    for decision in ("warn", "suspend"):
        refused(acme.post(f"/api/v1/reports/{about_tess}/{decision}", pia,
                          json={"note": "Decided without asking anyone."}))
    assert acme.get(f"/api/v1/reports/{about_tess}", pia).json()["status"] == "open"
    dismissed = acme.post(f"/api/v1/reports/{about_tess}/dismiss", pia,
                          json={"note": "Not for us to decide."})
    assert dismissed.status_code == 200, dismissed.text

    # Members below her she moderates as before.
    about_max = report(acme, tess, max_)
    warned = acme.post(f"/api/v1/reports/{about_max}/warn", pia,
                       json={"note": "Please keep money out of the conversation."})
    assert warned.status_code == 200, warned.text
    suspended = acme.post(f"/api/v1/members/{max_.id}/suspend", pia, json={"reason": "spam"})
    assert suspended.status_code == 200, suspended.text
    reinstated = acme.post(f"/api/v1/members/{max_.id}/reinstate", pia, json={"reason": "ok"})
    assert reinstated.status_code == 200, reinstated.text


def test_a_tenant_admin_acts_on_the_staff_below_them_but_not_on_a_peer_or_themselves(
    acme: TenantApi,
) -> None:
    tess = acme.member("Tess", roles=["tenant_admin", "programme_admin"])
    tom = acme.member("Tom", roles=["tenant_admin"])
    pia = acme.member("Pia", roles=["programme_admin"])

    before = acme.accounts().position
    refused(acme.put(f"/api/v1/members/{tom.id}/roles", tess,
                     json={"roles": ["mentor"], "reason": "demoted"}))
    refused(acme.put(f"/api/v1/members/{tess.id}/roles", tess,
                     json={"roles": ["mentor"], "reason": "stepping down"}))
    refused(acme.post(f"/api/v1/members/{tom.id}/suspend", tess, json={"reason": "rival"}))
    refused(acme.post(f"/api/v1/members/{tom.id}/erasure", tess,
                      json={"ground": "member_request"}))
    assert acme.accounts().position == before
    assert acme.get("/api/v1/me", tom).status_code == 200

    changed = acme.put(f"/api/v1/members/{pia.id}/roles", tess,
                       json={"roles": ["mentor"], "reason": "left the team"})
    assert changed.status_code == 200, changed.text
    suspended = acme.post(f"/api/v1/members/{pia.id}/suspend", tess, json={"reason": "left"})
    assert suspended.status_code == 200, suspended.text


def test_a_tenant_admin_erases_their_own_account_only_where_the_password_is_asked(
    acme: TenantApi,
) -> None:
    tess = acme.member("Tess", roles=["tenant_admin"])
    before = acme.accounts().position
    problem = refused(acme.post(f"/api/v1/members/{tess.id}/erasure", tess,
                                json={"ground": "member_request"}))
    assert "/me/erasure" in problem
    assert acme.accounts().position == before
    assert acme.get("/api/v1/me", tess).status_code == 200

    erased = acme.post("/api/v1/me/erasure", tess, json={"password": PASSWORD})
    assert erased.status_code == 201, erased.text
    assert erased.json()["requestedBy"] == "member"
