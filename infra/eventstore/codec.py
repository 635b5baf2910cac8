"""Stored-event encoding with msgspec: MessagePack bytes, decoded against each event's own schema.

Each event class's type hints define a msgspec Struct, so decoding is one typed C pass that
restores UUIDs, datetimes, enums, Decimals and nested Structs without the default transcoder's
`{"_type_": ..., "_data_": ...}` wrappers. UUIDs are stored as 16 raw bytes and datetimes as
MessagePack timestamps.

Schema evolution follows msgspec's rules, which are exactly the rules for stored events: a field's
type never changes; a new field either has a default or comes with a `class_version` bump and an
`upcast_vN_vN+1(state)` static method. Upcasters receive the state as stored (UUIDs as 16 bytes,
datetimes as datetimes); after upcasting the state is converted to the current schema.
"""

from __future__ import annotations

import typing
from collections.abc import Hashable
from functools import cache
from typing import Any, ClassVar, cast
from uuid import UUID

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

__all__ = ["MsgpackTranscoder", "MsgspecMapper", "event_schema"]

_ENVELOPE_FIELDS = frozenset({"originator_id", "originator_version"})


class MsgpackTranscoder(Transcoder):
    """Schema-less MessagePack, for states that have no event class (and for upcasting)."""

    def __init__(self) -> None:
        self._encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
        self._decoder = msgspec.msgpack.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


class _EventSchema(typing.NamedTuple):
    struct: type[msgspec.Struct]
    decoder: msgspec.msgpack.Decoder[Any]
    class_version: int


@cache
def event_schema(event_class: Any) -> _EventSchema:
    """The msgspec Struct that an event class's stored state must fit (built once per class)."""
    hints = typing.get_type_hints(event_class)
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for name, hint in hints.items():
        if name in _ENVELOPE_FIELDS or typing.get_origin(hint) is ClassVar:
            continue
        if hint is Any:
            msg = (
                f"{event_class.__qualname__}.{name} is typed Any; stored events need a concrete "
                "type so that they decode to the same values they were saved with"
            )
            raise TypeError(msg)
        default = getattr(event_class, name, msgspec.NODEFAULT)
        if callable(default) or isinstance(default, property):
            default = msgspec.NODEFAULT
        fields.append((name, hint) if default is msgspec.NODEFAULT else (name, hint, default))
    fields.append(("class_version", int, 1))
    struct = msgspec.defstruct(
        f"{event_class.__qualname__}State", fields, kw_only=True, module=event_class.__module__
    )
    return _EventSchema(
        struct=struct,
        decoder=msgspec.msgpack.Decoder(struct),
        class_version=getattr(event_class, "class_version", 1),
    )


class MsgspecMapper(Mapper[UUID]):
    """Maps domain events to stored events and back with msgspec; see the module docstring."""

    def __init__(self) -> None:
        super().__init__(transcoder=MsgpackTranscoder())
        self._encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
        self._raw = cast(MsgpackTranscoder, self.transcoder)

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        # Building the schema first refuses (TypeError) an event that could never be read back,
        # before anything is stored. It is cached per class, so this costs one dict lookup.
        event_schema(type(domain_event))
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=self._encoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event_class = resolve_topic(stored_event.topic)
        try:
            state = self._decode_state(event_class, stored_event.state)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError) as error:
            msg = (
                f"Stored event {stored_event.topic} of {stored_event.originator_id} "
                f"v{stored_event.originator_version} does not fit its schema: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        id_convertor = find_id_convertor(
            event_class, cast(Hashable, type(stored_event.originator_id))
        )
        state["originator_id"] = id_convertor(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(event_class)
        object.__setattr__(domain_event, "__dict__", state)
        return cast(DomainEventProtocol[UUID], domain_event)

    def _decode_state(self, event_class: Any, data: bytes) -> dict[str, Any]:
        schema = event_schema(event_class)
        if schema.class_version == 1:
            decoded = schema.decoder.decode(data)
        else:
            raw: dict[str, Any] = self._raw.decode(data)
            stored_version = raw.pop("class_version", 1)
            while stored_version < schema.class_version:
                upcast = getattr(event_class, f"upcast_v{stored_version}_v{stored_version + 1}")
                upcast(raw)
                stored_version += 1
            decoded = msgspec.convert(raw, schema.struct, strict=False)
        state = msgspec.structs.asdict(decoded)
        del state["class_version"]
        return state
