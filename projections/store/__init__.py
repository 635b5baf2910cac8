"""Where a stream's read models live, and the one place that knows both SQL dialects.

`read_model_store(stream)` gives the store of one tenant: its schema on PostgreSQL, its file on
SQLite. The store keeps, per projection, one row of `projection_state` (position, version,
generation, last error) and the projection's tables. A batch is written through a
`ReadModelTransaction`: the rows it changed, the rows it deleted and the new position, in one
transaction, with the position moved by compare-and-set so that a batch is applied at most once
however many workers race (the lease makes racing rare; this makes it harmless).

Read APIs query with `select`, writing `{table}` for a table's name (qualified by the store) and
`%s` for parameters (the SQLite store turns them into `?`).

    base      the interface, and where a projection stands (`ProjectionState`)
    postgres  `PostgresReadModelStore`: a schema per stream
    sqlite    `SQLiteReadModelStore`: a file per stream
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.sqlite import SQLiteProcessRecorder

from infra.eventstore.postgres import PostgresProcessRecorder
from projections.store.base import ProjectionState, ReadModelStore, ReadModelTransaction
from projections.store.postgres import PostgresReadModelStore
from projections.store.sqlite import SQLiteReadModelStore

if TYPE_CHECKING:
    from infra.eventstore.streams import EventStream

__all__ = [
    "PostgresReadModelStore",
    "ProjectionState",
    "ReadModelStore",
    "ReadModelTransaction",
    "SQLiteReadModelStore",
    "read_model_store",
]


def read_model_store(stream: EventStream) -> ReadModelStore:
    """The store of the stream's read models (a light object over the stream's connections)."""
    recorder = stream.events
    if isinstance(recorder, PostgresProcessRecorder):
        return PostgresReadModelStore(recorder.server, recorder.schema)
    if isinstance(recorder, SQLiteProcessRecorder):
        return SQLiteReadModelStore(recorder.datastore, stream.name)
    msg = f"no read-model store for {type(recorder).__name__}"
    raise TypeError(msg)
