"""The API does what its own OpenAPI document says, whoever calls it with whatever the document
allows (and with what it does not).

Schemathesis generates requests from `/schema/openapi.json`, valid ones and invalid ones, for
every operation, as a visitor and as each kind of member (and, on the platform API, as an
operator). Every answer must be one the document declares (status, content type, body), no
answer may be a server error, and every refusal names the field that is wrong. The examples are
few and derandomized, so a run is reproducible and takes seconds, on both backends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.tenant_api import TenantApi

EXAMPLES_PER_ROLE = 2
"""Generated requests per operation, role and mode (valid, invalid): about 2,000 in all."""
MEMBER_ROLES = ("entrepreneur", "mentor", "tenant_admin", "auditor")
SIGN_OUT = ("DELETE", "/api/v1/sessions/current")
"""Ends the caller's session: tried last, so that every other operation meets a signed-in
member."""
WAIT_SECONDS = 0.05
"""`wait` for reads that take `after`: a position the read model has not reached is refused
(503) after this long rather than after up to 30 s."""

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
"""Schemathesis's conformance checks; server errors are checked below, where a 503 the document
declares for a read that waited in vain is not one."""


def test_every_operation_answers_as_its_document_says_to_every_caller(acme: TenantApi) -> None:
    served = acme.served
    callers: dict[str, dict[str, str]] = {"visitor": {}}
    for role in MEMBER_ROLES:
        callers[role] = acme.member(role.replace("_", " ").title(), roles=[role]).headers
    operator = served.operator()
    document = served.client.get("/schema/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    results = list(schema.get_all_operations())
    assert [result.err() for result in results if isinstance(result, Err)] == []
    operations = sorted(
        (result.ok() for result in results if isinstance(result, Ok)),
        key=lambda operation: (operation.method.upper(), operation.path) == SIGN_OUT,
    )

    contradictions: list[str] = []
    for operation in operations:
        platform = operation.path.startswith("/platform/")
        who = {"visitor": {}, "operator": operator, "tenant_admin": callers["tenant_admin"]} \
            if platform else callers
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for name, credentials in who.items():
                check = _checker(acme, document, name, credentials, contradictions)
                fixed = {"wait": WAIT_SECONDS} if _takes(operation, "wait") else None
                # Unsatisfiable: nothing invalid can be written for this operation.
                with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                    given(case=operation.as_strategy(generation_mode=mode, query=fixed))(
                        settings(
                            max_examples=EXAMPLES_PER_ROLE, deadline=None, derandomize=True,
                            database=None, phases=[Phase.generate],
                            suppress_health_check=list(HealthCheck),
                        )(check)
                    )()

    assert contradictions == [], "\n".join(contradictions)


def _checker(
    acme: TenantApi, document: dict[str, Any], caller: str, credentials: dict[str, str],
    contradictions: list[str],
) -> Callable[[schemathesis.Case[Any]], None]:
    def operation_of(case: schemathesis.Case[Any]) -> dict[str, Any]:
        operation: dict[str, Any] = document["paths"][case.path][case.method.lower()]
        return operation

    def check(case: schemathesis.Case[Any]) -> None:
        sent = case.as_transport_kwargs(base_url="http://testserver.local")
        path = sent["url"].removeprefix("http://testserver.local")
        headers = {key: value for key, value in sent["headers"].items()
                   if key.lower() != "authorization"} | credentials
        body = {"json": sent["json"]} if "json" in sent else {}
        if "data" in sent:
            body = {"content": sent["data"]}
        url = acme.url(path) if path.startswith("/api/") else path  # a tenant's API
        response = acme.client.request(
            sent["method"], url, headers=headers, params=sent.get("params"), **body)

        def contradiction(what: str) -> None:
            contradictions.append(
                f"{case.method} {case.path} as {caller}: {what}\n"
                f"    {response.status_code} {response.text[:300]}\n"
                f"    sent {sent['method']} {url} {sent.get('params')} {body}"[:900])

        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failures:
            contradiction("; ".join(str(f).splitlines()[0] for f in failures.exceptions))
        declared = operation_of(case)["responses"]
        if response.status_code >= 500 and not _waited_for(response, declared):
            contradiction("a server error")
        if 400 <= response.status_code < 500:
            error = response.json().get("error", {}) if _is_json(response) else {}
            if not error.get("field"):
                contradiction("a refusal that names no field")

    return check


def _takes(operation: Any, name: str) -> bool:
    return any(parameter.name == name for parameter in operation.query)


def _waited_for(response: Any, declared: dict[str, Any]) -> bool:
    """A read asked to wait for a position its read model has not reached: a 503 the document
    declares, not a failure."""
    return (response.status_code == 503 and "503" in declared and _is_json(response)
            and response.json()["error"]["field"] == "after")


def _is_json(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")

