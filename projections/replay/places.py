"""Where a replay lives: a place of its own, never the live read models.

| backend | a replay at position N of stream S is | built in |
|---|---|---|
| PostgreSQL | schema `replay_<N>_<S>` on the tenant's server | `replay_build_<random>`, renamed |
| SQLite | file `<data dir>/replays/<S>/at_<N>.sqlite3` | `building_<random>.sqlite3`, linked |

A replay is built under a temporary name and published by one atomic step (`ALTER SCHEMA ...
RENAME`, or a hard link that fails if the name is taken), so two concurrent builds of the same
position cannot corrupt each other: the first to publish wins and the other drops its copy. Each
place holds a `replay_info` row (stream, position, as-of time, when built), so a place is
self-describing and a temporary one left by a crash is found by its stream. Schema names longer
than PostgreSQL's 63 bytes use a digest of the stream name instead of the name.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import msgspec
from eventsourcing.sqlite import SQLiteDatastore
from psycopg import sql

from infra.eventstore.postgres_server import PostgresServer
from infra.eventstore.sqlite import SQLiteStorage
from infra.eventstore.streams import PostgresStorage, Storage
from projections.store import PostgresReadModelStore, ReadModelStore, SQLiteReadModelStore
from projections.tables import Column, ColumnType, Table

__all__ = ["REPLAY_INFO", "Build", "PlacedReplay", "ReplayInfo", "ReplayPlaces", "places_for"]

REPLAY_INFO = Table(
    "replay_info",
    (
        Column("stream", ColumnType.TEXT), Column("position", ColumnType.INT),
        Column("as_of", ColumnType.TIMESTAMP, nullable=True),
        Column("built_at", ColumnType.TIMESTAMP, nullable=True),
        Column("events", ColumnType.INT), Column("seconds", ColumnType.REAL),
    ),
    key=("stream",),
)
"""What a place holds: `built_at` is null until the build has finished."""

_MAX_IDENTIFIER = 63
_BUILD_PREFIX = "replay_build_"


class ReplayInfo(msgspec.Struct, frozen=True, kw_only=True):
    stream: str
    position: int
    as_of: datetime | None
    built_at: datetime | None
    events: int
    seconds: float


class PlacedReplay(msgspec.Struct, frozen=True, kw_only=True):
    """A published replay and what it takes on disk."""

    info: ReplayInfo
    size_bytes: int


class Build:
    """A replay being built in a temporary place."""

    def __init__(self, store: ReadModelStore) -> None:
        self.store = store
        self.published = False


class ReplayPlaces(ABC):
    """The replays of one stream on one storage."""

    def __init__(self, stream: str) -> None:
        self.stream = stream

    @abstractmethod
    def exists(self, position: int) -> bool: ...

    @abstractmethod
    def describe(self, position: int) -> str:
        """Where the replay at `position` is, in words for an operator."""

    @abstractmethod
    @contextmanager
    def reading(self, position: int) -> Iterator[ReadModelStore]:
        """The published replay's store (LookupError if there is none)."""

    @abstractmethod
    @contextmanager
    def building(self, position: int) -> Iterator[Build]:
        """A fresh temporary place to build the replay at `position` in. A clean exit gives
        it the replay's name (`Build.published` is False if another build had published it
        first); either way the temporary place is gone afterwards."""

    @abstractmethod
    def listed(self) -> list[PlacedReplay]:
        """Published replays, by position."""

    @abstractmethod
    def drop(self, position: int) -> bool: ...

    @abstractmethod
    def drop_all(self) -> int:
        """Drops every replay of the stream, and temporary places of its builds; answers how
        many published replays were dropped."""

    @staticmethod
    def info_of(store: ReadModelStore) -> ReplayInfo | None:
        found = store.rows(REPLAY_INFO)
        return msgspec.convert(found[0], ReplayInfo) if found else None

    @staticmethod
    def write_info(store: ReadModelStore, info: ReplayInfo) -> None:
        store.create_tables([REPLAY_INFO])
        with store.transaction() as transaction:
            transaction.write(REPLAY_INFO, [msgspec.to_builtins(info, builtin_types=(datetime,))],
                              [])


def places_for(storage: Storage, stream: str, data_path: Path) -> ReplayPlaces:
    if isinstance(storage, PostgresStorage):
        return _PostgresPlaces(storage.server, stream)
    if isinstance(storage, SQLiteStorage):
        return _SQLitePlaces(data_path / "replays" / stream, stream)
    msg = f"no replay place on {type(storage).__name__}"
    raise TypeError(msg)


# PostgreSQL ----------------------------------------------------------------------------------


