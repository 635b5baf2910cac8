"""Personal data in events: sealed with the person's own key, unreadable once the key is erased,
while the events themselves (and everything in them that is not personal) stay as they were."""

from __future__ import annotations

import sqlite3
from typing import ClassVar
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.domain import Aggregate, event

from infra.container import Ithaca
from infra.eventstore.codec import PersonalDataErasedError
from infra.eventstore.sqlite import SQLiteStorage
from infra.eventstore.streams import StreamApplication
from services.actor import Actor
from services.personal_data import ERASED_TEXT, PersonalText


class Note(Aggregate):
    class Written(Aggregate.Created):
        personal_data_subject: ClassVar[str] = "author_id"
        author_id: UUID
        rating: int
        text: PersonalText

    @event(Written)
    def __init__(self, author_id: UUID, rating: int, text: str) -> None:
        self.author_id, self.rating, self.text = author_id, rating, text


class Notes(StreamApplication):
    name = "notes"

    def write(self, author_id: UUID, rating: int, text: str) -> UUID:
        note = Note(author_id=author_id, rating=rating, text=text)
        self.save(note)
        return note.id

    def get(self, note_id: UUID) -> Note:
        note: object = self.repository.get(note_id)
        assert isinstance(note, Note)
        return note


DEBT_NOTE = "My bakery in Surabaya owes 40 million rupiah"


def _stored_states(ithaca: Ithaca, slug: str) -> list[bytes]:
    record = ithaca.tenant(slug)
    storage = ithaca.locations[record.location]
    if isinstance(storage, SQLiteStorage):
        with sqlite3.connect(storage.path(record.stream_name)) as conn:
            return [bytes(row[0]) for row in conn.execute("SELECT state FROM events")]
    with psycopg.connect(ithaca.settings.database_url) as conn:
        rows = conn.execute(f'SELECT state FROM "{record.stream_name}".events').fetchall()
    return [bytes(row[0]) for row in rows]


def test_personal_text_is_sealed_and_erasure_leaves_the_event(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Ana writes a note about her debts; the log never holds it in clear.
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    notes = ithaca.tenant_application(ithaca.tenant("acme"), Notes)
    ana, ben = uuid4(), uuid4()
    anas_note = notes.write(ana, 4, DEBT_NOTE)
    bens_note = notes.write(ben, 5, "Export pricing")
    assert notes.get(anas_note).text == DEBT_NOTE
    assert not any(DEBT_NOTE.encode() in state for state in _stored_states(ithaca, "acme"))

    # Ana is erased: her note still exists with its rating, its text reads as erased; Ben's
    # note is untouched.
    assert notes.stream.personal_keys.erase(ana)
    fresh = Notes(notes.stream)  # a process that never saw the key
    erased = fresh.get(anas_note)
    assert (erased.rating, erased.text) == (4, ERASED_TEXT)
    assert fresh.get(bens_note).text == "Export pricing"
    assert fresh.position == 2

    # Nothing new about Ana can be recorded: a conflict naming the field, as the API answers it.
    with pytest.raises(PersonalDataErasedError) as refused:
        fresh.write(ana, 3, "again")
    assert (refused.value.status_code, refused.value.field) == (409, "text")
    assert fresh.position == 2


def test_the_stream_secret_is_stable_per_stream(ithaca: Ithaca, operator_actor: Actor) -> None:
    for slug in ("acme", "beta"):
        ithaca.registry.provision_tenant(slug=slug, display_name=slug, actor=operator_actor)
    acme = ithaca.tenant_application(ithaca.tenant("acme"), Notes).stream.personal_keys
    beta = ithaca.tenant_application(ithaca.tenant("beta"), Notes).stream.personal_keys
    assert acme.stream_secret() == acme.stream_secret()
    assert acme.stream_secret() != beta.stream_secret()
    assert len(acme.stream_secret()) == 32
