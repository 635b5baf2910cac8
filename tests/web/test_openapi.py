"""The OpenAPI document describes the platform API for the people who script against it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from infra.settings import Settings
from tests.tenant_api import TenantApi
from tests.web import Served, serving


def test_the_schema_lists_the_platform_endpoints_with_their_bodies_and_security(
    settings: Settings,
) -> None:
    with serving(settings) as served:
        document = served.client.get("/schema/openapi.json").json()
        assert served.client.get("/schema").status_code == 200

    assert document["info"]["title"] == "Ithaca"
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete"}
    }
    tenants = "/platform/api/v1/tenants"
    assert {
        ("POST", tenants), ("GET", tenants), ("GET", f"{tenants}/{{slug}}"),
        ("PUT", f"{tenants}/{{slug}}/branding"), ("POST", f"{tenants}/{{slug}}/domains"),
        ("DELETE", f"{tenants}/{{slug}}/domains/{{domain}}"),
        ("POST", f"{tenants}/{{slug}}/suspension"), ("DELETE", f"{tenants}/{{slug}}/suspension"),
        ("GET", "/api/v1/tenant"), ("GET", "/healthz"), ("GET", "/readyz"),
    } <= operations
    # The /t/{slug} mount is the same routes again; documenting it twice would mislead.
    assert not any(path.startswith("/t/") for _, path in operations)

    provision = document["paths"][tenants]["post"]
    assert provision["security"] == [{"operatorToken": []}]
    assert {"201", "400", "401", "409", "422"} <= set(provision["responses"])
    schemas = document["components"]["schemas"]
    assert schemas["ProvisionTenant"]["properties"]["slug"]["examples"] == ["acme"]
    assert set(schemas["TenantView"]["properties"]) >= {
        "slug", "displayName", "defaultLocale", "timeZone", "location", "branding", "domains",
        "suspended", "suspensionReason", "position",
    }
    assert document["components"]["securitySchemes"]["operatorToken"]["scheme"] == "bearer"


def test_every_tenant_operation_is_documented_with_roles_refusals_and_examples(
    settings: Settings,
) -> None:
    with serving(settings) as served:
        document = served.client.get("/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    undocumented = []
    operations = 0
    for path, item in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue
            operations += 1
            name = f"{method.upper()} {path}"
            description = operation.get("description", "")
            if not operation.get("summary"):
                undocumented.append(f"{name}: no summary")
            if "Roles:" not in description and "Public" not in description:
                undocumented.append(f"{name}: who may call it is not said")
            if not any(status.startswith("4") for status in operation["responses"]):
                undocumented.append(f"{name}: no refusal documented")
            body = operation.get("requestBody")
            if body is not None:
                reference = body["content"]["application/json"]["schema"]["$ref"]
                properties = schemas[reference.rsplit("/", 1)[-1]].get("properties", {})
                undocumented.extend(
                    f"{name}: body field {field} has no example"
                    for field, spec in properties.items()
                    if "examples" not in spec and not {"$ref", "anyOf", "oneOf"} & set(spec)
                )
    assert operations >= 60  # accounts, profiles, programme, mentoring, meetings, moderation...
    assert undocumented == []


def _document(served: Served) -> dict[str, Any]:
    document: dict[str, Any] = served.client.get("/schema/openapi.json").json()
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "delete", "patch"}:
                yield method.upper(), path, operation


def test_public_operations_need_no_token_and_the_others_say_which(served_app: Served) -> None:
    document = _document(served_app)
    public = {(method, path) for method, path, operation in _operations(document)
              if "Public: no sign-in" in operation.get("description", "")}
    assert {("POST", "/api/v1/accounts"), ("POST", "/api/v1/sessions"),
            ("POST", "/api/v1/password-resets"), ("POST", "/api/v1/password-resets/confirm"),
            ("GET", "/api/v1/tenant"), ("GET", "/api/v1/taxonomies"),
            ("GET", "/api/v1/audit/public-key"),
            ("GET", "/api/v1/erasures/{certificate_id}")} <= public
    for method, path, operation in _operations(document):
        if (method, path) in public or path in {"/healthz", "/readyz"}:
            assert operation["security"] == [], (method, path)
        elif path.startswith("/platform/"):
            assert operation["security"] == [{"operatorToken": []}], (method, path)
        else:
            assert operation["security"] == [{"memberToken": []}], (method, path)


def test_every_body_that_refuses_unknown_fields_is_closed_and_carries_its_limits(
    served_app: Served,
) -> None:
    document = _document(served_app)
    schemas = document["components"]["schemas"]
    open_bodies = []
    for method, path, operation in _operations(document):
        body = operation.get("requestBody")
        if body is None:
            continue
        name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for reached in _reachable(schemas, name):
            closed = schemas[reached].get("additionalProperties") is False
            if schemas[reached].get("type") == "object" and not closed:
                open_bodies.append(f"{method} {path}: {reached}")
    assert open_bodies == []
    questionnaire = schemas["QuestionnaireBody"]["properties"]["areas"]
    assert (questionnaire["minItems"], questionnaire["maxItems"]) == (3, 20)
    question = schemas["QuestionnaireAreaBody"]["properties"]["question"]
    assert (question["minProperties"], question["maxProperties"]) == (1, 5)
    ratings = schemas["SelfAssessmentBody"]["properties"]["ratings"]["additionalProperties"]
    assert (ratings["minimum"], ratings["maximum"]) == (1, 5)
    fold = schemas["ProposeMeeting"]["properties"]["fold"]["oneOf"][0]
    assert (fold["minimum"], fold["maximum"]) == (0, 1)


def _reachable(schemas: dict[str, Any], name: str) -> set[str]:
    """The component and every component it refers to."""
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        text = json.dumps(schemas[current])
        todo.extend(ref.rsplit("/", 1)[-1] for ref in _REFERENCE.findall(text))
    return found


_REFERENCE = re.compile(r'"\$ref": "(#/components/schemas/[^"]+)"')


def test_the_answers_are_described_as_they_are(served_app: Served) -> None:
    document = _document(served_app)
    schemas = document["components"]["schemas"]
    my_data = document["paths"]["/api/v1/me/data"]["get"]["responses"]["200"]
    assert my_data["content"]["application/json"]["schema"]["type"] == "object"
    assert schemas["Figure"]["properties"]["value"]["oneOf"] == [
        {"type": "number"}, {"type": "null"}]
    overlapping = [alternatives for alternatives in _one_ofs(document)
                   if {"integer", "number"} <= {a.get("type") for a in alternatives}]
    assert overlapping == []
    for method, path, operation in _operations(document):
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "after" in names:
            assert {"422", "503"} <= set(operation["responses"]), (method, path)
        for status, response in operation["responses"].items():
            if status >= "400":
                assert response["content"] == {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorBody"}}}, (method, path)


def _one_ofs(value: Any) -> Iterator[list[dict[str, Any]]]:
    if isinstance(value, dict):
        if "oneOf" in value:
            yield value["oneOf"]
        for inner in value.values():
            yield from _one_ofs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _one_ofs(inner)


def test_options_lists_every_method_of_the_path(acme: TenantApi) -> None:
    answer = acme.request("OPTIONS", "/api/v1/programme/questionnaire")
    assert answer.status_code == 204
    assert answer.headers["allow"] == "GET, OPTIONS, PUT"
    assert acme.request("OPTIONS", "/api/v1/sessions").headers["allow"] == "OPTIONS, POST"
    relationship = "/api/v1/relationships/00000000-0000-4000-8000-000000000000/messages"
    assert acme.request("OPTIONS", relationship).headers["allow"] == "GET, OPTIONS, POST"


def test_each_bodys_example_fits_its_schema_and_the_server_reads_it(acme: TenantApi) -> None:
    document = _document(acme.served)
    schemas = document["components"]["schemas"]
    callers = {role: acme.member(role.title(), roles=[role])
               for role in ("entrepreneur", "mentor", "tenant_admin")}
    unread = []
    for method, path, operation in _operations(document):
        body = operation.get("requestBody")
        if body is None or not path.startswith("/api/"):
            continue
        reference = body["content"]["application/json"]["schema"]["$ref"]
        example = _example(schemas, schemas[reference.rsplit("/", 1)[-1]])
        errors = [str(error) for error in jsonschema_rs.validator_for(
            {"$ref": reference, "components": document["components"]}).iter_errors(example)]
        assert errors == [], (method, path, example)
        roles = operation["description"].rsplit("Roles: ", 1)[-1].split(", ")
        caller = next((callers[role] for role in roles if role in callers),
                      callers["entrepreneur"])
        # An id that names nothing: the answer is a 404, never a 400.
        url = re.sub(r"\{\w+\}", "00000000-0000-4000-8000-000000000000", path)
        answer = acme.request(method, url, caller, json=example)
        if answer.status_code == 400:
            unread.append(f"{method} {path}: {answer.text}")
    assert unread == []
    questionnaire = _example(schemas, schemas["QuestionnaireBody"])
    admin = callers["tenant_admin"]
    assert acme.put("/api/v1/programme/questionnaire", admin, json=questionnaire).status_code \
        == 200


def _example(schemas: dict[str, Any], schema: dict[str, Any]) -> Any:
    """The body the document's own examples make: each field's first example."""
    if "$ref" in schema:
        return _example(schemas, schemas[schema["$ref"].rsplit("/", 1)[-1]])
    if "examples" in schema:
        return schema["examples"][0]
    alternatives = [a for a in schema.get("oneOf", []) if a.get("type") != "null"]
    if alternatives:
        return _example(schemas, alternatives[0])
    if "properties" in schema:
        return {name: _example(schemas, inner) for name, inner in schema["properties"].items()}
    if schema.get("type") == "array":
        return [_example(schemas, schema["items"])] * schema.get("minItems", 1)
    return schema.get("default")


def test_the_bounds_of_optional_positions_are_documented_and_kept(acme: TenantApi) -> None:
    # A client generating from the document must not send what the server refuses.
    document = _document(acme.served)
    positions = [
        (path, method, parameter["name"], parameter["schema"])
        for path, method, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["name"] in ("after", "before")
        and {"type": "integer"} in parameter["schema"].get("oneOf", [])
    ]
    assert len(positions) > 5
    assert [entry for entry in positions if entry[3].get("minimum") != 0] == []
    ana = acme.member("Ana", roles=["entrepreneur"])
    refused = acme.get("/api/v1/me/relationships/summaries?before=-1", ana)
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "before"
