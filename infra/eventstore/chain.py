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

`check_stream` walks the stream, the hashes and the checkpoints in position order, a batch at a
time, and names the first position that can no longer be vouched for:

* *changed or reordered*: the recomputed chain differs from the recorded hash there;
* *deleted*: a hash is recorded for a position whose event is gone (positions may have gaps on
  PostgreSQL, where a rolled-back append consumes a sequence value, so a gap alone is no sign);
* *inserted*: an event at or below the sealed head (the last hash, or the last checkpoint if
  hashes were deleted) has no recorded hash;
* *rewritten*: the hash table agrees with the events but a checkpoint does not (the hash table was
  recomputed after a change), or a checkpoint is missing, or its signature does not verify.

Events after the sealed head are recomputed but vouched for by nothing yet (`sealed_through`).
"""

from __future__ import annotations

import hashlib
import struct
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg import sql

from infra.logging import get_logger

if TYPE_CHECKING:
    from infra.audit.keys import PublicKey, SigningKey
    from infra.eventstore.postgres import NotificationRow, PostgresServer
    from infra.eventstore.streams import EventStream

__all__ = [
    "ChainBrokenError",
    "Checkpoint",
    "StreamCheck",
    "check_stream",
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
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BATCH = 5_000
_log = get_logger("ithaca.chain")
_CHECKPOINT_BATCH = 1_000


class ChainBrokenError(RuntimeError):
    """The recorded chain is inconsistent; the sealer refuses to extend it (an operator's
    matter, logged by the worker: `ithaca audit verify` names the position)."""


class StreamCheck(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What `check_stream` found (also the body of `GET /api/v1/audit/verification`)."""

    ok: bool
    events_checked: int
    """Events recomputed (every event up to `head`)."""
    head: int
    """The last position in the stream."""
    sealed_through: int
    """The last position that has a recorded hash (0 if none); later events are not sealed yet."""
    checkpoints_checked: int
    last_checkpoint_position: int | None
    last_checkpoint_at: datetime | None
    first_bad_position: int | None
    problem: str
    """"" when ok; else one English sentence naming the position and what is wrong."""


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    """A signed statement: the stream's chain had `head_hash` at `position`."""

    sequence: int
    position: int
    head_hash: bytes
    signed_at: datetime
    key_id: str
    signature: bytes


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


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


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
        struct.pack(">q", _micros(signed_at)),
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
    signed_at = _from_micros(_micros(now or datetime.now(UTC)))  # what storage keeps exactly
    tables = _tables_of(stream)
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
    head: int, stream: EventStream, tables: _ChainTables, key: SigningKey,
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


# Checking ----------------------------------------------------------------------------------------


class _Problem(Exception):  # noqa: N818 - an internal signal, never raised out of this module
    def __init__(self, position: int, sentence: str) -> None:
        super().__init__(sentence)
        self.position = position
        self.sentence = sentence


