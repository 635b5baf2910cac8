"""The OpenAPI document (`/schema/openapi.json`) says what the server does, in one place.

Litestar builds the document from the routes and their Structs; what it cannot know is added here
rather than route by route:

- a body Struct with `forbid_unknown_fields=True` is closed (`additionalProperties: false`),
  since the server refuses any other field (`ClosedStructSchemas`);
- an operation that needs no credentials says so (`security: []`): the tenant routes declared
  `PUBLIC` carry no security requirement (the plugin sets one on every other tenant route);
- every refusal has the one error body (`ErrorBody`), Litestar's own 400 included, since every
  refusal goes through the one error mapper (`infra.web.errors`);
- a read that accepts `after` documents the 503 it answers when the read model has not reached
  that position within `wait` seconds, and the 422 for a position beyond the stream's head
  (`projections.reading`).

Constraints (lengths, ranges, sizes) live on the Structs as `msgspec.Meta`, so that the document
carries the same limits the server applies and its examples are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import msgspec
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI, Reference, Schema
from litestar.typing import FieldDefinition

__all__ = ["ApiDocument", "ClosedStructSchemas", "IthacaOpenAPIConfig", "close_struct_schemas"]

_OPERATIONS = ("get", "put", "post", "delete", "patch")
_ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
_NOT_CAUGHT_UP = {
    "description": (
        "The read model has not reached `after` within `wait` seconds; try again after "
        "Retry-After seconds (names the field `after`)"),
    "headers": {"Retry-After": {"schema": {"type": "integer"},
                                "description": "Seconds to wait before asking again"}},
    "content": {"application/json": {"schema": _ERROR_BODY}},
}
_BEYOND_THE_HEAD = {
    "description": "`after` is beyond the stream's head: no command answered that position",
    "content": {"application/json": {"schema": _ERROR_BODY}},
}
_MALFORMED = ("Malformed request (unknown field, wrong type, broken constraint, missing "
              "parameter); names the field")


class ClosedStructSchemas(StructSchemaPlugin):
    """Litestar's schema of a msgspec Struct, with what msgspec itself enforces: closed when the
    Struct refuses unknown fields, and every constraint of its fields (Litestar drops a bound of
    0, the bounds of an optional field, of a dict's values and a dict's size). It takes the place
    of Litestar's own (`close_struct_schemas`)."""

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        struct: type[msgspec.Struct] = field_definition.type_
        if struct.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        (reference,), definitions = msgspec.json.schema_components([struct])
        enforced = definitions[reference["$ref"].rsplit("/", 1)[-1]].get("properties", {})
        for name, property_schema in (schema.properties or {}).items():
            _add_constraints(property_schema, enforced.get(name, {}))
        return schema


_CONSTRAINTS = {
    "minimum": "minimum", "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length",
    "maxLength": "max_length", "pattern": "pattern", "minItems": "min_items",
    "maxItems": "max_items", "minProperties": "min_properties",
    "maxProperties": "max_properties",
}


def _add_constraints(schema: Schema | Reference, enforced: dict[str, Any]) -> None:
    """Copies msgspec's constraints (`enforced`, its JSON schema of the same value) that
    Litestar's `schema` lacks, into the alternatives of an optional value and the items and
    values of collections too."""
    if isinstance(schema, Reference):
        return
    for keyword, attribute in _CONSTRAINTS.items():
        if keyword in enforced and getattr(schema, attribute) is None:
            setattr(schema, attribute, enforced[keyword])
    alternatives = [a for a in enforced.get("anyOf", ()) if a.get("type") != "null"]
    own = [a for a in schema.one_of or () if not (isinstance(a, Schema) and a.type == "null")]
    for alternative, enforced_alternative in zip(own, alternatives, strict=False):
        _add_constraints(alternative, enforced_alternative)
    if isinstance(schema.items, Schema) and isinstance(enforced.get("items"), dict):
        _add_constraints(schema.items, enforced["items"])
    values = enforced.get("additionalProperties")
    if isinstance(schema.additional_properties, Schema) and isinstance(values, dict):
        _add_constraints(schema.additional_properties, values)


def close_struct_schemas(plugins: list[Any]) -> None:
    """Puts `ClosedStructSchemas` in the place of Litestar's own Struct plugin (in place: the
    list is being iterated while plugins initialise)."""
    for index, plugin in enumerate(plugins):
        if type(plugin) is StructSchemaPlugin:
            plugins[index] = ClosedStructSchemas()


@dataclass
class ApiDocument(OpenAPI):
    """The OpenAPI document Litestar builds, completed as the module docstring says."""

    def to_schema(self) -> dict[str, Any]:
        document = super().to_schema()
        for item in document.get("paths", {}).values():
            for method in _OPERATIONS:
                if method in item:
                    _complete(item[method])
        return document


def _complete(operation: dict[str, Any]) -> None:
    operation.setdefault("security", [])
    responses: dict[str, Any] = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    if any(p.get("in") == "query" and p.get("name") == "after" for p in parameters):
        responses.setdefault("422", _BEYOND_THE_HEAD)
        responses.setdefault("503", _NOT_CAUGHT_UP)
    for status, response in responses.items():
        content = response.get("content")
        if status[0] in "45" and content and any(
            media.get("schema") != _ERROR_BODY for media in content.values()
        ):  # Litestar's own description of its validation error, which the mapper rewrites
            response["content"] = {"application/json": {"schema": _ERROR_BODY}}
            response["description"] = _MALFORMED


@dataclass
class IthacaOpenAPIConfig(OpenAPIConfig):
    """Litestar's configuration, building an `ApiDocument`."""

    def to_openapi_schema(self) -> OpenAPI:
        built = super().to_openapi_schema()
        return ApiDocument(**{field.name: getattr(built, field.name) for field in fields(built)})
