"""The projection engine: a read model follows its stream, a batch at a time, exactly once.

A `Projection` declares its tables, the event classes it reads and `apply(events, rows)`. The
`Projector` moves one projection of one stream forward: it reads the events after the
projection's position (only its topics, up to the stream's head), decodes them, lets the
projection change rows in memory (`BatchRows`: loaded in one query per table, written back in one
statement per table), and commits the rows with the new position in one transaction. The
position moves by compare-and-set, so a batch that two workers both computed is stored once.

A projection that raises on an event stops there, for that stream only: the events before it are
committed one by one, and the error is recorded with the failing position in
`projection_state` (shown by `ithaca projections status`). The worker retries later with backoff,
so a passing database error heals by itself and a bug stays visible until it is fixed.
"""

from __future__ import annotations

import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, NamedTuple

from eventsourcing.utils import get_topic

from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.streams import EventStream
from infra.logging import get_logger
from projections.store import (
    ProjectionState,
    ReadModelStore,
    ReadModelTransaction,
    read_model_store,
)
from projections.tables import Row, Table

__all__ = [
    "BatchRows",
    "CatchUp",
    "ProjectedEvent",
    "Projection",
    "ProjectionFailedError",
    "Projector",
]

_log = get_logger("ithaca.projections")

DEFAULT_BATCH = 2000


class ProjectedEvent(NamedTuple):
    position: int
    """The event's notification id in its stream."""
    event: Any
    """The decoded domain event (personal fields are None unless the projection reads them)."""


