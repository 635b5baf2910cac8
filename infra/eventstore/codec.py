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
from typing import Annotated, Any, ClassVar, cast
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

from infra.eventstore.personal import PersonalKeys, open_sealed, seal
from services.errors import ConflictError
from services.personal_data import Personal

__all__ = ["MsgpackTranscoder", "MsgspecMapper", "PersonalDataErasedError", "event_schema"]

_ENVELOPE_FIELDS = frozenset({"originator_id", "originator_version"})


class PersonalDataErasedError(ConflictError):
    """A new event would carry personal data of a person who has been erased: a 409 naming the
    field (e.g. a moderator's note on a report about an erased member), never a 500."""


class MsgpackTranscoder(Transcoder):
    """Schema-less MessagePack, for states that have no event class (and for upcasting)."""

    def __init__(self) -> None:
        self._encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
        self._decoder = msgspec.msgpack.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


class _PersonalField(typing.NamedTuple):
    name: str
    value_type: Any
    erased: Any
    context: bytes


class _EventSchema(typing.NamedTuple):
    struct: type[msgspec.Struct]
    decoder: msgspec.msgpack.Decoder[Any]
    class_version: int
    personal: tuple[_PersonalField, ...]
    subject_field: str


class _DecodePlan(typing.NamedTuple):
    """How one mapper decodes one topic: personal fields it opens, and those it leaves None."""

    event_class: Any
    schema: _EventSchema
    opened: tuple[_PersonalField, ...]
    blanked: tuple[str, ...]


def _personal_marker(hint: Any) -> Personal | None:
    if typing.get_origin(hint) is Annotated:
        for extra in hint.__metadata__:
            if isinstance(extra, Personal):
                return extra
    return None


@cache
def event_schema(event_class: Any) -> _EventSchema:
    """The msgspec Struct that an event class's stored state must fit (built once per class)."""
    hints = typing.get_type_hints(event_class, include_extras=True)
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    personal: list[_PersonalField] = []
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
        stored_type = hint
        marker = _personal_marker(hint)
        if marker is not None:
            personal.append(_PersonalField(
                name, typing.get_args(hint)[0], marker.erased, name.encode()
            ))
            stored_type, default = bytes, msgspec.NODEFAULT  # stored sealed
        fields.append(
            (name, stored_type) if default is msgspec.NODEFAULT
            else (name, stored_type, default)
        )
    fields.append(("class_version", int, 1))
    subject_field = getattr(event_class, "personal_data_subject", "originator_id")
    if personal and subject_field != "originator_id" and subject_field not in hints:
        msg = f"{event_class.__qualname__}.personal_data_subject names no field: {subject_field}"
        raise TypeError(msg)
    struct = msgspec.defstruct(
        f"{event_class.__qualname__}State", fields, kw_only=True, module=event_class.__module__
    )
    return _EventSchema(
        struct=struct,
        decoder=msgspec.msgpack.Decoder(struct),
        class_version=getattr(event_class, "class_version", 1),
        personal=tuple(personal),
        subject_field=subject_field,
    )