class _Walk:
    """One pass over a stream's events, hashes and checkpoints in position order."""

    def __init__(self, stream: EventStream, key: PublicKey, sealed_through: int) -> None:
        self.stream = stream
        self.key = key
        self.sealed_through = sealed_through
        """Every event up to here must have a recorded hash (the last hash, or the last
        checkpoint's position if hashes after it were deleted)."""
        self.running = genesis_hash(stream.name)
        self.last_event = 0
        self.events_checked = 0
        self.checkpoints_checked = 0
        self.previous: Checkpoint | None = None
        self.first_since_checkpoint: int | None = None
        self.first_event: int | None = None

    def event(self, row: NotificationRow, recorded: bytes | None) -> None:
        position = row[0]
        self.running = next_hash(self.running, row)
        self.last_event = position
        self.events_checked += 1
        if self.first_since_checkpoint is None:
            self.first_since_checkpoint = position
        if self.first_event is None:
            self.first_event = position
        if recorded is None:
            if position <= self.sealed_through:
                raise _Problem(position, f"position {position}: an event is stored here that "
                                         "has no recorded hash (inserted, or its hash deleted)")
        elif recorded != self.running:
            raise _Problem(position, f"position {position}: the stored event differs from the "
                                     "one sealed (changed or reordered)")

    def missing_event(self, position: int) -> None:
        raise _Problem(position, f"position {position}: the sealed event is missing (deleted)")

    def checkpoint(self, checkpoint: Checkpoint) -> None:
        """Called once every event at or before the checkpoint's position has been walked."""
        expected = self.previous.sequence + 1 if self.previous else 1
        since = self.first_since_checkpoint or checkpoint.position
        name = f"checkpoint {checkpoint.sequence} (position {checkpoint.position})"
        if checkpoint.sequence != expected:
            raise _Problem(since, f"position {since}: checkpoint {expected} is missing "
                                  "(deleted)")
        if checkpoint.key_id != self.key.key_id:
            raise _Problem(since, f"position {since}: {name} names key {checkpoint.key_id}, "
                                  f"not the tenant's key {self.key.key_id}")
        message = checkpoint_message(
            self.stream.name, sequence=checkpoint.sequence, position=checkpoint.position,
            head_hash=checkpoint.head_hash,
            previous_signature=self.previous.signature if self.previous else None,
            signed_at=checkpoint.signed_at, key_id=checkpoint.key_id,
        )
        if not self.key.verifies(checkpoint.signature, message):
            raise _Problem(since, f"position {since}: the signature of {name} does not verify "
                                  "(forged or edited)")
        if self.last_event != checkpoint.position:
            raise _Problem(checkpoint.position, f"position {checkpoint.position}: the event "
                                                f"signed by {name} is missing (deleted)")
        if self.running != checkpoint.head_hash:
            raise _Problem(since, f"position {since}: the events from here to position "
                                  f"{checkpoint.position} differ from those signed by {name} "
                                  "(changed, and the chain table rewritten to match)")
        self.checkpoints_checked += 1
        self.previous = checkpoint
        self.first_since_checkpoint = None

    def finish(self) -> None:
        """The sealer signs a checkpoint in the same transaction as a stream's first hashes, so
        sealed events that no checkpoint signs mean checkpoints were deleted."""
        if self.sealed_through and not self.checkpoints_checked:
            raise _Problem(self.first_event or 1, f"position {self.first_event or 1}: events "
                                                  f"are sealed up to position "
                                                  f"{self.sealed_through} but no checkpoint "
                                                  "signs them (checkpoints deleted)")


def check_stream(stream: EventStream, key: PublicKey) -> StreamCheck:
    """Recomputes the stream's chain and compares it with the recorded hashes and the signed
    checkpoints; names the first position that can no longer be vouched for. Reads a batch at a
    time (a million events are never in memory at once) and writes nothing."""
    tables = _tables_of(stream)
    # The limits are read newest-written first (a checkpoint is written with or after its
    # hashes, a hash after its event), so a sealer running meanwhile can only add hashes and
    # events beyond them, never make a sealed position look deleted or a checkpoint unreached.
    last_checkpoint = tables.last_checkpoint()
    sealed_through = tables.sealed_head()[0]
    head = stream.events.max_notification_id() or 0
    walk = _Walk(stream, key, max(sealed_through,
                                  last_checkpoint.position if last_checkpoint else 0))
    events = _paged(lambda after: tables.stored_events(stream, after, head, _BATCH),
                    lambda row: row[0])
    hashes = _paged(lambda after: tables.hashes(after, sealed_through, _BATCH),
                    lambda row: row[0])
    last_sequence = last_checkpoint.sequence if last_checkpoint else 0
    checkpoints = _paged(lambda after: tables.checkpoints(after, last_sequence,
                                                          _CHECKPOINT_BATCH),
                         lambda checkpoint: checkpoint.sequence)
    problem: _Problem | None = None
    try:
        event, recorded, checkpoint = next(events, None), next(hashes, None), next(checkpoints,
                                                                                   None)
        while event is not None or recorded is not None:
            position = min(item[0] for item in (event, recorded) if item is not None)
            while checkpoint is not None and checkpoint.position < position:
                walk.checkpoint(checkpoint)
                checkpoint = next(checkpoints, None)
            if event is not None and event[0] == position:
                walk.event(event, recorded[1] if recorded and recorded[0] == position else None)
                event = next(events, None)
            else:
                walk.missing_event(position)
            if recorded is not None and recorded[0] == position:
                recorded = next(hashes, None)
        while checkpoint is not None:
            walk.checkpoint(checkpoint)
            checkpoint = next(checkpoints, None)
        walk.finish()
    except _Problem as found:
        problem = found
    return StreamCheck(
        ok=problem is None,
        events_checked=walk.events_checked,
        head=head,
        sealed_through=sealed_through,
        checkpoints_checked=walk.checkpoints_checked,
        last_checkpoint_position=last_checkpoint.position if last_checkpoint else None,
        last_checkpoint_at=last_checkpoint.signed_at if last_checkpoint else None,
        first_bad_position=problem.position if problem else None,
        problem=problem.sentence if problem else "",
    )


T = TypeVar("T")


