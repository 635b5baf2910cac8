"""Every refusal names what is wrong (`error.field`), however the request went wrong: a body that
is missing or holds a field without a name, a query parameter left out or of the wrong type
(named as the client spells it), a platform command that clashes with the tenant's state."""

from __future__ import annotations

from typing import Any

import httpx

from tests.tenant_api import TenantApi
from tests.web import PLATFORM_API


def _refusal(answer: httpx.Response) -> tuple[int, Any]:
    error = answer.json()["error"]
    return error["status"], error["field"]


def test_a_body_that_is_missing_or_has_a_nameless_field_is_the_bodys_fault(
    acme: TenantApi,
) -> None:
    empty = acme.post("/api/v1/sessions", content=b"",
                      headers={"content-type": "application/json"})
    assert _refusal(empty) == (400, "body")
    assert empty.json()["error"]["problem"] == "a JSON body is required"
    assert _refusal(acme.post("/api/v1/sessions", json={"": 1})) == (400, "body")
    assert _refusal(acme.post("/api/v1/sessions", json=[])) == (400, "body")
    admin = acme.member("Tess", roles=["tenant_admin"])
    nested = acme.put("/api/v1/programme/questionnaire", admin, json={"areas": [
        {"area": area, "question": {"en": "How?"}, **extra}
        for area, extra in (("finance", {"": 2}), ("marketing", {}), ("sales", {}))
    ]})
    assert _refusal(nested) == (400, "areas[0]")
    missing = acme.put("/api/v1/programme/questionnaire", admin, json={"areas": [
        {"area": "finance"}, {"area": "marketing"}, {"area": "sales"}]})
    assert _refusal(missing) == (400, "areas[0].question")


def test_a_query_parameter_is_named_as_the_client_spells_it(acme: TenantApi) -> None:
    auditor = acme.member("Aude", roles=["auditor"])
    assert _refusal(acme.get("/api/v1/audit/compare", auditor))[1] in {"a", "b"}
    assert _refusal(acme.get("/api/v1/audit/compare?a=1", auditor)) == (400, "b")
    assert _refusal(acme.get("/api/v1/audit/compare?b=1", auditor)) == (400, "a")
    admin = acme.member("Tess", roles=["tenant_admin"])
    assert _refusal(acme.get("/api/v1/dashboard?monthsAfter=soon", admin)) == (
        400, "monthsAfter")
    assert _refusal(acme.get("/api/v1/dashboard?after=0&wait=100", admin)) == (400, "wait")


def test_litestars_own_refusals_name_what_they_are_about(acme: TenantApi) -> None:
    assert _refusal(acme.get("/api/v1/me")) == (401, "authorization")
    assert _refusal(acme.get("/api/v1/members/not-an-id")) == (404, "path")
    assert _refusal(acme.request("PATCH", "/api/v1/me")) == (405, "method")


def test_suspending_a_suspended_tenant_or_reinstating_an_active_one_names_the_state(
    acme: TenantApi,
) -> None:
    served = acme.served
    operator = served.operator()
    suspension = f"{PLATFORM_API}/tenants/acme/suspension"
    reinstated = served.client.request("DELETE", suspension, headers=operator,
                                       json={"reason": "never suspended"})
    assert _refusal(reinstated) == (409, "suspended")
    first = served.client.post(suspension, headers=operator, json={"reason": "unpaid"})
    assert first.status_code == 200, first.text
    again = served.client.post(suspension, headers=operator, json={"reason": "unpaid"})
    assert _refusal(again) == (409, "suspended")
