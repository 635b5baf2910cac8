"""Checking a live stream's hash chain (made by `infra.eventstore.chain`).

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

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from infra.eventstore.chain import chain_tables_of, checkpoint_message, genesis_hash, next_hash
from services.schemas import FrozenCamelStruct

if TYPE_CHECKING:
    from infra.eventstore.chain_tables import Checkpoint
    from infra.eventstore.postgres import NotificationRow
    from infra.eventstore.streams import EventStream
    from infra.signing import PublicKey

__all__ = ["StreamCheck", "check_stream"]

_BATCH = 5_000
_CHECKPOINT_BATCH = 1_000


class StreamCheck(FrozenCamelStruct):
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
    tables = chain_tables_of(stream)
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
