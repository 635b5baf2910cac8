"""Where a stream's hash chain is kept: the tables `event_hashes` and `chain_checkpoints` beside
its events (defined in `infra.eventstore.tables`), read and written through `ChainTables`, one
implementation per backend (`chain_postgres`, `chain_sqlite`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from infra.eventstore.postgres import NotificationRow
    from infra.eventstore.streams import EventStream

__all__ = ["CHECKPOINT_COLUMNS", "ChainTables", "Checkpoint", "from_micros", "micros"]

CHECKPOINT_COLUMNS = "sequence, position, head_hash, signed_at, key_id, signature"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    """A signed statement: the stream's chain had `head_hash` at `position`."""

    sequence: int
    position: int
    head_hash: bytes
    signed_at: datetime
    key_id: str
    signature: bytes


def micros(moment: datetime) -> int:
    """Microseconds since the epoch (UTC): how a checkpoint's time is signed and kept on SQLite,
    so it round-trips exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_micros(count: int) -> datetime:
    return _EPOCH + timedelta(microseconds=count)


class ChainTables(ABC):
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
