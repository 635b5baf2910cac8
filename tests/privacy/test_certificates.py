"""Erasure certificates checked offline: `ithaca audit verify-certificate` with the tenant's
published key accepts the certificate as issued and refuses any change to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from infra.cli import cli
from services.actor import Actor
from tests.tenant_api import PASSWORD, TenantApi


def _verify(*args: str) -> Result:
    # Through the assembled `ithaca` command: privacy's command joins the audit group there.
    return CliRunner().invoke(cli, ["audit", "verify-certificate", *args],
                              catch_exceptions=False)


def _write(path: Path, document: dict[str, Any] | str) -> str:
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    return str(path)


def test_ana_checks_her_certificate_with_acmes_published_key(
    acme: TenantApi, tmp_path: Path,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    certificate = acme.post("/api/v1/me/erasure", ana, json={"password": PASSWORD}).json()
    published = acme.get("/api/v1/audit/public-key").json()
    assert certificate["keyId"] == published["keyId"]
    # As downloaded, byte for byte.
    downloaded = acme.get(f"/api/v1/erasures/{certificate['certificateId']}").content
    (tmp_path / "certificate.json").write_bytes(downloaded)
    kept = str(tmp_path / "certificate.json")

    result = _verify(kept, "--public-key", published["publicKey"])
    assert result.exit_code == 0, result.output
    assert "signed by the given public key" in result.output
    # Without the key it can only say the document is intact, and says so.
    result = _verify(kept)
    assert result.exit_code == 0, result.output
    assert "give --public-key" in result.output
    # Pretty-printed or with its keys in another order, it is the same document.
    reordered = dict(reversed(list(certificate.items())))
    assert _verify(_write(tmp_path / "pretty.json", reordered),
                   "--public-key", published["publicKey"]).exit_code == 0

    # Any change is found.
    for field, value in (("memberId", "00000000-0000-0000-0000-000000000001"),
                         ("erasedAt", "2020-01-01T00:00:00Z"), ("position", 1),
                         ("destroyed", [])):
        forged = _write(tmp_path / f"forged-{field}.json", {**certificate, field: value})
        result = _verify(forged, "--public-key", published["publicKey"])
        assert result.exit_code == 1, (field, result.output)
        assert "the signature does not match the document" in result.output


def test_a_certificate_signed_by_another_tenant_is_refused(
    acme: TenantApi, tmp_path: Path,
) -> None:
    acme.served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"))
    globex = TenantApi(acme.served, "globex")
    sam = globex.member("Sam", roles=["entrepreneur"])
    theirs = globex.post("/api/v1/me/erasure", sam, json={"password": PASSWORD}).json()
    acme_key = acme.get("/api/v1/audit/public-key").json()["publicKey"]

    result = _verify(_write(tmp_path / "globex.json", theirs), "--public-key", acme_key)
    assert result.exit_code == 1
    assert "signed with another key than the tenant's" in result.output

    result = _verify(_write(tmp_path / "globex.json", theirs), "--public-key", "not base64!")
    assert result.exit_code == 2
    assert "error: public-key: not a base64 Ed25519 public key" in result.output
    result = _verify(_write(tmp_path / "junk.json", "{\"hello\": 1}"))
    assert result.exit_code == 1
    assert "not an erasure certificate" in result.output