class Projection(ABC):
    """A read model. Subclasses pin `name` (its state row), `version` (bump it when tables or
    meaning change: the worker then rebuilds it), `tables` and `event_classes`."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[Table, ...]]
    event_classes: ClassVar[tuple[type, ...]]
    reads_personal_data: ClassVar[bool | frozenset[str]] = False
    """Which personal fields `apply` needs opened: none, all (True), or those named (each costs
    a decryption); the others decode as None."""

    @classmethod
    def topics(cls) -> list[str]:
        return sorted({get_topic(event_class) for event_class in cls.event_classes})

    @abstractmethod
    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        """Changes `rows` for `events` (in stream order)."""


class BatchRows:
    """The rows one batch reads and changes, held in memory until the batch commits.

    `load` fetches many keys in one query (call it first with every key the batch touches);
    `get` fetches one missing key by itself. `put` replaces a whole row, `delete` removes one.
    """

    def __init__(self, transaction: ReadModelTransaction, suffix: str = "") -> None:
        self._transaction = transaction
        self._suffix = suffix
        self._known: dict[str, dict[tuple[Any, ...], Row | None]] = {}
        self._dirty: dict[str, tuple[Table, set[tuple[Any, ...]]]] = {}

    def _table_rows(self, table: Table) -> dict[tuple[Any, ...], Row | None]:
        known = self._known.get(table.name)
        if known is None:
            known = self._known[table.name] = {}
        return known

    def load(self, table: Table, keys: Iterable[tuple[Any, ...]]) -> None:
        known = self._table_rows(table)
        missing = list({key for key in keys if key not in known})
        if not missing:
            return
        for key in missing:
            known[key] = None
        for row in self._transaction.load(table, missing, self._suffix):
            known[table.key_of(row)] = row

    def get(self, table: Table, *key: Any) -> Row | None:
        known = self._table_rows(table)
        if key not in known:
            self.load(table, [key])
        return known[key]

    def put(self, table: Table, row: Row) -> None:
        key = table.key_of(row)
        self._table_rows(table)[key] = row
        self._mark(table, key)

    def delete(self, table: Table, *key: Any) -> None:
        self._table_rows(table)[key] = None
        self._mark(table, key)

    def _mark(self, table: Table, key: tuple[Any, ...]) -> None:
        entry = self._dirty.get(table.name)
        if entry is None:
            entry = self._dirty[table.name] = (table, set())
        entry[1].add(key)

    def flush(self) -> int:
        """Writes every changed row; returns how many rows were written or deleted."""
        written = 0
        for table, keys in self._dirty.values():
            known = self._known[table.name]
            rows = [row for key in keys if (row := known[key]) is not None]
            deleted = [key for key in keys if known[key] is None]
            self._transaction.write(table, rows, deleted, self._suffix)
            written += len(keys)
        self._dirty.clear()
        return written


class ProjectionFailedError(Exception):
    """A projection raised on an event; recorded in its state, with the position."""

    def __init__(self, projection: str, position: int, error: str) -> None:
        super().__init__(f"{projection} failed at position {position}: {error}")
        self.projection, self.position, self.error = projection, position, error


@dataclass(frozen=True)
class CatchUp:
    """What one `Projector.catch_up` did."""

    events: int
    batches: int
    position: int
    head: int


class _SupersededError(Exception):
    """Another worker moved the position first; this batch is abandoned."""


class Projector:
    """Moves one projection of one stream towards the stream's head.

    `state_name` and `suffix` let the rebuild run the same code into shadow tables under a
    shadow state row; `store` lets a point-in-time replay run it into a place of its own (the
    stream's own read models by default).
    """

    def __init__(
        self,
        stream: EventStream,
        projection: Projection,
        *,
        batch_size: int = DEFAULT_BATCH,
        state_name: str | None = None,
        suffix: str = "",
        store: ReadModelStore | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.stream = stream
        self.projection = projection
        self.store = store or read_model_store(stream)
        self.batch_size = batch_size
        self.state_name = state_name or projection.name
        self.suffix = suffix
        self.clock = clock
        self._mapper = MsgspecMapper(stream.personal_keys,
                                     open_personal=projection.reads_personal_data)
        self._topics = projection.topics()
        self.superseded = 0
        """Batches abandoned because another worker had moved the position first."""

    def prepare(self) -> ProjectionState:
        """Creates the tables and the state row if missing; returns the state."""
        self.store.create_tables(self.projection.tables, self.suffix)
        return self.store.start(self.state_name, self.projection.version)

    def catch_up(
        self, *, until: int | None = None, on_batch: Callable[[CatchUp], None] | None = None,
    ) -> CatchUp:
        """Applies batches until the head (as read at each batch, or `until`); raises
        `ProjectionFailedError` after recording an event that fails."""
        state = self.store.state(self.state_name) or self.prepare()
        position, events_done, batches = state.position, 0, 0
        head = position
        while True:
            head = self.store.head(self.stream) if until is None else until
            if position >= head:
                break
            stored = self.stream.notification_rows(position, head, self.batch_size, self._topics)
            reached = stored[-1][0] if len(stored) == self.batch_size else head
            decode = self._mapper.decode
            events = [ProjectedEvent(row[0], decode(row[1], row[2], row[3], row[4]))
                      for row in stored]
            try:
                self._apply(position, reached, events)
            except _SupersededError:
                self.superseded += 1
                current = self.store.state(self.state_name)
                position = current.position if current else 0
                continue
            except Exception:  # any failure of a projection is recorded
                position = self._isolate_failure(position, events)
                continue
            position = reached
            events_done += len(events)
            batches += 1
            if on_batch is not None:
                on_batch(CatchUp(events_done, batches, position, head))
        return CatchUp(events_done, batches, position, head)

    def _apply(
        self, from_position: int, to_position: int, events: Sequence[ProjectedEvent]
    ) -> None:
        with self.store.transaction() as transaction:
            if not transaction.advance(self.state_name, from_position, to_position, self.clock()):
                raise _SupersededError
            rows = BatchRows(transaction, self.suffix)
            self.projection.apply(events, rows)
            rows.flush()

    def _isolate_failure(self, position: int, events: Sequence[ProjectedEvent]) -> int:
        """Commits the events before the one that fails, records that one, and raises. If every
        event passes alone (a database error that went away), returns the position reached."""
        for index, event in enumerate(events):
            try:
                self._apply(position, event.position, events[index:index + 1])
            except _SupersededError:
                raise
            except Exception as failure:
                described = "".join(traceback.format_exception_only(failure)).strip()
                self.store.record_error(self.state_name, event.position, described, self.clock())
                _log.error("projection_failed", stream=self.stream.name,
                           projection=self.state_name, position=event.position, error=described)
                raise ProjectionFailedError(self.state_name, event.position, described) from failure
            position = event.position
        return position


def wait_for_position(
    read_position: Callable[[], int], position: int, timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Polls `read_position` until it reaches `position` or `timeout` seconds pass; returns the
    last position read. Polling starts at 5 ms and backs off to 50 ms."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        current = read_position()
        if current >= position or time.monotonic() >= deadline:
            return current
        sleep(min(delay, max(deadline - time.monotonic(), 0)))
        delay = min(delay * 2, 0.05)