class MsgspecMapper(Mapper[UUID]):
    """Maps domain events to stored events and back with msgspec; see the module docstring."""

    def __init__(
        self, personal_keys: PersonalKeys | None = None, *,
        open_personal: bool | frozenset[str] = True,
    ) -> None:
        """`open_personal=False` decodes personal fields as None without decrypting them, for
        readers (projections) that never look at them; a set of field names opens only those
        (each decryption costs a key lookup and an AES-GCM pass)."""
        super().__init__(transcoder=MsgpackTranscoder())
        self.open_personal = open_personal
        self._encoder = msgspec.msgpack.Encoder(uuid_format="bytes")
        self._raw = cast(MsgpackTranscoder, self.transcoder)
        self.personal_keys = personal_keys
        self._plans: dict[str, _DecodePlan] = {}

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        # Building the schema first refuses (TypeError) an event that could never be read back,
        # before anything is stored. It is cached per class, so this costs one dict lookup.
        schema = event_schema(type(domain_event))
        state = dict(vars(domain_event))
        if schema.personal:
            self._seal_personal_fields(schema, state)
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
        return self.decode(stored_event.originator_id, stored_event.originator_version,
                           stored_event.topic, stored_event.state)

    def decode(
        self, originator_id: UUID | str, originator_version: int, topic: str, state: bytes,
    ) -> DomainEventProtocol[UUID]:
        """The domain event of one stored row. Batch readers (projections) call this with the
        row's columns, sparing a `StoredEvent` object per event; what a topic needs (its class,
        its decoder, which personal fields to open) is worked out once per mapper."""
        try:
            plan = self._plans.get(topic)
            if plan is None:
                plan = self._plans[topic] = self._plan(topic)
            if plan.schema.class_version == 1:
                values = msgspec.structs.asdict(plan.schema.decoder.decode(state))
                del values["class_version"]
            else:
                values = self._upcast(plan.event_class, plan.schema, state)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError) as error:
            msg = (
                f"Stored event {topic} of {originator_id} v{originator_version} does not fit "
                f"its schema: {error}"
            )
            raise MapperDeserialisationError(msg) from error
        if not isinstance(originator_id, UUID):
            originator_id = find_id_convertor(
                plan.event_class, cast(Hashable, type(originator_id)))(originator_id)
        values["originator_id"] = originator_id
        values["originator_version"] = originator_version
        if plan.opened:
            self._open_personal_fields(plan.schema, values, plan.opened)
        for name in plan.blanked:
            values[name] = None
        domain_event = object.__new__(plan.event_class)
        object.__setattr__(domain_event, "__dict__", values)
        return cast(DomainEventProtocol[UUID], domain_event)

    def _plan(self, topic: str) -> _DecodePlan:
        event_class = resolve_topic(topic)
        schema = event_schema(event_class)
        if self.open_personal is True:
            opened = schema.personal
        else:
            wanted = self.open_personal or frozenset()
            opened = tuple(field for field in schema.personal if field.name in wanted)
        blanked = tuple(field.name for field in schema.personal if field not in opened)
        return _DecodePlan(event_class, schema, opened, blanked)

    def _upcast(self, event_class: Any, schema: _EventSchema, data: bytes) -> dict[str, Any]:
        """Decodes a state stored under an older `class_version`, upcasting it step by step."""
        raw: dict[str, Any] = self._raw.decode(data)
        stored_version = raw.pop("class_version", 1)
        while stored_version < schema.class_version:
            upcast = getattr(event_class, f"upcast_v{stored_version}_v{stored_version + 1}")
            upcast(raw)
            stored_version += 1
        values = msgspec.structs.asdict(msgspec.convert(raw, schema.struct, strict=False))
        del values["class_version"]
        return values

    def _keys(self) -> PersonalKeys:
        if self.personal_keys is None:
            msg = "this stream keeps no personal data (no personal keys configured)"
            raise TypeError(msg)
        return self.personal_keys

    def _seal_personal_fields(self, schema: _EventSchema, state: dict[str, Any]) -> None:
        subject: UUID = state[schema.subject_field]
        key = self._keys().key_for(subject, create=True)
        if key is None:
            raise PersonalDataErasedError(
                "the person this is about has been erased: nothing new can be recorded about them",
                field=schema.personal[0].name,
            )
        for field in schema.personal:
            state[field.name] = seal(
                key, self._encoder.encode(state[field.name]), subject.bytes + field.context
            )

    def _open_personal_fields(
        self, schema: _EventSchema, state: dict[str, Any], fields: tuple[_PersonalField, ...],
    ) -> None:
        subject: UUID = state[schema.subject_field]
        key = self._keys().key_for(subject, create=False)
        for field in fields:
            if key is None:
                state[field.name] = field.erased
            else:
                plaintext = open_sealed(key, state[field.name], subject.bytes + field.context)
                state[field.name] = msgspec.msgpack.decode(plaintext, type=field.value_type)
