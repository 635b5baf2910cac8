"""Wire shapes every bounded context shares, and the bases every wire shape is built on.

A wire shape is camelCase on the wire and keyword-only in Python: subclass `CamelStruct`
(answers), `CamelBody` (request bodies: an unknown field is an error) or `FrozenCamelStruct`
(immutable answers). Stored events are not wire shapes: they keep their own options.
"""

from __future__ import annotations

from typing import Any, dataclass_transform

import msgspec

__all__ = ["CamelBody", "CamelStruct", "FrozenCamelStruct", "Written"]


class _KeywordOnly(msgspec.StructMeta):
    """msgspec applies `kw_only` only to the fields a class declares itself (unlike `rename`,
    `frozen` and `forbid_unknown_fields`, which subclasses inherit), so the bases make it every
    subclass's default here."""

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **options: Any
    ) -> _KeywordOnly:
        options.setdefault("kw_only", True)
        return super().__new__(mcls, name, bases, namespace, **options)


@dataclass_transform(kw_only_default=True, field_specifiers=(msgspec.field,))
class CamelStruct(msgspec.Struct, metaclass=_KeywordOnly, rename="camel"):
    """A wire shape: camelCase field names, keyword-only construction."""


class CamelBody(CamelStruct, forbid_unknown_fields=True):
    """A request body: a `CamelStruct` that refuses fields it does not know."""


# A root of its own, not a subclass of CamelStruct: type checkers refuse a frozen dataclass
# inheriting from a mutable one.
@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(msgspec.field,))
class FrozenCamelStruct(msgspec.Struct, metaclass=_KeywordOnly, rename="camel", frozen=True):
    """An immutable (hashable) wire shape."""


class Written(CamelStruct):
    """A command's answer when it has nothing else to say: the stream position it reached,
    which a later read can wait for (`?after=`)."""

    position: int
