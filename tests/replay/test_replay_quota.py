"""Replays are copies of a tenant's read models, kept until dropped: the web builds a bounded
number per tenant, reusing the one of a moment already replayed."""

from __future__ import annotations

import pytest

from projections.replay import serving
from projections.replay.engine import list_replays
from tests.tenant_api import TenantApi


def test_replays_beyond_the_quota_are_refused_and_a_replayed_moment_is_reused(
    acme: TenantApi, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serving, "REPLAYS_KEPT", 3)
    aude = acme.member("Aude", roles=["auditor"])
    acme.member("Ana", roles=["entrepreneur"])
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant(acme.slug)

    for position in (1, 2, 3, 3, 2):
        replayed = acme.get(f"/api/v1/audit/replays/{position}", aude)
        assert replayed.status_code == 200, replayed.text
    assert sorted(placed.info.position for placed in list_replays(ithaca, tenant)) == [1, 2, 3]

    refused = acme.get("/api/v1/audit/replays/4", aude)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["field"] == "at"
    assert "at most 3 replays" in refused.json()["error"]["problem"]
    compared = acme.get("/api/v1/audit/compare", aude, params={"a": "1", "b": "5"})
    assert compared.status_code == 409, compared.text
    assert compared.json()["error"]["field"] == "b"
    assert len(list_replays(ithaca, tenant)) == 3

    # The moments already replayed are still answered.
    assert acme.get("/api/v1/audit/replays/2", aude).status_code == 200
