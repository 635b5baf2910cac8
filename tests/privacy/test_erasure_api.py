"""Erasure over the JSON API: a member erases their own account, a tenant admin erases one on
request, what that ends, what it refuses, and who may read the certificates."""

from __future__ import annotations

import uuid

from services.actor import Actor
from tests.privacy.scenes import (
    accept,
    entrepreneur_profile,
    error_of,
    mentor_profile,
    request,
    status_of,
)
from tests.tenant_api import PASSWORD, TenantApi


def test_ana_erases_her_account_and_can_never_sign_in_again(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    other_session = acme.post("/api/v1/sessions", json={"email": ana.email, "password": PASSWORD})
    assert other_session.status_code == 201
    other_token = {"Authorization": f"Bearer {other_session.json()['token']}"}

    # A wrong password erases nothing.
    before = acme.accounts().position
    error_of(acme.post("/api/v1/me/erasure", ana, json={"password": "not my password"}),
             403, "password")
    assert acme.get("/api/v1/me", ana).status_code == 200
    assert acme.accounts().get_member(ana.id).status == "active"
    assert acme.accounts().position == before + 1  # only the failed attempt, as at sign-in

    erased = acme.post("/api/v1/me/erasure", ana, json={"password": PASSWORD})
    assert erased.status_code == 201, erased.text
    certificate = erased.json()
    assert certificate["memberId"] == str(ana.id)
    assert certificate["tenant"] == "acme"
    assert certificate["requestedBy"] == "member"
    assert certificate["ground"] == "member_request"
    assert certificate["position"] > before
    assert certificate["signature"]

    # Every session ended; signing in with the old address and password is refused like an
    # unknown address would be.
    assert acme.get("/api/v1/me", ana).status_code == 401
    assert acme.get("/api/v1/me", headers=other_token).status_code == 401
    again = acme.post("/api/v1/sessions", json={"email": ana.email, "password": PASSWORD})
    assert again.status_code == 401
    assert again.json()["error"]["problem"] == "the e-mail address or the password is wrong"

    # She keeps her certificate: anyone holding its id can fetch it again, unchanged.
    fetched = acme.get(f"/api/v1/erasures/{certificate['certificateId']}")
    assert fetched.status_code == 200, fetched.text
    assert fetched.json() == certificate


def test_an_admin_erases_a_member_on_request_and_their_mentoring_ends(acme: TenantApi) -> None:
    admin = acme.member("Tess", roles=["tenant_admin"])
    ben = acme.member("Ben", roles=["mentor"])
    mentor_profile(acme, ben)
    ana = acme.member("Ana", roles=["entrepreneur"])
    entrepreneur_profile(acme, ana)
    eve = acme.member("Eve", roles=["entrepreneur"])
    current = request(acme, ana, ben)
    accept(acme, current, ben)
    waiting = request(acme, eve, ben)

    # Ben asked, by mail, to be forgotten.
    before = acme.accounts().position
    error_of(acme.post(f"/api/v1/members/{ben.id}/erasure", admin, json={"ground": "whim"}),
             400, "ground")
    error_of(acme.post(f"/api/v1/members/{ben.id}/erasure", admin,
                       json={"ground": "member_request", "reason": "Ben Smith asked"}),
             400, "reason")
    assert acme.accounts().position == before
    erased = acme.post(f"/api/v1/members/{ben.id}/erasure", admin,
                       json={"ground": "member_request"})
    assert erased.status_code == 201, erased.text
    assert erased.json()["requestedBy"] == "tenant_admin"

    # His relationship with Ana ended, Eve's waiting request was withdrawn.
    assert status_of(acme, current, ana) == "ended"
    assert status_of(acme, waiting, eve) == "withdrawn"
    # His account reads as erased: no name, no address.
    account = acme.get(f"/api/v1/members/{ben.id}", admin).json()
    assert (account["status"], account["name"], account["email"]) == (
        "erased", "[erased]", "[erased]")
    # Ana no longer finds him, by any word of his profile.
    acme.project()
    found = acme.get("/api/v1/mentors/search?q=retail", ana).json()
    assert found["mentors"] == []
    assert acme.get("/api/v1/matches/mentors", ana).json()["matches"] == []
    # Nothing more can be done to his account.
    error_of(acme.put(f"/api/v1/members/{ben.id}/roles", admin,
                      json={"roles": ["mentor"], "reason": "back"}), 409, "memberId")

    # Erasing him twice is a conflict, which says so; the certificate stays as it was.
    twice = acme.post(f"/api/v1/members/{ben.id}/erasure", admin,
                      json={"ground": "member_request"})
    assert error_of(twice, 409, "memberId") == "the member's account has already been erased"
    listed = acme.get("/api/v1/erasures", admin).json()["certificates"]
    assert listed == [erased.json()]


def test_unknown_and_other_tenants_members_answer_404(acme: TenantApi) -> None:
    admin = acme.member("Tess", roles=["tenant_admin"])
    acme.served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"),
    )
    globex = TenantApi(acme.served, "globex")
    stranger = globex.member("Sam", roles=["entrepreneur"])

    for member_id in (stranger.id, uuid.uuid4()):
        response = acme.post(f"/api/v1/members/{member_id}/erasure", admin,
                             json={"ground": "member_request"})
        error_of(response, 404, "memberId")
    assert globex.get("/api/v1/me", stranger).status_code == 200

    # A certificate of another tenant answers as one that does not exist.
    certificate = globex.post("/api/v1/me/erasure", stranger, json={"password": PASSWORD})
    assert certificate.status_code == 201, certificate.text
    error_of(acme.get(f"/api/v1/erasures/{certificate.json()['certificateId']}"), 404,
             "certificateId")
    error_of(acme.get(f"/api/v1/erasures/{uuid.uuid4()}"), 404, "certificateId")


