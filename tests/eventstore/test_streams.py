"""Tenant streams: a tenant's events in its own log, optimistic concurrency, bounded open streams.

Every test runs on the embedded default (SQLite file per tenant) and on PostgreSQL (schema per
tenant, one shared pool).
"""

from __future__ import annotations

import threading
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import RecordConflictError

from infra.container import Ithaca
from infra.eventstore.streams import OpenStreams, StreamApplication, tenant_stream_name
from services.actor import Actor


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Edited")
    def edit(self, text: str) -> None:
        self.text = text


class Notebook(StreamApplication):
    name = "notebook"

    def write_note(self, text: str) -> UUID:
        note = Note(text)
        self.save(note)
        return note.id

    def get_note(self, note_id: UUID) -> Note:
        note: object = self.repository.get(note_id)
        assert isinstance(note, Note)
        return note


def _provision(ithaca: Ithaca, actor: Actor, *slugs: str) -> None:
    for slug in slugs:
        ithaca.registry.provision_tenant(slug=slug, display_name=slug.title(), actor=actor)


def _notebook(ithaca: Ithaca, slug: str) -> Notebook:
    return ithaca.tenant_application(ithaca.tenant(slug), Notebook)


def test_a_tenants_events_land_in_its_own_stream_only(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Acme and Beta run programmes on one platform; Acme's mentor writes a note and edits it.
    _provision(ithaca, operator_actor, "acme", "beta")
    acme = _notebook(ithaca, "acme")
    note_id = acme.write_note("Ask about export pricing")
    note = acme.get_note(note_id)
    note.edit("Ask about export pricing and shipping")
    acme.save(note)

    assert acme.stream.name == tenant_stream_name("acme")
    acme_log = acme.recorder.select_notifications(start=None, limit=10)
    assert [(n.originator_id, n.originator_version) for n in acme_log] == [
        (note_id, 1), (note_id, 2)
    ]
    assert acme.position == acme_log[-1].id

    # Beta's stream has nothing, and Acme's note does not exist as far as Beta can tell.
    beta = _notebook(ithaca, "beta")
    assert beta.stream.name == tenant_stream_name("beta")
    assert beta.recorder.select_notifications(start=None, limit=10) == []
    assert beta.position == 0
    assert note_id not in beta.repository

    # Nor did the note reach the platform stream, which holds only the registry's events.
    platform_log = ithaca.registry.recorder.select_notifications(start=None, limit=100)
    assert note_id not in {n.originator_id for n in platform_log}
    assert not any(n.topic.startswith(Note.__module__) for n in platform_log)


def test_concurrent_conflicting_saves_of_one_aggregate_admit_exactly_one(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Two requests load the same note at version 1, then both try to record version 2.
    _provision(ithaca, operator_actor, "acme")
    notebook = _notebook(ithaca, "acme")
    note_id = notebook.write_note("First draft")
    both_loaded = threading.Barrier(2)
    outcomes: dict[str, BaseException | None] = {}

    def edit(text: str) -> None:
        note = notebook.get_note(note_id)
        note.edit(text)
        both_loaded.wait(timeout=10)
        try:
            notebook.save(note)
        except BaseException as error:  # the outcome is what this test checks
            outcomes[text] = error
        else:
            outcomes[text] = None

    editors = [threading.Thread(target=edit, args=(text,)) for text in ("Mentor's", "Mentee's")]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(timeout=30)

    assert set(outcomes) == {"Mentor's", "Mentee's"}
    winners = [text for text, error in outcomes.items() if error is None]
    losers = [error for error in outcomes.values() if error is not None]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], RecordConflictError)
    saved = notebook.get_note(note_id)
    assert (saved.version, saved.text) == (2, winners[0])
    assert len(notebook.recorder.select_notifications(start=None, limit=10)) == 2


def test_open_streams_close_the_least_recently_used_beyond_capacity(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Room for two open tenants; Acme is used again before Gamma arrives, so Beta goes.
    _provision(ithaca, operator_actor, "acme", "beta", "gamma")
    storage = ithaca.locations["main"]
    open_streams = OpenStreams(capacity=2)
    try:
        acme = open_streams.application(storage, tenant_stream_name("acme"), Notebook)
        beta = open_streams.application(storage, tenant_stream_name("beta"), Notebook)
        beta_note = beta.write_note("Beta's note")
        assert open_streams.application(storage, tenant_stream_name("acme"), Notebook) is acme

        open_streams.application(storage, tenant_stream_name("gamma"), Notebook)

        assert len(open_streams) == 2
        assert open_streams.application(storage, tenant_stream_name("acme"), Notebook) is acme
        reopened_beta = open_streams.application(storage, tenant_stream_name("beta"), Notebook)
        assert reopened_beta is not beta
        assert len(open_streams) == 2
        # Closing a stream loses nothing: Beta's note is read back through the reopened stream.
        assert reopened_beta.get_note(beta_note).text == "Beta's note"
    finally:
        open_streams.close()
    assert len(open_streams) == 0