class _PostgresPlaces(ReplayPlaces):
    def __init__(self, server: PostgresServer, stream: str) -> None:
        super().__init__(stream)
        self.server = server
        name = f"replay_{{}}_{stream}"
        self._suffix = stream if len(name.format(10**15)) <= _MAX_IDENTIFIER else (
            "d" + hashlib.sha256(stream.encode()).hexdigest()[:24])
        self._pattern = re.compile(rf"^replay_([0-9]+)_{re.escape(self._suffix)}$")

    def schema(self, position: int) -> str:
        return f"replay_{position}_{self._suffix}"

    def describe(self, position: int) -> str:
        return f"schema {self.schema(position)}"

    def _schemas(self, like: str) -> list[str]:
        with self.server.connection() as conn:
            rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s"
                                " ORDER BY nspname", (like,)).fetchall()
        return [row[0] for row in rows]

    def exists(self, position: int) -> bool:
        with self.server.connection() as conn:
            row = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                               (f'"{self.schema(position)}".replay_info',)).fetchone()
        return bool(row and row[0])

    @contextmanager
    def reading(self, position: int) -> Iterator[ReadModelStore]:
        if not self.exists(position):
            msg = f"no replay of {self.stream} at {position}"
            raise LookupError(msg)
        yield PostgresReadModelStore(self.server, self.schema(position))

    @contextmanager
    def building(self, position: int) -> Iterator[Build]:
        temporary = _BUILD_PREFIX + uuid.uuid4().hex[:16]
        with self.server.connection() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(temporary)))
        try:
            build = Build(PostgresReadModelStore(self.server, temporary))
            yield build
            build.published = self._publish(temporary, position)
        finally:
            self._drop_schema(temporary)  # a no-op once published under the replay's name

    def _publish(self, temporary: str, position: int) -> bool:
        with self.server.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.schema(position),))
            taken = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                 (self.schema(position),)).fetchone()
            if taken:
                return False
            conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                sql.Identifier(temporary), sql.Identifier(self.schema(position))))
        return True

    def _drop_schema(self, schema: str) -> None:
        with self.server.connection() as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))

    def _size(self, schema: str) -> int:
        with self.server.connection() as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()
        return int(row[0]) if row else 0

    def listed(self) -> list[PlacedReplay]:
        found = []
        for schema in self._schemas("replay\\_%"):
            if not self._pattern.match(schema):
                continue
            info = self.info_of(PostgresReadModelStore(self.server, schema))
            if info is not None and info.stream == self.stream and info.built_at is not None:
                found.append(PlacedReplay(info=info, size_bytes=self._size(schema)))
        return sorted(found, key=lambda placed: placed.info.position)

    def drop(self, position: int) -> bool:
        existed = self.exists(position)
        self._drop_schema(self.schema(position))
        return existed

    def drop_all(self) -> int:
        dropped = 0
        for schema in self._schemas("replay\\_%"):
            if self._pattern.match(schema):
                self._drop_schema(schema)
                dropped += 1
            elif schema.startswith(_BUILD_PREFIX):
                info = self.info_of(PostgresReadModelStore(self.server, schema))
                if info is not None and info.stream == self.stream:
                    self._drop_schema(schema)
        return dropped


# SQLite --------------------------------------------------------------------------------------


class _SQLitePlaces(ReplayPlaces):
    def __init__(self, directory: Path, stream: str) -> None:
        super().__init__(stream)
        self.directory = directory

    def path(self, position: int) -> Path:
        return self.directory / f"at_{position}.sqlite3"

    def exists(self, position: int) -> bool:
        return self.path(position).exists()

    def describe(self, position: int) -> str:
        return f"file {self.path(position)}"

    @staticmethod
    @contextmanager
    def _opened(path: Path) -> Iterator[ReadModelStore]:
        datastore = SQLiteDatastore(str(path), lock_timeout=10, pool_size=1, max_overflow=2)
        try:
            yield SQLiteReadModelStore(datastore, path.stem)
        finally:
            datastore.close()

    @contextmanager
    def reading(self, position: int) -> Iterator[ReadModelStore]:
        if not self.exists(position):
            msg = f"no replay of {self.stream} at {position}"
            raise LookupError(msg)
        with self._opened(self.path(position)) as store:
            yield store

    @contextmanager
    def building(self, position: int) -> Iterator[Build]:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f"building_{uuid.uuid4().hex[:16]}.sqlite3"
        try:
            with self._opened(temporary) as store:
                build = Build(store)
                yield build
            # Closed: the last connection has checkpointed the WAL, so the file alone is the
            # replay. A hard link publishes it, and fails if another build published first.
            try:
                os.link(temporary, self.path(position))
                build.published = True
            except FileExistsError:
                build.published = False
        finally:
            _unlink(temporary)

    def listed(self) -> list[PlacedReplay]:
        found = []
        for path in sorted(self.directory.glob("at_*.sqlite3")) if self.directory.exists() else []:
            with self._opened(path) as store:
                info = self.info_of(store)
            if info is not None and info.built_at is not None:
                found.append(PlacedReplay(info=info, size_bytes=path.stat().st_size))
        return sorted(found, key=lambda placed: placed.info.position)

    def drop(self, position: int) -> bool:
        existed = self.exists(position)
        _unlink(self.path(position))
        return existed

    def drop_all(self) -> int:
        if not self.directory.exists():
            return 0
        dropped = len(list(self.directory.glob("at_*.sqlite3")))
        for path in self.directory.iterdir():
            path.unlink(missing_ok=True)
        self.directory.rmdir()
        return dropped


def _unlink(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