def _paged(fetch: Callable[[int], Sequence[T]], key: Callable[[T], int]) -> Iterator[T]:
    after = 0
    while True:
        page = fetch(after)
        if not page:
            return
        yield from page
        after = key(page[-1])


# Storage -----------------------------------------------------------------------------------------


class _ChainTables(ABC):
    """The chain's two tables beside one stream."""

    @abstractmethod
    def sealed_head(self) -> tuple[int, bytes | None, Checkpoint | None]:
        """(last sealed position or 0, its hash, the last checkpoint) in one round trip."""

    @abstractmethod
    def last_checkpoint(self) -> Checkpoint | None: ...

    @abstractmethod
    def count_sealed_after(self, position: int) -> int: ...

    @abstractmethod
    def hashes(self, after: int, stop: int, limit: int) -> Sequence[tuple[int, bytes]]: ...

    @abstractmethod
    def checkpoints(self, after: int, stop: int, limit: int) -> Sequence[Checkpoint]:
        """Checkpoints with `after < sequence <= stop`, in sequence order."""

    @abstractmethod
    def record(self, hashes: Sequence[tuple[int, bytes]],
               checkpoints: Sequence[Checkpoint]) -> None:
        """Stores hashes and checkpoints in one transaction."""

    def stored_events(self, stream: EventStream, after: int, stop: int,
                      limit: int) -> Sequence[NotificationRow]:
        """The stored records as they are, for checking: PostgreSQL's column types hold, so the
        recorder's own reading does."""
        return stream.notification_rows(after, stop, limit)


_CHECKPOINT_COLUMNS = "sequence, position, head_hash, signed_at, key_id, signature"


class _PostgresChainTables(_ChainTables):
    def __init__(self, server: PostgresServer, schema: str) -> None:
        self.server = server
        self.schema = schema

    def _sql(self, statement: str) -> sql.Composed:
        return sql.SQL(statement).format(schema=sql.Identifier(self.schema))

    @staticmethod
    def _checkpoint(row: Sequence[Any]) -> Checkpoint:
        return Checkpoint(sequence=row[0], position=row[1], head_hash=bytes(row[2]),
                          signed_at=row[3].astimezone(UTC), key_id=row[4],
                          signature=bytes(row[5]))

    def sealed_head(self) -> tuple[int, bytes | None, Checkpoint | None]:
        with self.server.connection() as conn:
            row = conn.execute(self._sql(
                "SELECT h.position, h.hash, c.* FROM (SELECT 1) AS one"
                " LEFT JOIN (SELECT position, hash FROM {schema}.event_hashes"
                "  ORDER BY position DESC LIMIT 1) AS h ON true"
                " LEFT JOIN (SELECT " + _CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
                "  ORDER BY sequence DESC LIMIT 1) AS c ON true"
            )).fetchone()
        assert row is not None
        checkpoint = self._checkpoint(row[2:]) if row[2] is not None else None
        return (row[0] or 0, bytes(row[1]) if row[1] is not None else None, checkpoint)

    def last_checkpoint(self) -> Checkpoint | None:
        with self.server.connection() as conn:
            row = conn.execute(self._sql(
                "SELECT " + _CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
                " ORDER BY sequence DESC LIMIT 1"
            )).fetchone()
        return self._checkpoint(row) if row else None

    def count_sealed_after(self, position: int) -> int:
        with self.server.connection() as conn:
            row = conn.execute(self._sql(
                "SELECT count(*) FROM {schema}.event_hashes WHERE position > %s"
            ), (position,)).fetchone()
        return int(row[0]) if row else 0

    def hashes(self, after: int, stop: int, limit: int) -> Sequence[tuple[int, bytes]]:
        with self.server.connection() as conn:
            return conn.cursor(binary=True).execute(self._sql(
                "SELECT position, hash FROM {schema}.event_hashes"
                " WHERE position > %s AND position <= %s ORDER BY position LIMIT %s"
            ), (after, stop, limit)).fetchall()

    def checkpoints(self, after: int, stop: int, limit: int) -> Sequence[Checkpoint]:
        with self.server.connection() as conn:
            rows = conn.execute(self._sql(
                "SELECT " + _CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
                " WHERE sequence > %s AND sequence <= %s ORDER BY sequence LIMIT %s"
            ), (after, stop, limit)).fetchall()
        return [self._checkpoint(row) for row in rows]

    def record(self, hashes: Sequence[tuple[int, bytes]],
               checkpoints: Sequence[Checkpoint]) -> None:
        with self.server.connection() as conn, conn.transaction():
            if hashes:
                conn.execute(self._sql(
                    "INSERT INTO {schema}.event_hashes (position, hash)"
                    " SELECT * FROM unnest(%s::bigint[], %b::bytea[])"
                ), ([position for position, _ in hashes], [digest for _, digest in hashes]))
            for checkpoint in checkpoints:
                conn.execute(self._sql(
                    "INSERT INTO {schema}.chain_checkpoints (" + _CHECKPOINT_COLUMNS + ")"
                    " VALUES (%s, %s, %b, %s, %s, %b)"
                ), (checkpoint.sequence, checkpoint.position, checkpoint.head_hash,
                    checkpoint.signed_at, checkpoint.key_id, checkpoint.signature))


