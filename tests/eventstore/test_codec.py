"""How events are stored: msgspec MessagePack, decoded against each event class's own schema."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from infra.eventstore.codec import MsgspecMapper, event_schema

# Event classes live at module level: a stored event names its class by topic (module:qualname).
# `@dataclass` repeats what the library's metaclass does, so that type checkers see the fields.


class SessionFormat(enum.Enum):
    VIDEO = "video"
    IN_PERSON = "in-person"


class Agenda(msgspec.Struct, frozen=True):
    goal: str
    topics: list[str]
    format: SessionFormat = SessionFormat.VIDEO


@dataclass(frozen=True)
class SessionLogged(DomainEvent):
    relationship_id: UUID
    mentor_id: UUID
    held_at: datetime
    hours: Decimal
    format: SessionFormat
    agenda: Agenda
    attendees: list[UUID]
    follow_up: str | None = None


@dataclass(frozen=True)
class MentorProfileUpdated(DomainEvent):
    """Version 2 added `time_zone`; version 1 events are upcast to UTC, the old implicit zone."""

    class_version = 2

    mentor_id: UUID
    headline: str
    time_zone: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["time_zone"] = "UTC"


@dataclass(frozen=True)
class NoteAdded(DomainEvent):
    note: Any


@dataclass(frozen=True)
class IntroductionSent(DomainEvent):
    """Only types the library's JSON transcoder also handles, so the two encodings compare."""

    mentee_id: UUID
    mentor_id: UUID
    programme_id: UUID
    sent_at: datetime
    introduction: str
    languages: list[str]
    expertise: list[str]
    hourly_value: Decimal


def _session_logged(**changes: Any) -> SessionLogged:
    fields: dict[str, Any] = {
        "originator_id": uuid4(),
        "originator_version": 3,
        "timestamp": SessionLogged.create_timestamp(),
        "relationship_id": uuid4(),
        "mentor_id": uuid4(),
        "held_at": datetime(2025, 3, 14, 15, 30, tzinfo=UTC),
        "hours": Decimal("1.50"),
        "format": SessionFormat.IN_PERSON,
        "agenda": Agenda(goal="price the export range", topics=["pricing", "logistics"]),
        "attendees": [uuid4(), uuid4()],
    }
    fields.update(changes)
    return SessionLogged(**fields)


def test_an_event_round_trips_with_its_types_intact() -> None:
    # Ana logs a session with Ben: ids, a time, hours as a Decimal, an enum, a nested agenda,
    # a list of attendees and an optional follow-up all come back as they went in.
    mapper = MsgspecMapper()
    for logged in (_session_logged(), _session_logged(follow_up="send the price list")):
        stored = mapper.to_stored_event(logged)
        assert stored.topic == get_topic(SessionLogged)
        assert (stored.originator_id, stored.originator_version) == (
            logged.originator_id, logged.originator_version
        )

        restored = mapper.to_domain_event(stored)

        assert restored == logged
        assert isinstance(restored, SessionLogged)
        assert isinstance(restored.mentor_id, UUID)
        assert isinstance(restored.hours, Decimal)
        assert restored.held_at.tzinfo is not None
        assert restored.format is SessionFormat.IN_PERSON
        assert isinstance(restored.agenda, Agenda)
        assert all(isinstance(attendee, UUID) for attendee in restored.attendees)


def test_a_version_1_event_is_upcast_when_read() -> None:
    # A profile update stored before `time_zone` existed still reads, as UTC.
    mentor_id, originator_id = uuid4(), uuid4()
    timestamp = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    old_state = msgspec.msgpack.Encoder(uuid_format="bytes").encode(
        {"timestamp": timestamp, "mentor_id": mentor_id, "headline": "Export pricing"}
    )
    stored = StoredEvent(
        originator_id=originator_id,
        originator_version=2,
        topic=get_topic(MentorProfileUpdated),
        state=old_state,
    )

    restored = MsgspecMapper().to_domain_event(stored)

    assert isinstance(restored, MentorProfileUpdated)
    assert (restored.mentor_id, restored.headline, restored.time_zone) == (
        mentor_id, "Export pricing", "UTC"
    )
    assert restored.timestamp == timestamp


def test_a_version_2_event_is_stored_with_its_version_and_read_without_upcasting() -> None:
    mapper = MsgspecMapper()
    updated = MentorProfileUpdated(
        originator_id=uuid4(), originator_version=3,
        timestamp=MentorProfileUpdated.create_timestamp(),
        mentor_id=uuid4(), headline="Logistics", time_zone="Africa/Nairobi",
    )
    stored = mapper.to_stored_event(updated)

    assert msgspec.msgpack.decode(stored.state)["class_version"] == 2
    assert mapper.to_domain_event(stored) == updated


def test_a_field_typed_any_is_refused() -> None:
    # `Any` would decode to whatever MessagePack makes of it (a UUID comes back as bytes), so an
    # event class with such a field has no schema.
    with pytest.raises(TypeError, match=r"NoteAdded\.note is typed Any"):
        event_schema(NoteAdded)


def test_an_event_with_a_field_typed_any_is_not_read_back() -> None:
    mapper = MsgspecMapper()
    stored = StoredEvent(
        originator_id=uuid4(), originator_version=1, topic=get_topic(NoteAdded),
        state=msgspec.msgpack.encode({"timestamp": datetime.now(UTC), "note": "hello"}),
    )
    with pytest.raises(MapperDeserialisationError) as refused:
        mapper.to_domain_event(stored)
    assert isinstance(refused.value.__cause__, TypeError)


def test_an_event_with_a_field_typed_any_is_refused_before_it_is_stored() -> None:
    note = NoteAdded(
        originator_id=uuid4(), originator_version=1,
        timestamp=NoteAdded.create_timestamp(), note={"any": "thing"},
    )
    with pytest.raises(TypeError, match="typed Any"):
        MsgspecMapper().to_stored_event(note)


def test_stored_bytes_are_smaller_than_the_librarys_json() -> None:
    # The same introduction, stored by the library's default JSON transcoder and by ours.
    introduction = IntroductionSent(
        originator_id=uuid4(), originator_version=1,
        timestamp=IntroductionSent.create_timestamp(),
        mentee_id=uuid4(), mentor_id=uuid4(), programme_id=uuid4(),
        sent_at=datetime(2025, 6, 2, 8, 15, tzinfo=UTC),
        introduction="I export shea butter to three countries and want to price for a fourth.",
        languages=["fr", "en"], expertise=["pricing", "export", "logistics"],
        hourly_value=Decimal("35.00"),
    )
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    json_mapper: Mapper[UUID] = Mapper(transcoder=transcoder)

    json_bytes = json_mapper.to_stored_event(introduction).state
    msgpack_bytes = MsgspecMapper().to_stored_event(introduction).state

    assert json_mapper.to_domain_event(json_mapper.to_stored_event(introduction)) == introduction
    assert len(msgpack_bytes) < len(json_bytes)
    # UUIDs as 16 raw bytes and timestamps as MessagePack extensions, not wrapped hex and ISO text.
    assert len(msgpack_bytes) <= 0.7 * len(json_bytes), (len(msgpack_bytes), len(json_bytes))
