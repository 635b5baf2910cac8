"""The audit API and the auditor's home page, on both backends: the public key anyone may fetch,
the signed export streamed to auditors and tenant admins, the live store's check, and `/audit`.

Whatever the API streams must verify offline with the key the public endpoint gives, and must
hold this tenant's events only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.audit.verify import verify_export
from infra.signing import PublicKey
from services.actor import Actor
from tests.audit.test_export import wait_until_sealed
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import Served
from tests.web.pages.conftest import TenantPages


def save(response: httpx.Response, folder: Path, name: str = "export.jsonl") -> Path:
    path = folder / name
    path.write_bytes(response.content)
    return path


def events_in(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()][:-1]


def problem(response: httpx.Response, status: int, field: str) -> str:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["field"] == field, error
    return str(error["problem"])


@pytest.fixture
def auditor(acme: TenantApi) -> SignedInMember:
    return acme.member("Aude Auditor", roles=["auditor"])


def test_the_apis_export_verifies_with_the_key_from_the_public_endpoint(
    acme: TenantApi, auditor: SignedInMember, tmp_path: Path,
) -> None:
    acme.member("Ana", roles=["entrepreneur"])
    acme.member("Ben", roles=["mentor"])

    # Anyone may fetch the key: the auditor does so without signing in.
    answer = acme.get("/api/v1/audit/public-key")
    assert answer.status_code == 200, answer.text
    key = answer.json()
    assert key["tenant"] == "acme"
    assert key["algorithm"] == "Ed25519"
    assert key["keyId"] == PublicKey.from_base64(key["publicKey"]).key_id

    response = acme.get("/api/v1/audit/export", auditor)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.headers["content-disposition"].startswith("attachment;")
    path = save(response, tmp_path)

    verdict = verify_export(path, key["publicKey"])
    assert verdict.ok, verdict.problem
    assert verdict.manifest is not None
    assert verdict.manifest.exported_by == f"member:{auditor.id}"
    assert {"Ana", "Ben"} <= {event["payload"].get("name") for event in events_in(path)}


def test_a_range_comes_from_the_query_and_bad_ranges_are_422_naming_the_field(
    acme: TenantApi, auditor: SignedInMember, tmp_path: Path,
) -> None:
    acme.member("Ana", roles=["entrepreneur"])
    response = acme.get("/api/v1/audit/export", auditor,
                        params={"fromPosition": 2, "toPosition": 3})
    assert response.status_code == 200, response.text
    path = save(response, tmp_path)
    assert verify_export(path).ok
    assert all(2 <= event["position"] <= 3 for event in events_in(path))

    assert "from 1" in problem(
        acme.get("/api/v1/audit/export", auditor, params={"fromPosition": 0}),
        422, "fromPosition")
    assert "the stream ends at position" in problem(
        acme.get("/api/v1/audit/export", auditor, params={"toPosition": 10**9}),
        422, "toPosition")
    assert "first position" in problem(
        acme.get("/api/v1/audit/export", auditor,
                 params={"fromPosition": 3, "toPosition": 2}), 422, "toPosition")
    assert acme.get("/api/v1/audit/export", auditor,
                    params={"fromPosition": "three"}).status_code == 400


def test_only_auditors_and_tenant_admins_export_and_read_the_check(
    acme: TenantApi, auditor: SignedInMember,
) -> None:
    entrepreneur = acme.member("Ana", roles=["entrepreneur"])
    admin = acme.member("Tom", roles=["tenant_admin"])
    programme_admin = acme.member("Pia", roles=["programme_admin"])

    for path in ("/api/v1/audit/export", "/api/v1/audit/verification"):
        assert acme.get(path, entrepreneur).status_code == 403
        assert acme.get(path, programme_admin).status_code == 403
        assert acme.get(path).status_code == 401
        assert acme.get(path, admin).status_code == 200
        assert acme.get(path, auditor).status_code == 200


def test_the_verification_answers_the_live_store_check(
    acme: TenantApi, auditor: SignedInMember,
) -> None:
    sealed = wait_until_sealed(acme.served.ithaca, "acme")
    assert sealed.sealed_through == sealed.head

    response = acme.get("/api/v1/audit/verification", auditor)

    assert response.status_code == 200, response.text
    check = response.json()
    assert check["ok"] is True
    assert check["problem"] == ""
    assert check["firstBadPosition"] is None
    assert check["sealedThrough"] >= sealed.head
    assert check["eventsChecked"] >= sealed.head
    assert set(check) >= {"head", "checkpointsChecked", "lastCheckpointPosition",
                          "lastCheckpointAt"}


def test_another_tenants_export_holds_none_of_this_tenants_events(
    acme: TenantApi, served_app: Served, tmp_path: Path,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    served_app.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"))
    globex = TenantApi(served_app, "globex")
    globex_auditor = globex.member("Gus", roles=["auditor"])
    acme_auditor = acme.member("Aude", roles=["auditor"])

    globex_path = save(globex.get("/api/v1/audit/export", globex_auditor), tmp_path, "g.jsonl")
    acme_path = save(acme.get("/api/v1/audit/export", acme_auditor), tmp_path, "a.jsonl")

    globex_text = globex_path.read_text(encoding="utf-8")
    assert str(ana.id) not in globex_text
    assert ana.email not in globex_text
    assert str(acme_auditor.id) not in globex_text
    assert str(ana.id) in acme_path.read_text(encoding="utf-8")
    # Each tenant signs with its own key: acme's export does not pass for globex's.
    globex_key = globex.get("/api/v1/audit/public-key").json()["publicKey"]
    acme_key = acme.get("/api/v1/audit/public-key").json()["publicKey"]
    assert globex_key != acme_key
    assert verify_export(globex_path, globex_key).ok
    assert not verify_export(acme_path, globex_key).ok
    # An acme auditor's session means nothing on globex.
    assert globex.get("/api/v1/audit/export", acme_auditor).status_code == 401


def test_the_public_key_endpoint_is_documented(served_app: Served) -> None:
    schema = served_app.client.get("/schema/openapi.json").json()
    operation = schema["paths"]["/api/v1/audit/public-key"]["get"]
    assert "Ed25519" in operation["description"]
    assert "ithaca audit verify" in operation["description"]
    assert "/api/v1/audit/export" in schema["paths"]


# The auditor's home page -------------------------------------------------------------------


@pytest.fixture
def acme_pages(served_app: Served) -> TenantPages:
    served_app.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"))
    return TenantPages(served_app, "acme")


def test_the_audit_page_shows_the_check_the_key_and_the_ways_in(acme_pages: TenantPages) -> None:
    auditor = acme_pages.member("Aude", roles=["auditor"])
    key = acme_pages.api.get("/api/v1/audit/public-key").json()

    page = auditor.get("/audit")

    assert page.status_code == 200, page.text
    assert "Intact" in page.text
    assert key["publicKey"] in page.text
    assert key["keyId"] in page.text
    assert f"ithaca audit verify FILE --public-key {key['publicKey']}" in page.text
    for link in ("/t/acme/audit/replay", "/t/acme/audit/compare", "/t/acme/audit/trail",
                 'action="/t/acme/audit/export"'):
        assert link in page.text
    assert 'href="/t/acme/audit"' in page.text  # in the navigation


def test_the_audit_page_downloads_an_export_of_a_range(
    acme_pages: TenantPages, tmp_path: Path,
) -> None:
    admin = acme_pages.member("Tom", roles=["tenant_admin"])
    acme_pages.member("Ana", roles=["entrepreneur"])

    response = admin.get("/audit/export", params={"fromPosition": "1", "toPosition": "2"})

    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    path = save(response, tmp_path)
    verdict = verify_export(path)
    assert verdict.ok, verdict.problem
    assert [event["position"] for event in events_in(path)] == [1, 2]


def test_a_bad_range_on_the_page_is_shown_beside_its_field(acme_pages: TenantPages) -> None:
    auditor = acme_pages.member("Aude", roles=["auditor"])

    page = auditor.get("/audit/export", params={"fromPosition": "x", "toPosition": ""})

    assert page.status_code == 422
    assert 'id="error-fromPosition"' in page.text
    assert "must be a stream position" in page.text


def test_members_without_the_role_do_not_see_the_audit_page(acme_pages: TenantPages) -> None:
    entrepreneur = acme_pages.member("Ana", roles=["entrepreneur"])
    page = entrepreneur.get("/audit")
    assert page.status_code == 403
    assert 'href="/t/acme/audit"' not in entrepreneur.get("/relationships").text
    assert entrepreneur.get("/audit/export").status_code == 403