class _SQLiteChainTables(_ChainTables):
    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    @staticmethod
    def _checkpoint(row: Sequence[Any]) -> Checkpoint:
        return Checkpoint(sequence=row[0], position=row[1], head_hash=bytes(row[2]),
                          signed_at=_from_micros(row[3]), key_id=row[4],
                          signature=bytes(row[5]))

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, params)
            return list(cursor.fetchall())

    def sealed_head(self) -> tuple[int, bytes | None, Checkpoint | None]:
        rows = self._query("SELECT position, hash FROM event_hashes"
                           " ORDER BY position DESC LIMIT 1")
        last = rows[0] if rows else None
        return (last[0] if last else 0, bytes(last[1]) if last else None,
                self.last_checkpoint())

    def last_checkpoint(self) -> Checkpoint | None:
        rows = self._query("SELECT " + _CHECKPOINT_COLUMNS + " FROM chain_checkpoints"
                           " ORDER BY sequence DESC LIMIT 1")
        return self._checkpoint(rows[0]) if rows else None

    def count_sealed_after(self, position: int) -> int:
        rows = self._query("SELECT count(*) FROM event_hashes WHERE position > ?", (position,))
        return int(rows[0][0])

    def hashes(self, after: int, stop: int, limit: int) -> Sequence[tuple[int, bytes]]:
        rows = self._query("SELECT position, hash FROM event_hashes"
                           " WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
                           (after, stop, limit))
        return [(row[0], bytes(row[1])) for row in rows]

    def checkpoints(self, after: int, stop: int, limit: int) -> Sequence[Checkpoint]:
        rows = self._query("SELECT " + _CHECKPOINT_COLUMNS + " FROM chain_checkpoints"
                           " WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?",
                           (after, stop, limit))
        return [self._checkpoint(row) for row in rows]

    def record(self, hashes: Sequence[tuple[int, bytes]],
               checkpoints: Sequence[Checkpoint]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.executemany("INSERT INTO event_hashes (position, hash) VALUES (?, ?)", hashes)
            cursor.executemany(
                "INSERT INTO chain_checkpoints (" + _CHECKPOINT_COLUMNS + ")"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(c.sequence, c.position, c.head_hash, _micros(c.signed_at), c.key_id,
                  c.signature) for c in checkpoints],
            )


    def stored_events(self, stream: EventStream, after: int, stop: int,
                      limit: int) -> Sequence[NotificationRow]:
        # SQLite keeps whatever type a tamperer writes (text in the state column, a malformed
        # id), which the recorder's reading would fail on: read every column as bytes, so such a
        # record is reported as changed at its position instead of stopping the check.
        rows = self._query(
            "SELECT rowid, CAST(originator_id AS BLOB), CAST(originator_version AS INTEGER),"
            " CAST(topic AS BLOB), CAST(state AS BLOB) FROM events"
            " WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?", (after, stop, limit))
        return [(position, _uuid_or_nil(bytes(originator_id or b"")), version or 0,
                 bytes(topic or b"").decode(errors="surrogateescape"), bytes(state or b""))
                for position, originator_id, version, topic, state in rows]


def _uuid_or_nil(text: bytes) -> UUID:
    try:
        return UUID(text.decode())
    except ValueError:
        return UUID(int=0)


def _tables_of(stream: EventStream) -> _ChainTables:
    events = stream.events
    if isinstance(events, SQLiteApplicationRecorder):
        return _SQLiteChainTables(events.datastore)
    # Imported here: postgres.py takes this module's table definitions.
    from infra.eventstore.postgres import PostgresApplicationRecorder  # noqa: PLC0415

    if isinstance(events, PostgresApplicationRecorder):
        return _PostgresChainTables(events.server, events.schema)
    msg = f"stream {stream.name!r} is on a storage without a chain"
    raise TypeError(msg)