def test_auditors_read_erasures_but_erase_nobody(acme: TenantApi) -> None:
    admin = acme.member("Tess", roles=["tenant_admin"])
    auditor = acme.member("Aud", roles=["auditor"])
    ana = acme.member("Ana", roles=["entrepreneur"])
    erased = acme.post(f"/api/v1/members/{ana.id}/erasure", admin,
                       json={"ground": "consent_withdrawn"})
    assert erased.status_code == 201, erased.text
    ben = acme.member("Ben", roles=["entrepreneur"])

    error_of(acme.post(f"/api/v1/members/{ben.id}/erasure", auditor,
                       json={"ground": "member_request"}), 403, "role")
    assert acme.get("/api/v1/me", ben).status_code == 200
    listed = acme.get("/api/v1/erasures", auditor)
    assert listed.status_code == 200, listed.text
    assert [c["memberId"] for c in listed.json()["certificates"]] == [str(ana.id)]
    # Members at large do not list them.
    error_of(acme.get("/api/v1/erasures", ben), 403, "role")


def test_a_retry_of_a_command_whose_answer_was_erased_is_not_run_again(
    acme: TenantApi,
) -> None:
    ben = acme.member("Ben", roles=["mentor"])
    mentor_profile(acme, ben)
    ana = acme.member("Ana", roles=["entrepreneur"])
    entrepreneur_profile(acme, ana)
    key = {"Idempotency-Key": "request-ben-1"}
    first = acme.post("/api/v1/relationships", ana, headers=key, json={
        "mentorId": str(ben.id), "introduction": "x" * 60})
    assert first.status_code == 201, first.text
    replayed = acme.post("/api/v1/relationships", ana, headers=key, json={
        "mentorId": str(ben.id), "introduction": "x" * 60})
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == first.json()

    # Ben is erased; Ana's stored answers (they could quote him) go with him.
    assert acme.post("/api/v1/me/erasure", ben, json={"password": PASSWORD}).status_code == 201
    position = acme.accounts().position
    late = acme.post("/api/v1/relationships", ana, headers=key, json={
        "mentorId": str(ben.id), "introduction": "x" * 60})
    assert error_of(late, 409, "Idempotency-Key").startswith("this request was already processed")
    assert acme.accounts().position == position


def test_open_reports_about_an_erased_member_are_closed_with_the_erasure(
    acme: TenantApi,
) -> None:
    # Ana reports Kai; Kai then erases his account before a programme admin gets to the report.
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    filed = acme.post("/api/v1/reports", ana, json={
        "memberId": str(kai.id), "reason": "spam",
        "details": "He keeps sending me links to his own paid course."})
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["reportId"]
    erased = acme.post("/api/v1/me/erasure", kai, json={"password": PASSWORD})
    assert erased.status_code == 201, erased.text

    # A decision's note would be Kai's personal data under the key just destroyed, so the report
    # was dismissed in the erasure's own append: it leaves the queue, and deciding it again is
    # the conflict any decided report gives, not a server error.
    after = erased.json()["position"]
    queue = acme.get(f"/api/v1/moderation/queue?after={after}", pia)
    assert queue.json()["reports"] == []
    report = acme.get(f"/api/v1/reports/{report_id}", pia).json()
    assert report["status"] == "dismissed"
    assert report["note"] == "[erased]"
    warned = acme.post(f"/api/v1/reports/{report_id}/warn", pia,
                       json={"note": "Please keep conversations on the platform."})
    error_of(warned, 409, "status")
