"""Programme settings: defaults until a tenant admin changes them; ranges are checked."""

from __future__ import annotations

from typing import Any

import pytest

from services.programme.application import Programme
from services.programme.domain import ProgrammeConfiguration, ProgrammeSettings
from tests.tenant_api import TenantApi

DEFAULTS = {
    "requestExpiryDays": 14, "maxOpenRequests": 5, "followUpMonths": [3, 6],
    "languageFilter": True, "corporate": False, "programmes": [],
}


def programme_of(acme: TenantApi) -> Programme:
    ithaca = acme.served.ithaca
    return ithaca.tenant_application(ithaca.tenant("acme"), Programme)


def test_tess_sets_the_programme_rules_everyone_reads(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    tess = acme.member("Tess", roles=["tenant_admin"])

    # A new tenant runs on the defaults, with nothing stored.
    assert acme.get("/api/v1/programme/settings", ana).json() == DEFAULTS
    assert programme_of(acme).get_settings() == ProgrammeSettings()

    changed = {**DEFAULTS, "requestExpiryDays": 7, "followUpMonths": [1, 6, 12],
               "corporate": True}
    response = acme.put("/api/v1/programme/settings", tess, json=changed)
    assert response.status_code == 200, response.text
    position = response.json()["position"]
    assert acme.get("/api/v1/programme/settings", ana).json() == changed
    settings = programme_of(acme).get_settings()
    assert (settings.request_expiry_days, settings.follow_up_months, settings.corporate) == (
        7, [1, 6, 12], True
    )

    # The change is recorded with who made it.
    configuration = programme_of(acme).find(ProgrammeConfiguration.ID, ProgrammeConfiguration)
    assert configuration is not None
    events = list(programme_of(acme).repository.event_store.get(configuration.id))
    assert [type(e).__name__ for e in events] == ["Started", "SettingsChanged"]
    changed_event = events[-1]
    assert isinstance(changed_event, ProgrammeConfiguration.SettingsChanged)
    assert changed_event.actor.id == str(tess.id)

    # Saving the same settings again records nothing.
    again = acme.put("/api/v1/programme/settings", tess, json=changed)
    assert again.json()["position"] == position


BAD_SETTINGS: list[tuple[dict[str, Any], int, str]] = [
    ({"requestExpiryDays": 0}, 422, "requestExpiryDays"),
    ({"requestExpiryDays": 91}, 422, "requestExpiryDays"),
    ({"maxOpenRequests": 0}, 422, "maxOpenRequests"),
    ({"maxOpenRequests": 21}, 422, "maxOpenRequests"),
    ({"followUpMonths": [6, 3]}, 422, "followUpMonths[1]"),
    ({"followUpMonths": [3, 3]}, 422, "followUpMonths[1]"),
    ({"followUpMonths": [3, 37]}, 422, "followUpMonths[1]"),
    ({"followUpMonths": [0]}, 422, "followUpMonths[0]"),
    ({"followUpMonths": [1, 2, 3, 4, 5, 6, 7]}, 400, "followUpMonths"),
    ({"languageFilter": "yes"}, 400, "languageFilter"),
    ({"programmes": ["Women In Business"]}, 422, "programmes[0]"),
    ({"programmes": ["agri", "-agri"]}, 422, "programmes[1]"),
    ({"programmes": ["agri", "agri"]}, 422, "programmes[1]"),
    ({"matchmaking": "auto"}, 400, "matchmaking"),
]


@pytest.mark.parametrize(("changes", "status", "field"), BAD_SETTINGS)
def test_bad_settings_name_the_field_and_change_nothing(
    acme: TenantApi, changes: dict[str, Any], status: int, field: str
) -> None:
    tess = acme.member("Tess", roles=["tenant_admin"])
    before = acme.accounts().position
    response = acme.put("/api/v1/programme/settings", tess, json={**DEFAULTS, **changes})
    assert response.status_code == status, response.text
    assert field in response.json()["error"]["field"], response.text
    assert acme.accounts().position == before
    assert acme.get("/api/v1/programme/settings", tess).json() == DEFAULTS


def test_only_tenant_admins_change_settings(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    pam = acme.member("Pam", roles=["programme_admin"])
    aude = acme.member("Aude", roles=["auditor"])
    before = acme.accounts().position
    for member in (ana, pam, aude):
        refused = acme.put("/api/v1/programme/settings", member, json=DEFAULTS)
        assert refused.status_code == 403
        assert refused.json()["error"]["field"] == "role"
    assert acme.put("/api/v1/programme/settings", json=DEFAULTS).status_code == 401
    assert acme.get("/api/v1/programme/settings").status_code == 401
    assert acme.accounts().position == before
    # A settings body must be complete: omitting a rule is not resetting it.
    tess = acme.member("Tess", roles=["tenant_admin"])
    partial = acme.put("/api/v1/programme/settings", tess, json={"corporate": True})
    assert partial.status_code == 400
