"""Tamper evidence for a live stream: a hash chain over the stored events, and signed checkpoints
of its head.

The **sealer** (`seal_stream`, run by the projection worker) chains events after they were
committed, so appends stay exactly as fast as before. For each event in position order

    hash = SHA-256(previous hash || canonical bytes of the stored record)

where the record is (position, originator id, version, topic, state) exactly as stored: the state
is hashed as the raw bytes in the events table, never decoded. Fixed-width fields are packed
big-endian and the variable ones (topic, state) are length-prefixed, so no two records share
bytes. The first event chains on SHA-256(b"ithaca chain v1\\n" + stream name). Hashes are kept
in `event_hashes (position, hash)` beside the stream.

Anyone who can write the tables could recompute that table after changing an event, so every
`checkpoint_every` sealed events, or when the last checkpoint is older than `checkpoint_seconds`
and events were sealed since, the sealer writes a **checkpoint**: the head's position and hash,
signed with the tenant's Ed25519 key (derived from a secret the database never holds), chained to
the previous checkpoint by a digest of its signature. See `checkpoint_message`.

`infra.eventstore.chain_check` checks a stream against its chain; `chain_tables` is where the
chain is kept, `chain_postgres` and `chain_sqlite` keep it on each backend.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteApplicationRecorder

from infra.eventstore.chain_postgres import PostgresChainTables
from infra.eventstore.chain_sqlite import SQLiteChainTables
from infra.eventstore.chain_tables import ChainTables, Checkpoint, from_micros, micros
from infra.eventstore.postgres import PostgresApplicationRecorder
from infra.logging import get_logger

if TYPE_CHECKING:
    from infra.eventstore.postgres import NotificationRow
    from infra.eventstore.streams import EventStream
    from infra.signing import SigningKey

__all__ = [
    "ChainBrokenError",
    "chain_tables_of",
    "checkpoint_message",
    "genesis_hash",
    "next_hash",
    "seal_stream",
]

_CHAIN_LABEL = b"ithaca chain v1\n"
_CHECKPOINT_LABEL = b"ithaca chain checkpoint v1\n"
_NO_PREVIOUS_CHECKPOINT = bytes(32)
_RECORD_HEADER = struct.Struct(">q16sqI")  # position, originator id, version, topic length
_STATE_LENGTH = struct.Struct(">Q")
_BATCH = 5_000
_log = get_logger("ithaca.chain")


class ChainBrokenError(RuntimeError):
    """The recorded chain is inconsistent; the sealer refuses to extend it (an operator's
    matter, logged by the worker: `ithaca audit verify` names the position)."""


# The chain ---------------------------------------------------------------------------------------


def genesis_hash(stream_name: str) -> bytes:
    """What the first event of a stream chains on."""
    return hashlib.sha256(_CHAIN_LABEL + stream_name.encode()).digest()


def next_hash(previous: bytes, row: NotificationRow) -> bytes:
    """The chain's hash after the stored record `row` (position, originator id, version, topic,
    state). The originator id is hashed as its 16 bytes, whichever way the backend stores it, so
    a stream moved between backends keeps its chain."""
    position, originator_id, version, topic, state = row
    topic_bytes = topic.encode()
    digest = hashlib.sha256(previous)
    digest.update(_RECORD_HEADER.pack(position, originator_id.bytes, version, len(topic_bytes)))
    digest.update(topic_bytes)
    digest.update(_STATE_LENGTH.pack(len(state)))
    digest.update(state)
    return digest.digest()


def checkpoint_message(
    stream_name: str, *, sequence: int, position: int, head_hash: bytes,
    previous_signature: bytes | None, signed_at: datetime, key_id: str,
) -> bytes:
    """The bytes a checkpoint's Ed25519 signature covers: a label, the stream's name, the
    sequence, the position, the head hash, SHA-256 of the previous checkpoint's signature (32 zero
    bytes for the first), the signing time (microseconds since the epoch, UTC) and the key id.
    Variable-length fields are length-prefixed."""
    name, key = stream_name.encode(), key_id.encode()
    previous = (_NO_PREVIOUS_CHECKPOINT if previous_signature is None
                else hashlib.sha256(previous_signature).digest())
    return b"".join((
        _CHECKPOINT_LABEL,
        struct.pack(">I", len(name)), name,
        struct.pack(">qq", sequence, position),
        head_hash, previous,
        struct.pack(">q", micros(signed_at)),
        struct.pack(">I", len(key)), key,
    ))


def _sign_checkpoint(
    stream_name: str, key: SigningKey, previous: Checkpoint | None, position: int,
    head_hash: bytes, signed_at: datetime,
) -> Checkpoint:
    sequence = previous.sequence + 1 if previous else 1
    key_id = key.public.key_id
    message = checkpoint_message(
        stream_name, sequence=sequence, position=position, head_hash=head_hash,
        previous_signature=previous.signature if previous else None, signed_at=signed_at,
        key_id=key_id,
    )
    return Checkpoint(sequence=sequence, position=position, head_hash=head_hash,
                      signed_at=signed_at, key_id=key_id, signature=key.sign(message))


# Sealing -----------------------------------------------------------------------------------------


def seal_stream(
    stream: EventStream, key: SigningKey, *, checkpoint_every: int, checkpoint_seconds: float,
    now: datetime | None = None, head: int | None = None,
) -> int:
    """Chains the events appended since the last run and writes the checkpoints due; returns the
    number of positions sealed. One transaction per batch (hashes and checkpoints together), so
    a crash loses nothing but the batch in hand.

    Run it under the stream's sealer lease. Two sealers may still meet (each process of the
    embedded default has leases of its own; a lease's connection can be lost): they collide on
    the tables' keys, and the one that lost reads the chain again and goes on from where the
    other got to. That is expected, not an error.

    `now` is the checkpoints' signing time (default: the clock); `head`, when the caller has just
    read it, saves a query."""
    if checkpoint_every < 1:
        msg = "checkpoint_every must be at least 1"
        raise ValueError(msg)
    signed_at = from_micros(micros(now or datetime.now(UTC)))  # what storage keeps exactly
    tables = chain_tables_of(stream)
    if head is None:
        head = stream.events.max_notification_id() or 0
    sealed = 0
    overtaken_at: tuple[int, int] | None = None
    while True:
        try:
            return sealed + _seal_up_to(head, stream, tables, key, checkpoint_every,
                                        checkpoint_seconds, signed_at)
        except _OvertakenError as overtaken:
            sealed += overtaken.sealed
            if overtaken.started_at == overtaken_at:
                # Nothing moved since the last collision: not another sealer, a fault.
                raise overtaken.error from None
            overtaken_at = overtaken.started_at
            _log.debug("chain_sealed_by_another", stream=stream.name,
                       sealed_through=overtaken.started_at[0])


class _OvertakenError(Exception):
    """Another sealer recorded first; `started_at` is (sealed head, last checkpoint's
    sequence) as this one had read them."""

    def __init__(self, error: IntegrityError, sealed: int, started_at: tuple[int, int]) -> None:
        super().__init__(str(error))
        self.error, self.sealed, self.started_at = error, sealed, started_at


def _seal_up_to(
    head: int, stream: EventStream, tables: ChainTables, key: SigningKey,
    checkpoint_every: int, checkpoint_seconds: float, signed_at: datetime,
) -> int:
    sealed_through, previous_hash, checkpoint = tables.sealed_head()
    if checkpoint is not None and checkpoint.position > sealed_through:
        msg = (f"{stream.name}: checkpoint {checkpoint.sequence} signed position "
               f"{checkpoint.position}, beyond the last recorded hash ({sealed_through}); the "
               "chain table has lost rows, so sealing stops until the stream is checked")
        raise ChainBrokenError(msg)
    started_at = (sealed_through, checkpoint.sequence if checkpoint else 0)
    running = previous_hash or genesis_hash(stream.name)
    last_checkpointed = checkpoint.position if checkpoint else 0
    unsigned = (tables.count_sealed_after(last_checkpointed)
                if sealed_through > last_checkpointed else 0)
    sealed = 0

    def time_is_up() -> bool:
        return checkpoint is None or \
            (signed_at - checkpoint.signed_at).total_seconds() >= checkpoint_seconds

    def record(hashes: Sequence[tuple[int, bytes]], checkpoints: Sequence[Checkpoint]) -> None:
        try:
            tables.record(hashes, checkpoints)
        except IntegrityError as error:  # a key another sealer has just recorded
            raise _OvertakenError(error, sealed, started_at) from error

    position = sealed_through
    while position < head:
        rows = stream.notification_rows(position, head, _BATCH)
        if not rows:
            break
        hashes: list[tuple[int, bytes]] = []
        checkpoints: list[Checkpoint] = []
        for row in rows:
            running = next_hash(running, row)
            hashes.append((row[0], running))
            unsigned += 1
            if unsigned >= checkpoint_every:
                checkpoint = _sign_checkpoint(stream.name, key, checkpoint, row[0], running,
                                              signed_at)
                checkpoints.append(checkpoint)
                unsigned = 0
        position = rows[-1][0]
        # Checked per batch, so the very first batch of a stream carries a checkpoint: sealed
        # events with no checkpoint at all are then a sign of deletion (see `check_stream`).
        if unsigned and time_is_up():
            checkpoint = _sign_checkpoint(stream.name, key, checkpoint, position, running,
                                          signed_at)
            checkpoints.append(checkpoint)
            unsigned = 0
        record(hashes, checkpoints)
        sealed += len(rows)
    if unsigned and time_is_up():  # events sealed by earlier runs, waiting for their minute
        record([], [_sign_checkpoint(stream.name, key, checkpoint, position, running,
                                     signed_at)])
    return sealed


def chain_tables_of(stream: EventStream) -> ChainTables:
    """The chain's tables beside `stream`, on its backend."""
    events = stream.events
    if isinstance(events, SQLiteApplicationRecorder):
        return SQLiteChainTables(events.datastore)
    if isinstance(events, PostgresApplicationRecorder):
        return PostgresChainTables(events.server, events.schema)
    msg = f"stream {stream.name!r} is on a storage without a chain"
    raise TypeError(msg)
