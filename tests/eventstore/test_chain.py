"""Tamper evidence: the sealer chains a tenant's stored events and signs checkpoints of the head;
`check_stream` names the first position someone changed, deleted, inserted or reordered by
writing to the tables directly, as an attacker with database access would.

Every test runs on the embedded default (SQLite file per tenant) and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.domain import Aggregate, event
from psycopg import sql
from structlog.testing import capture_logs

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.chain import (
    ChainBrokenError,
    checkpoint_message,
    genesis_hash,
    next_hash,
    seal_stream,
)
from infra.eventstore.chain_check import StreamCheck, check_stream
from infra.eventstore.sqlite import SQLiteStorage
from infra.eventstore.streams import StreamApplication
from infra.settings import Settings
from infra.signing import PublicKey, SigningKey
from projections.leases import LocalLeases
from projections.worker import ProjectionWorker
from services.actor import Actor

NOON = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
BURSTS = 40


class Session(Aggregate):
    @event("Logged")
    def __init__(self, minutes: int, notes: str) -> None:
        self.minutes, self.notes = minutes, notes


class Sessions(StreamApplication):
    name = "chain_test_sessions"

    def log_session(self, minutes: int, notes: str = "") -> int:
        recordings = self.save(Session(minutes, notes))
        return recordings[-1].notification.id


@dataclass
class Tenant:
    """A tenant's stream, its key, and its tables as someone with database access sees them."""

    ithaca: Ithaca
    sessions: Sessions
    key: SigningKey

    @property
    def public(self) -> PublicKey:
        return self.key.public

    def log(self, count: int) -> list[int]:
        return [self.sessions.log_session(30 + number, f"session {number}")
                for number in range(count)]

    def seal(self, *, every: int = 5, seconds: float = 60.0, now: datetime = NOON) -> int:
        return seal_stream(self.sessions.stream, self.key, checkpoint_every=every,
                           checkpoint_seconds=seconds, now=now)

    def check(self) -> StreamCheck:
        return check_stream(self.sessions.stream, self.public)

    # Raw SQL: `{events}`, `{hashes}`, `{checkpoints}` name the tables, `{id}` the events'
    # position column, `%s` a parameter.
    @property
    def on_sqlite(self) -> bool:
        return isinstance(self.ithaca.locations["main"], SQLiteStorage)

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        name = self.sessions.stream.name
        if self.on_sqlite:
            storage = self.ithaca.locations["main"]
            assert isinstance(storage, SQLiteStorage)
            text = statement.format(events="events", hashes="event_hashes",
                                    checkpoints="chain_checkpoints", id="rowid")
            with sqlite3.connect(storage.path(name)) as conn:
                rows = conn.execute(text.replace("%s", "?"), params).fetchall()
            conn.close()
            return rows
        schema = sql.Identifier(name).as_string(None)
        text = statement.format(events=f"{schema}.events", hashes=f"{schema}.event_hashes",
                                checkpoints=f"{schema}.chain_checkpoints", id="notification_id")
        with psycopg.connect(self.ithaca.settings.database_url, autocommit=True) as server:
            cursor = server.execute(text.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def edit_event(self, position: int) -> None:
        """Changes one byte of the stored event (say, 31 minutes become 30)."""
        state = bytes(self.sql("SELECT state FROM {events} WHERE {id} = %s", (position,))[0][0])
        edited = state[:-1] + bytes([state[-1] ^ 1])
        self.sql("UPDATE {events} SET state = %s WHERE {id} = %s", (edited, position))

    def stored_id(self, originator_id: UUID) -> object:
        return originator_id.hex if self.on_sqlite else originator_id

    def count(self, table: str) -> int:
        return int(self.sql(f"SELECT count(*) FROM {{{table}}}")[0][0])


@pytest.fixture
def tenant(ithaca: Ithaca, operator_actor: Actor) -> Tenant:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    record = ithaca.tenant("acme")
    return Tenant(ithaca, ithaca.tenant_application(record, Sessions),
                  ithaca.signing_keys.for_tenant(record.id))


def _bad(check: StreamCheck, position: int, words: str) -> None:
    assert not check.ok
    assert check.first_bad_position == position, check.problem
    assert check.problem.startswith(f"position {position}: ")
    assert words in check.problem


def test_an_untouched_stream_checks_clean_and_later_events_wait_to_be_sealed(
    tenant: Tenant,
) -> None:
    # Twelve sessions are logged and sealed, with a checkpoint every five events.
    positions = tenant.log(12)
    assert tenant.seal(every=5) == len(positions)
    check = tenant.check()
    assert check.ok, check.problem
    assert (check.head, check.sealed_through, check.events_checked) == (
        positions[-1], positions[-1], len(positions))
    assert check.checkpoints_checked == 2
    assert check.last_checkpoint_position == positions[9]
    assert check.last_checkpoint_at == NOON
    assert (check.first_bad_position, check.problem) == (None, "")

    # Two more are logged: they are recomputed, but nothing vouches for them yet.
    later = tenant.log(2)
    check = tenant.check()
    assert check.ok
    assert (check.head, check.sealed_through, check.events_checked) == (
        later[-1], positions[-1], len(positions) + 2)


def test_a_second_sealing_with_nothing_new_adds_nothing(tenant: Tenant) -> None:
    tenant.log(7)
    tenant.seal(every=5)
    hashes, checkpoints = tenant.count("hashes"), tenant.count("checkpoints")
    assert tenant.seal(every=5, now=NOON + timedelta(seconds=1)) == 0
    assert (tenant.count("hashes"), tenant.count("checkpoints")) == (hashes, checkpoints)


def test_an_edited_event_is_named(tenant: Tenant) -> None:
    # Someone with database access edits the minutes of the fourth session in place.
    positions = tenant.log(8)
    tenant.seal()
    tenant.edit_event(positions[3])
    _bad(tenant.check(), positions[3], "differs from the one sealed (changed or reordered)")


def test_an_event_overwritten_with_a_value_of_another_type_is_named(tenant: Tenant) -> None:
    # SQLite keeps whatever type is written: a text where the event's bytes were must be reported
    # at its position, not stop the check (PostgreSQL's column keeps it bytes).
    positions = tenant.log(8)
    tenant.seal()
    forged: object = "31 minutes, honestly" if tenant.on_sqlite else b"31 minutes, honestly"
    tenant.sql("UPDATE {events} SET state = %s WHERE {id} = %s", (forged, positions[5]))
    _bad(tenant.check(), positions[5], "differs from the one sealed (changed or reordered)")


def test_a_deleted_event_is_named(tenant: Tenant) -> None:
    positions = tenant.log(8)
    tenant.seal()
    tenant.sql("DELETE FROM {events} WHERE {id} = %s", (positions[5],))
    _bad(tenant.check(), positions[5], "the sealed event is missing (deleted)")


def test_a_deleted_event_and_its_hash_are_caught_where_the_chain_breaks(tenant: Tenant) -> None:
    # The hash row goes too: the next event's recorded hash no longer follows.
    positions = tenant.log(8)
    tenant.seal()
    tenant.sql("DELETE FROM {events} WHERE {id} = %s", (positions[5],))
    tenant.sql("DELETE FROM {hashes} WHERE position = %s", (positions[5],))
    _bad(tenant.check(), positions[6], "changed or reordered")


def test_the_last_signed_event_deleted_with_its_hash_is_named_by_its_checkpoint(
    tenant: Tenant,
) -> None:
    positions = tenant.log(10)
    tenant.seal(every=5)
    tenant.sql("DELETE FROM {events} WHERE {id} = %s", (positions[9],))
    tenant.sql("DELETE FROM {hashes} WHERE position = %s", (positions[9],))
    _bad(tenant.check(), positions[9], "the event signed by checkpoint 2")


def test_an_event_inserted_into_a_gap_below_the_sealed_head_is_named(tenant: Tenant) -> None:
    # Positions may have gaps (on PostgreSQL a rolled-back append consumes a position): one is
    # left here by an append that vanished before sealing, and a gap alone is no tampering.
    tenant.log(3)
    tenant.sql("INSERT INTO {events} (originator_id, originator_version, topic, state)"
               " VALUES (%s, 1, 'x', %s)", (tenant.stored_id(uuid4()), b"\x00"))
    gap = tenant.sql("SELECT max({id}) FROM {events}")[0][0]
    tenant.log(4)
    tenant.sql("DELETE FROM {events} WHERE {id} = %s", (gap,))
    tenant.seal()
    assert tenant.check().ok

    # Later a session that never happened is slipped into the gap.
    overriding = "" if tenant.on_sqlite else " OVERRIDING SYSTEM VALUE"
    tenant.sql("INSERT INTO {events} ({id}, originator_id, originator_version, topic, state)"
               + overriding + " SELECT %s, originator_id, 2, topic, state FROM {events}"
               " WHERE {id} = %s", (gap, gap + 1))
    _bad(tenant.check(), gap, "has no recorded hash (inserted")


def test_two_swapped_events_are_named_at_the_first_of_them(tenant: Tenant) -> None:
    positions = tenant.log(8)
    tenant.seal()
    first, second = positions[2], positions[6]
    rows = dict(tenant.sql("SELECT {id}, state FROM {events} WHERE {id} IN (%s, %s)",
                           (first, second)))
    for position, other in ((first, second), (second, first)):
        tenant.sql("UPDATE {events} SET state = %s WHERE {id} = %s",
                   (bytes(rows[other]), position))
    _bad(tenant.check(), first, "changed or reordered")


def _rewrite_hash_table(tenant: Tenant) -> None:
    """What an attacker who knows the algorithm does after editing events: recompute every hash
    from the tables (they do not have the signing key)."""
    tenant.sql("DELETE FROM {hashes}")
    stream = tenant.sessions.stream
    running = genesis_hash(stream.name)
    for row in stream.notification_rows(0, 10**9, 10_000):
        running = next_hash(running, row)
        tenant.sql("INSERT INTO {hashes} (position, hash) VALUES (%s, %s)", (row[0], running))


def test_a_consistently_rewritten_chain_table_is_caught_by_the_signed_checkpoint(
    tenant: Tenant,
) -> None:
    # Checkpoints sign positions 5 and 10; the seventh event is edited and every hash recomputed.
    positions = tenant.log(12)
    tenant.seal(every=5)
    tenant.edit_event(positions[6])
    _rewrite_hash_table(tenant)
    check = tenant.check()
    # The chain table alone now agrees with the events: only the checkpoint signed at position
    # 10 tells, and the change lies between the previous checkpoint and it.
    _bad(check, positions[5], f"to position {positions[9]} differ from those signed by "
                              f"checkpoint 2 (position {positions[9]})")
    assert check.checkpoints_checked == 1


def test_an_edited_checkpoint_is_caught(tenant: Tenant) -> None:
    # The attacker edits the first checkpoint to sign their rewritten chain: the signature breaks.
    positions = tenant.log(12)
    tenant.seal(every=5)
    tenant.edit_event(positions[1])
    _rewrite_hash_table(tenant)
    forged_head = tenant.sql("SELECT hash FROM {hashes} WHERE position = %s",
                             (positions[4],))[0][0]
    tenant.sql("UPDATE {checkpoints} SET head_hash = %s WHERE sequence = 1", (forged_head,))
    _bad(tenant.check(), positions[0], "the signature of checkpoint 1 "
                                       f"(position {positions[4]}) does not verify")


def test_a_checkpoint_signed_with_another_key_is_caught(tenant: Tenant) -> None:
    # The attacker re-signs the second checkpoint with a key of their own, under the tenant's
    # key id: only the tenant's public key decides.
    positions = tenant.log(12)
    tenant.seal(every=5)
    tenant.edit_event(positions[7])
    _rewrite_hash_table(tenant)
    intruder = SigningKey(Ed25519PrivateKey.generate())
    first_signature = tenant.sql("SELECT signature FROM {checkpoints} WHERE sequence = 1")[0][0]
    forged_head = tenant.sql("SELECT hash FROM {hashes} WHERE position = %s",
                             (positions[9],))[0][0]
    message = checkpoint_message(
        tenant.sessions.stream.name, sequence=2, position=positions[9],
        head_hash=bytes(forged_head), previous_signature=bytes(first_signature),
        signed_at=NOON, key_id=tenant.public.key_id,
    )
    tenant.sql("UPDATE {checkpoints} SET head_hash = %s, signature = %s WHERE sequence = 2",
               (forged_head, intruder.sign(message)))
    _bad(tenant.check(), positions[5], "the signature of checkpoint 2")


def test_a_deleted_checkpoint_is_caught(tenant: Tenant) -> None:
    positions = tenant.log(16)
    tenant.seal(every=5)
    tenant.sql("DELETE FROM {checkpoints} WHERE sequence = 2")
    _bad(tenant.check(), positions[5], "checkpoint 2 is missing (deleted)")


def test_deleting_every_checkpoint_does_not_hide_a_rewritten_chain(tenant: Tenant) -> None:
    # The attacker edits an event, recomputes every hash and deletes every checkpoint.
    positions = tenant.log(8)
    tenant.seal(every=5)
    tenant.edit_event(positions[2])
    _rewrite_hash_table(tenant)
    tenant.sql("DELETE FROM {checkpoints}")
    _bad(tenant.check(), positions[0], f"events are sealed up to position {positions[-1]} but "
                                       "no checkpoint signs them (checkpoints deleted)")


def test_the_first_sealing_signs_a_checkpoint_at_once(tenant: Tenant) -> None:
    # Fewer events than a checkpoint's worth: they are signed anyway, with the first hashes.
    positions = tenant.log(3)
    tenant.seal(every=1000)
    assert tenant.sql("SELECT sequence, position FROM {checkpoints}") == [(1, positions[-1])]


def test_deleted_hashes_under_a_checkpoint_are_caught_and_stop_the_sealer(
    tenant: Tenant,
) -> None:
    positions = tenant.log(10)
    tenant.seal(every=5)
    tenant.sql("DELETE FROM {hashes} WHERE position > %s", (positions[7],))
    _bad(tenant.check(), positions[8], "has no recorded hash (inserted, or its hash deleted)")
    with pytest.raises(ChainBrokenError):
        tenant.seal(every=5)


def test_checkpoints_are_signed_every_n_events_and_after_t_seconds(tenant: Tenant) -> None:
    # Ten events with a checkpoint every four: positions 4 and 8 are signed at once.
    positions = tenant.log(10)
    tenant.seal(every=4, seconds=60)
    signed = tenant.sql("SELECT position FROM {checkpoints} ORDER BY sequence")
    assert [row[0] for row in signed] == [positions[3], positions[7]]

    # A minute later the two left over get a checkpoint of their own, though fewer than four.
    tenant.seal(every=4, seconds=60, now=NOON + timedelta(seconds=59))
    assert tenant.count("checkpoints") == 2
    tenant.seal(every=4, seconds=60, now=NOON + timedelta(seconds=60))
    assert tenant.sql("SELECT max(position) FROM {checkpoints}")[0][0] == positions[-1]

    # A new event waits for the next minute, sealed but not yet signed.
    newest = tenant.log(1)[0]
    tenant.seal(every=4, seconds=60, now=NOON + timedelta(seconds=90))
    assert tenant.count("checkpoints") == 3
    assert tenant.check().sealed_through == newest
    tenant.seal(every=4, seconds=60, now=NOON + timedelta(seconds=120))
    assert tenant.count("checkpoints") == 4
    check = tenant.check()
    assert check.ok, check.problem
    assert (check.checkpoints_checked, check.last_checkpoint_position) == (4, newest)
    assert check.last_checkpoint_at == NOON + timedelta(seconds=120)


def test_the_projection_worker_seals_new_events_by_itself(tenant: Tenant) -> None:
    worker = ProjectionWorker(tenant.ithaca, threads=1, poll_seconds=0.2)
    worker.start()
    try:
        positions = tenant.log(6)
        deadline = time.monotonic() + 10
        while tenant.check().sealed_through < positions[-1] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    check = tenant.check()
    assert check.ok, check.problem
    assert check.sealed_through == positions[-1]
    # The first sealing signs at once: there was no checkpoint to be younger than a minute.
    assert check.checkpoints_checked >= 1


def test_two_sealers_racing_on_bursts_log_no_error_and_the_chain_checks_clean(
    tenant: Tenant, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two processes' in-process workers on one SQLite file each hold their own leases, so both
    # seal every burst (on PostgreSQL: a sealer whose lease connection was lost). Each worker
    # here has leases of its own and an `Ithaca` of its own, as a process would.
    monkeypatch.setattr("projections.worker.leases_for", lambda *_: LocalLeases())
    other_process = bootstrap(settings)
    workers = [ProjectionWorker(ithaca, threads=1, poll_seconds=0.2)
               for ithaca in (tenant.ithaca, other_process)]
    with capture_logs() as lines:
        for worker in workers:
            worker.start()
        try:
            for _ in range(BURSTS):
                last = tenant.log(2)[-1]
                deadline = time.monotonic() + 10
                while tenant.check().sealed_through < last and time.monotonic() < deadline:
                    time.sleep(0.02)
        finally:
            for worker in workers:
                worker.stop()
            other_process.close()

    assert [line for line in lines if line["log_level"] in ("error", "critical")] == []
    check = tenant.check()
    assert check.ok, check.problem
    assert check.sealed_through == last
