"""The OpenAPI document describes the platform API for the people who script against it."""

from __future__ import annotations

from infra.settings import Settings
from tests.web import serving


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
