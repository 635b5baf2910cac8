"""A member downloads everything Ithaca holds about them: one JSON file, their own data in
full, other people's only as far as they saw it."""

from __future__ import annotations

from typing import Any

from tests.privacy.scenes import accept, entrepreneur_profile, mentor_profile, request
from tests.tenant_api import PASSWORD, SignedInMember, TenantApi

INTRODUCTION = "Hello Ben, I bake sourdough in Porto and want a second shop next spring."


def _download(acme: TenantApi, member: SignedInMember) -> dict[str, Any]:
    response = acme.get("/api/v1/me/data", member)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="acme-my-')
    assert response.headers["content-type"].startswith("application/json")
    data: dict[str, Any] = response.json()
    return data


def test_ana_downloads_her_account_profile_relationships_and_messages(acme: TenantApi) -> None:
    ben = acme.member("Ben", roles=["mentor"])
    mentor_profile(acme, ben, headline="Bakeries and shops", bio="Ben's own words.")
    ana = acme.member("Ana", roles=["entrepreneur"])
    entrepreneur_profile(acme, ana, business_name="Porto Bakes")
    relationship = request(acme, ana, ben, INTRODUCTION)
    accept(acme, relationship, ben)
    for member, body in ((ana, "When can we talk?"), (ben, "Tuesday works for me.")):
        sent = acme.post(f"/api/v1/relationships/{relationship}/messages", member,
                         json={"body": body})
        assert sent.status_code == 201, sent.text

    data = _download(acme, ana)
    assert data["format"] == "ithaca.member-data"
    assert data["account"]["email"] == ana.email
    assert data["account"]["name"] == "Ana"
    assert data["account"]["roles"] == ["entrepreneur"]
    assert data["profiles"]["entrepreneur"]["businessName"] == "Porto Bakes"
    assert data["profiles"]["mentor"] is None
    [mine] = data["relationships"]
    assert mine["side"] == "mentee"
    assert mine["otherMember"] == {"memberId": str(ben.id), "displayName": "Ben"}
    assert mine["introduction"] == INTRODUCTION
    assert [(m["fromYou"], m["body"]) for m in mine["messages"]] == [
        (True, "When can we talk?"), (False, "Tuesday works for me.")]
    # Her sign-in session, with its times and never its token.
    assert len(data["sessions"]) == 1
    assert data["sessions"][0]["ended"] is False
    assert ana.token not in acme.get("/api/v1/me/data", ana).text
    # Nothing of Ben's beyond what she saw: not his address, not his profile's words.
    text = acme.get("/api/v1/me/data", ana).text
    assert ben.email not in text
    assert "Ben's own words." not in text

    # Once Ben is erased, her copy shows him as erased, and keeps her own words.
    assert acme.post("/api/v1/me/erasure", ben, json={"password": PASSWORD}).status_code == 201
    [mine] = _download(acme, ana)["relationships"]
    assert mine["otherMember"]["displayName"] == "[erased]"
    assert mine["status"] == "ended"
    assert [(m["fromYou"], m["body"]) for m in mine["messages"]] == [
        (True, "When can we talk?"), (False, "[erased]")]


def test_the_download_needs_a_session(acme: TenantApi) -> None:
    assert acme.get("/api/v1/me/data").status_code == 401
