"""Where a stream's read models live, and the one place that knows both SQL dialects.

`ReadModelStore.of(stream)` gives the store of one tenant: its schema on PostgreSQL, its file on
SQLite. The store keeps, per projection, one row of `projection_state` (position, version,
generation, last error) and the projection's tables. A batch is written through a
`ReadModelTransaction`: the rows it changed, the rows it deleted and the new position, in one
transaction, with the position moved by compare-and-set so that a batch is applied at most once
however many workers race (the lease makes racing rare; this makes it harmless).

Read APIs query with `select`, writing `{table}` for a table's name (qualified by the store) and
`%s` for parameters (the SQLite store turns them into `?`).
"""

from __future__ import annotations

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteDatastore, SQLiteProcessRecorder
from psycopg import sql

from infra.eventstore.postgres import PostgresProcessRecorder, PostgresServer, stream_lock_key
from infra.eventstore.streams import EventStream
from projections.tables import ColumnType, Row, Table

__all__ = ["ProjectionState", "ReadModelStore", "ReadModelTransaction"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Records = list[tuple[Any, ...]]


class ProjectionState(msgspec.Struct, frozen=True, kw_only=True):
    """Where one projection of one stream stands."""

    name: str
    version: int
    generation: int
    position: int
    updated_at: datetime | None = None
    error: str | None = None
    error_position: int | None = None
    failed_at: datetime | None = None
    failures: int = 0


class ReadModelTransaction(ABC):
    """One open transaction on a stream's read models."""

    @abstractmethod
    def advance(self, name: str, from_position: int, to_position: int, now: datetime) -> bool:
        """Moves the projection's position if it is still `from_position`; False otherwise (the
        batch was applied by someone else, and this transaction must be abandoned)."""

    @abstractmethod
    def load(self, table: Table, keys: Sequence[tuple[Any, ...]], suffix: str = "") -> list[Row]:
        """The stored rows among `keys`."""

    @abstractmethod
    def write(
        self, table: Table, rows: Sequence[Row], deleted: Sequence[tuple[Any, ...]],
        suffix: str = "",
    ) -> None:
        """Upserts `rows` (whole rows) and deletes the rows with the `deleted` keys."""


class ReadModelStore(ABC):
    """A stream's read models; see the module docstring."""

    @staticmethod
    def of(stream: EventStream) -> ReadModelStore:
        """The store of the stream's read models (a light object over the stream's connections)."""
        recorder = stream.events
        if isinstance(recorder, PostgresProcessRecorder):
            return _PostgresStore(recorder.server, recorder.schema)
        if isinstance(recorder, SQLiteProcessRecorder):
            return _SQLiteStore(recorder.datastore, stream.name)
        msg = f"no read-model store for {type(recorder).__name__}"
        raise TypeError(msg)

    @staticmethod
    def in_schema(server: PostgresServer, schema: str) -> ReadModelStore:
        """A store in a schema of its own, apart from any stream's (point-in-time replays)."""
        return _PostgresStore(server, schema)

    @staticmethod
    def in_file(datastore: SQLiteDatastore, name: str) -> ReadModelStore:
        """A store in an SQLite file of its own, apart from any stream's (point-in-time
        replays); the caller owns the datastore and closes it."""
        return _SQLiteStore(datastore, name)

    stream_name: str

    # Schema ---------------------------------------------------------------------------------

    @abstractmethod
    def create_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        """Creates the tables (and the state table) if missing; `suffix` names a shadow copy."""

    @abstractmethod
    def drop_tables(self, tables: Iterable[Table], suffix: str = "") -> None: ...

    @abstractmethod
    def swap_in(self, tables: Sequence[Table], suffix: str, name: str, shadow_name: str) -> None:
        """In one transaction: the shadow tables replace the live ones, and the shadow's state
        becomes the projection's with its generation moved on (readers see the old tables until
        the commit, then the new)."""

    # State ----------------------------------------------------------------------------------

    @abstractmethod
    def state(self, name: str) -> ProjectionState | None: ...

    @abstractmethod
    def states(self) -> list[ProjectionState]: ...

    @abstractmethod
    def start(self, name: str, version: int, generation: int = 0) -> ProjectionState:
        """The projection's state, created at position 0 if it has none."""

    @abstractmethod
    def reset(self, name: str, version: int) -> None:
        """Position 0, no error (for a shadow about to be rebuilt)."""

    @abstractmethod
    def record_error(self, name: str, position: int, error: str, now: datetime) -> None: ...

    @abstractmethod
    def forget(self, name: str) -> None:
        """Deletes the projection's state row."""

    # Batches and queries --------------------------------------------------------------------

    @abstractmethod
    def transaction(self) -> Any:
        """A context manager giving a `ReadModelTransaction`, committed on a clean exit."""

    @abstractmethod
    def select(self, statement: str, params: Sequence[Any] = (), **tables: str) -> Records:
        """Rows of a read query; `{name}` in the statement is the qualified `tables[name]`."""

    def rows(self, table: Table, where: str = "", params: Sequence[Any] = (),
             order_by: str = "", limit: int | None = None) -> list[Row]:
        """Whole rows of one table, values converted back to Python."""
        # Column names are the table's own declared identifiers, safe to quote as they are.
        statement = "SELECT " + ", ".join(f'"{c}"' for c in table.column_names) + " FROM {t}"
        statement += f" WHERE {where}" if where else ""
        statement += f" ORDER BY {order_by}" if order_by else ""
        statement += f" LIMIT {int(limit)}" if limit is not None else ""
        return [_row(table, values, self._out)
                for values in self.select(statement, params, t=table.name)]

    @staticmethod
    @abstractmethod
    def _out(kind: ColumnType, value: Any) -> Any:
        """A stored value as Python."""

    def head(self, stream: EventStream) -> int:
        return stream.events.max_notification_id() or 0


# Value conversion ----------------------------------------------------------------------------

_json_encode = msgspec.json.Encoder().encode
_json_decode = msgspec.json.Decoder().decode


def _to_micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_micros(micros: int) -> datetime:
    return datetime.fromtimestamp(micros / 1_000_000, UTC)


def _sqlite_in(kind: ColumnType, value: Any) -> Any:
    if value is None:
        return None
    if kind is ColumnType.UUID:
        return str(value)
    if kind is ColumnType.TIMESTAMP:
        return _to_micros(value)
    if kind is ColumnType.BOOL:
        return int(value)
    if kind is ColumnType.JSON:
        return _json_encode(value).decode()
    return value


def _sqlite_out(kind: ColumnType, value: Any) -> Any:
    if value is None:
        return None
    if kind is ColumnType.UUID:
        return UUID(value)
    if kind is ColumnType.TIMESTAMP:
        return _from_micros(value)
    if kind is ColumnType.BOOL:
        return bool(value)
    if kind is ColumnType.JSON:
        return _json_decode(value)
    return value


def _postgres_in(kind: ColumnType, value: Any) -> Any:
    if value is None:
        return None
    if kind is ColumnType.JSON:
        return _json_encode(value).decode()
    if kind is ColumnType.REAL:
        return float(value)  # psycopg cannot dump a list mixing ints and floats
    return value


def _postgres_out(kind: ColumnType, value: Any) -> Any:
    if value is not None and kind is ColumnType.JSON:
        return _json_decode(value)
    return value


_POSTGRES_TYPES = {
    ColumnType.TEXT: "text",
    ColumnType.INT: "bigint",
    ColumnType.REAL: "double precision",
    ColumnType.BOOL: "boolean",
    ColumnType.TIMESTAMP: "timestamptz",
    ColumnType.UUID: "uuid",
    ColumnType.JSON: "text",
}
_SQLITE_TYPES = {
    ColumnType.TEXT: "TEXT",
    ColumnType.INT: "INTEGER",
    ColumnType.REAL: "REAL",
    ColumnType.BOOL: "INTEGER",
    ColumnType.TIMESTAMP: "INTEGER",
    ColumnType.UUID: "TEXT",
    ColumnType.JSON: "TEXT",
}

_STATE_COLUMNS = (
    "name, version, generation, position, updated_at, error, error_position, failed_at, failures"
)


def _state(row: Sequence[Any], timestamp: Any) -> ProjectionState:
    return ProjectionState(
        name=row[0], version=row[1], generation=row[2], position=row[3],
        updated_at=timestamp(row[4]), error=row[5], error_position=row[6],
        failed_at=timestamp(row[7]), failures=row[8],
    )


_PLACEHOLDER = re.compile(r"%s")


# PostgreSQL ----------------------------------------------------------------------------------


class _PostgresStore(ReadModelStore):
    def __init__(self, server: PostgresServer, schema: str) -> None:
        self.server, self.schema, self.stream_name = server, schema, schema

    def _name(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    def _create_statements(self, table: Table, suffix: str) -> list[tuple[str, sql.Composable]]:
        """(relation name, statement that creates it): the table, then each index."""
        name = table.name + suffix
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}{}").format(
                sql.Identifier(column.name), sql.SQL(_POSTGRES_TYPES[column.type]),
                sql.SQL("" if column.nullable else " NOT NULL"),
            )
            for column in table.columns
        )
        statements: list[tuple[str, sql.Composable]] = [(name, sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY ({}))"
        ).format(self._name(name), columns, sql.SQL(", ").join(map(sql.Identifier, table.key))))]
        for index in table.indexes:
            index_name = table.index_name(index, name)
            statement = sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(index_name), self._name(name),
                sql.SQL(", ").join(map(sql.Identifier, index)),
            )
            statements.append((index_name, statement))
        return statements

    @contextmanager
    def _locked(self) -> Iterator[Any]:
        with self.server.connection() as conn, conn.transaction():
            # DDL racing in the catalogue collides even with IF NOT EXISTS; serialise it.
            conn.execute("SELECT pg_advisory_xact_lock(%s)",
                         (stream_lock_key(self.schema + ".read_models"),))
            yield conn

    def create_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        with self._locked() as conn:
            conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, version int NOT NULL,"
                " generation int NOT NULL, position bigint NOT NULL, updated_at timestamptz,"
                " error text, error_position bigint, failed_at timestamptz,"
                " failures int NOT NULL DEFAULT 0)"
            ).format(self._name("projection_state")))
            # Only what is missing: `CREATE INDEX IF NOT EXISTS` locks its table (SHARE) before
            # it finds the index there, and a second preparer (a test or the CLI catching up
            # beside the worker) would then deadlock with the worker's batch writing the tables.
            existing = {row[0] for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s", (self.schema,))}
            for table in tables:
                for relation, statement in self._create_statements(table, suffix):
                    if relation not in existing:
                        conn.execute(statement)

    def drop_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        with self._locked() as conn:
            for table in tables:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(
                    self._name(table.name + suffix)))

    def swap_in(self, tables: Sequence[Table], suffix: str, name: str, shadow_name: str) -> None:
        with self._locked() as conn:
            for table in tables:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._name(table.name)))
                conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                    self._name(table.name + suffix), sql.Identifier(table.name)))
                conn.execute(sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
                    self._name(table.name), sql.Identifier(f"{table.name}{suffix}_pkey"),
                    sql.Identifier(f"{table.name}_pkey")))
                for index in table.indexes:
                    conn.execute(sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                        sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(
                            table.index_name(index, table.name + suffix))),
                        sql.Identifier(table.index_name(index))))
            update, delete = (sql.SQL(statement).format(state=self._name("projection_state"))
                              for statement in _SWAP_STATE)
            conn.execute(update, (shadow_name, name))
            conn.execute(delete, (shadow_name,))

    def _fetch_states(self, where: str, params: Sequence[Any]) -> list[ProjectionState]:
        with self.server.connection() as conn:
            if not self._has_state_table(conn):
                return []
            rows = conn.execute(sql.SQL("SELECT " + _STATE_COLUMNS + " FROM {} " + where)
                                .format(self._name("projection_state")), params).fetchall()
        return [_state(row, lambda value: value) for row in rows]

    def _has_state_table(self, conn: Any) -> bool:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                           (f'"{self.schema}".projection_state',)).fetchone()
        return bool(row and row[0])

    def state(self, name: str) -> ProjectionState | None:
        states = self._fetch_states("WHERE name = %s", (name,))
        return states[0] if states else None

    def states(self) -> list[ProjectionState]:
        return self._fetch_states("ORDER BY name", ())

    def start(self, name: str, version: int, generation: int = 0) -> ProjectionState:
        with self.server.connection() as conn:
            conn.execute(sql.SQL(
                "INSERT INTO {} (name, version, generation, position) VALUES (%s, %s, %s, 0)"
                " ON CONFLICT (name) DO NOTHING"
            ).format(self._name("projection_state")), (name, version, generation))
        state = self.state(name)
        assert state is not None
        return state

    def reset(self, name: str, version: int) -> None:
        with self.server.connection() as conn:
            conn.execute(sql.SQL(
                "INSERT INTO {} (name, version, generation, position) VALUES (%s, %s, 0, 0)"
                " ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0,"
                " error = NULL, error_position = NULL, failed_at = NULL, failures = 0"
            ).format(self._name("projection_state")), (name, version))

    def record_error(self, name: str, position: int, error: str, now: datetime) -> None:
        with self.server.connection() as conn:
            conn.execute(sql.SQL(
                "UPDATE {} SET error = %s, error_position = %s, failed_at = %s,"
                " failures = failures + 1 WHERE name = %s"
            ).format(self._name("projection_state")), (error, position, now, name))

    def forget(self, name: str) -> None:
        with self.server.connection() as conn:
            if self._has_state_table(conn):
                conn.execute(sql.SQL("DELETE FROM {} WHERE name = %s")
                             .format(self._name("projection_state")), (name,))

    @contextmanager
    def transaction(self) -> Iterator[ReadModelTransaction]:
        with self.server.connection() as conn, conn.transaction():
            yield _PostgresTransaction(self, conn)

    def select(self, statement: str, params: Sequence[Any] = (), **tables: str) -> Records:
        query = sql.SQL(statement).format(
            **{key: self._name(value) for key, value in tables.items()})
        with self.server.connection() as conn:
            try:
                return conn.execute(query, params).fetchall()
            except psycopg.errors.UndefinedTable:
                # The worker has not created this tenant's read model yet (a new tenant, or
                # the worker is down): it reads as empty, as one that is behind would.
                conn.rollback()
                return []

    _out = staticmethod(_postgres_out)


_SWAP_STATE = (
    # The shadow's position and version become the live projection's, generation + 1.
    "UPDATE {state} SET version = shadow.version, position = shadow.position,"
    " updated_at = shadow.updated_at, error = NULL, error_position = NULL, failed_at = NULL,"
    " failures = 0, generation = {state}.generation + 1"
    " FROM (SELECT version, position, updated_at FROM {state} WHERE name = %s) AS shadow"
    " WHERE {state}.name = %s",
    "DELETE FROM {state} WHERE name = %s",
)


def _row(table: Table, values: Sequence[Any], convert: Any) -> Row:
    return {
        column.name: convert(column.type, value)
        for column, value in zip(table.columns, values, strict=True)
    }


class _PostgresTransaction(ReadModelTransaction):
    def __init__(self, store: _PostgresStore, conn: Any) -> None:
        self.store, self.conn = store, conn

    def advance(self, name: str, from_position: int, to_position: int, now: datetime) -> bool:
        row = self.conn.execute(sql.SQL(
            "UPDATE {} SET position = %s, updated_at = %s, error = NULL, error_position = NULL,"
            " failed_at = NULL, failures = 0 WHERE name = %s AND position = %s RETURNING 1"
        ).format(self.store._name("projection_state")),
            (to_position, now, name, from_position)).fetchone()
        return row is not None

    def _arrays(self, table: Table, names: Sequence[str]) -> sql.Composed:
        return sql.SQL(", ").join(
            sql.SQL("%b::{}[]").format(sql.SQL(_POSTGRES_TYPES[table.column_types[name]]))
            for name in names
        )

    def load(self, table: Table, keys: Sequence[tuple[Any, ...]], suffix: str = "") -> list[Row]:
        if not keys:
            return []
        columns = [list(column) for column in zip(*keys, strict=True)]
        for position, name in enumerate(table.key):
            kind = table.column_types[name]
            columns[position] = [_postgres_in(kind, value) for value in columns[position]]
        statement = sql.SQL("SELECT {} FROM {} AS t JOIN unnest({}) AS k({}) USING ({})").format(
            sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c))
                               for c in table.column_names),
            self.store._name(table.name + suffix),
            self._arrays(table, table.key),
            sql.SQL(", ").join(map(sql.Identifier, table.key)),
            sql.SQL(", ").join(map(sql.Identifier, table.key)),
        )
        rows = self.conn.execute(statement, columns).fetchall()
        return [_row(table, values, _postgres_out) for values in rows]

    def write(
        self, table: Table, rows: Sequence[Row], deleted: Sequence[tuple[Any, ...]],
        suffix: str = "",
    ) -> None:
        name = self.store._name(table.name + suffix)
        if deleted:
            key_columns = [list(column) for column in zip(*deleted, strict=True)]
            self.conn.execute(sql.SQL("DELETE FROM {} AS t USING unnest({}) AS k({}) WHERE {}")
                              .format(name, self._arrays(table, table.key),
                                      sql.SQL(", ").join(map(sql.Identifier, table.key)),
                                      sql.SQL(" AND ").join(
                                          sql.SQL("t.{0} = k.{0}").format(sql.Identifier(c))
                                          for c in table.key)),
                              key_columns)
        if not rows:
            return
        names = table.column_names
        values = [
            [_postgres_in(table.column_types[column], row.get(column)) for row in rows]
            for column in names
        ]
        others = [column for column in names if column not in table.key]
        conflict = (
            sql.SQL("DO UPDATE SET ") + sql.SQL(", ").join(
                sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in others)
            if others else sql.SQL("DO NOTHING")
        )
        self.conn.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT * FROM unnest({}) ON CONFLICT ({}) {}").format(
                name, sql.SQL(", ").join(map(sql.Identifier, names)), self._arrays(table, names),
                sql.SQL(", ").join(map(sql.Identifier, table.key)), conflict,
            ),
            values,
        )


# SQLite --------------------------------------------------------------------------------------


@contextmanager
def _immediate(datastore: SQLiteDatastore) -> Iterator[Any]:
    """A write transaction that takes SQLite's write lock at BEGIN (waiting up to the lock
    timeout). The library's deferred BEGIN takes it at the first write, and a transaction whose
    first statements only read (CREATE TABLE IF NOT EXISTS of a table that exists) then fails
    at once with "database is locked" if another process committed in between."""
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            yield cursor
            connection.commit()
        except sqlite3.Error as error:
            connection.rollback()
            raise OperationalError(str(error)) from error
        except BaseException:
            connection.rollback()
            raise


class _SQLiteStore(ReadModelStore):
    def __init__(self, datastore: SQLiteDatastore, stream_name: str) -> None:
        self.datastore, self.stream_name = datastore, stream_name

    @staticmethod
    def _quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _create_statements(self, table: Table, suffix: str) -> list[str]:
        name = table.name + suffix
        columns = ", ".join(
            f"{self._quote(c.name)} {_SQLITE_TYPES[c.type]}{'' if c.nullable else ' NOT NULL'}"
            for c in table.columns
        )
        key = ", ".join(map(self._quote, table.key))
        statements = [f"CREATE TABLE IF NOT EXISTS {self._quote(name)} ({columns},"
                      f" PRIMARY KEY ({key}))"]
        statements += [
            f"CREATE INDEX IF NOT EXISTS {self._quote(table.index_name(index, name))}"
            f" ON {self._quote(name)} ({', '.join(map(self._quote, index))})"
            for index in table.indexes
        ]
        return statements

    def create_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        with _immediate(self.datastore) as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS projection_state (name TEXT PRIMARY KEY,"
                " version INTEGER NOT NULL, generation INTEGER NOT NULL,"
                " position INTEGER NOT NULL, updated_at INTEGER, error TEXT,"
                " error_position INTEGER, failed_at INTEGER, failures INTEGER NOT NULL DEFAULT 0)"
            )
            for table in tables:
                for statement in self._create_statements(table, suffix):
                    cursor.execute(statement)

    def drop_tables(self, tables: Iterable[Table], suffix: str = "") -> None:
        with _immediate(self.datastore) as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {self._quote(table.name + suffix)}")

    def swap_in(self, tables: Sequence[Table], suffix: str, name: str, shadow_name: str) -> None:
        # SQLite has no ALTER INDEX ... RENAME: the shadow's indexes go with its old name and
        # are built again under the live names, inside the same transaction (readers in WAL
        # mode keep their snapshot meanwhile).
        with _immediate(self.datastore) as cursor:
            for table in tables:
                for index in table.indexes:
                    cursor.execute("DROP INDEX IF EXISTS "
                                   + self._quote(table.index_name(index, table.name + suffix)))
                cursor.execute(f"DROP TABLE IF EXISTS {self._quote(table.name)}")
                cursor.execute(f"ALTER TABLE {self._quote(table.name + suffix)}"
                               f" RENAME TO {self._quote(table.name)}")
                for statement in self._create_statements(table, "")[1:]:
                    cursor.execute(statement)
            update, delete = (_PLACEHOLDER.sub("?", statement).format(state="projection_state")
                              for statement in _SWAP_STATE)
            cursor.execute(update, (shadow_name, name))
            cursor.execute(delete, (shadow_name,))

    def _fetch_states(self, where: str, params: Sequence[Any]) -> list[ProjectionState]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'projection_state'")
            if cursor.fetchone() is None:
                return []
            cursor.execute(f"SELECT {_STATE_COLUMNS} FROM projection_state {where}", params)
            rows = cursor.fetchall()
        return [_state(row, lambda v: None if v is None else _from_micros(v)) for row in rows]

    def state(self, name: str) -> ProjectionState | None:
        states = self._fetch_states("WHERE name = ?", (name,))
        return states[0] if states else None

    def states(self) -> list[ProjectionState]:
        return self._fetch_states("ORDER BY name", ())

    def start(self, name: str, version: int, generation: int = 0) -> ProjectionState:
        with _immediate(self.datastore) as cursor:
            cursor.execute(
                "INSERT INTO projection_state (name, version, generation, position)"
                " VALUES (?, ?, ?, 0) ON CONFLICT (name) DO NOTHING", (name, version, generation))
        state = self.state(name)
        assert state is not None
        return state

    def reset(self, name: str, version: int) -> None:
        with _immediate(self.datastore) as cursor:
            cursor.execute(
                "INSERT INTO projection_state (name, version, generation, position)"
                " VALUES (?, ?, 0, 0) ON CONFLICT (name) DO UPDATE SET version = excluded.version,"
                " position = 0, error = NULL, error_position = NULL, failed_at = NULL,"
                " failures = 0", (name, version))

    def record_error(self, name: str, position: int, error: str, now: datetime) -> None:
        with _immediate(self.datastore) as cursor:
            cursor.execute(
                "UPDATE projection_state SET error = ?, error_position = ?, failed_at = ?,"
                " failures = failures + 1 WHERE name = ?",
                (error, position, _to_micros(now), name))

    def forget(self, name: str) -> None:
        if self._fetch_states("WHERE name = ?", (name,)):
            with _immediate(self.datastore) as cursor:
                cursor.execute("DELETE FROM projection_state WHERE name = ?", (name,))

    @contextmanager
    def transaction(self) -> Iterator[ReadModelTransaction]:
        with _immediate(self.datastore) as cursor:
            yield _SQLiteTransaction(self, cursor)

    def select(self, statement: str, params: Sequence[Any] = (), **tables: str) -> Records:
        query = _PLACEHOLDER.sub("?", statement.replace("%%", "%")).format(
            **{key: self._quote(value) for key, value in tables.items()})
        with self.datastore.transaction(commit=False) as cursor:
            try:
                cursor.execute(query, [_sqlite_param(value) for value in params])
            except sqlite3.OperationalError as error:
                if "no such table" not in str(error):
                    raise
                return []  # not created yet: empty, as on PostgreSQL
            return [tuple(row) for row in cursor.fetchall()]

    _out = staticmethod(_sqlite_out)


def _sqlite_param(value: Any) -> Any:
    """Parameters of read queries: the same conversions as stored values."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return _to_micros(value)
    if isinstance(value, bool):
        return int(value)
    return value


_SQLITE_CHUNK = 400
"""Keys per `IN (...)` (SQLite allows at most 32766 parameters per statement)."""


class _SQLiteTransaction(ReadModelTransaction):
    def __init__(self, store: _SQLiteStore, cursor: Any) -> None:
        self.store, self.cursor = store, cursor

    def advance(self, name: str, from_position: int, to_position: int, now: datetime) -> bool:
        # The first statement writes, so the transaction takes SQLite's write lock at once (a
        # deferred transaction that read first could not upgrade if another writer committed).
        self.cursor.execute(
            "UPDATE projection_state SET position = ?, updated_at = ?, error = NULL,"
            " error_position = NULL, failed_at = NULL, failures = 0"
            " WHERE name = ? AND position = ? RETURNING 1",
            (to_position, _to_micros(now), name, from_position))
        return self.cursor.fetchone() is not None

    def load(self, table: Table, keys: Sequence[tuple[Any, ...]], suffix: str = "") -> list[Row]:
        quote = self.store._quote
        columns = ", ".join(quote(c) for c in table.column_names)
        key_types = [table.column_types[name] for name in table.key]
        found: list[Row] = []
        for start in range(0, len(keys), _SQLITE_CHUNK):
            chunk = keys[start:start + _SQLITE_CHUNK]
            one = "(" + ", ".join("?" for _ in table.key) + ")"
            self.cursor.execute(
                f"SELECT {columns} FROM {quote(table.name + suffix)}"
                f" WHERE ({', '.join(map(quote, table.key))}) IN"
                f" (VALUES {', '.join(one for _ in chunk)})",
                [_sqlite_in(kind, value) for key in chunk
                 for kind, value in zip(key_types, key, strict=True)],
            )
            found += [_row(table, values, _sqlite_out) for values in self.cursor.fetchall()]
        return found

    def write(
        self, table: Table, rows: Sequence[Row], deleted: Sequence[tuple[Any, ...]],
        suffix: str = "",
    ) -> None:
        quote = self.store._quote
        name = quote(table.name + suffix)
        key_types = [table.column_types[column] for column in table.key]
        if deleted:
            self.cursor.executemany(
                f"DELETE FROM {name} WHERE "
                + " AND ".join(f"{quote(c)} = ?" for c in table.key),
                [[_sqlite_in(kind, value) for kind, value in zip(key_types, key, strict=True)]
                 for key in deleted],
            )
        if not rows:
            return
        names = table.column_names
        others = [column for column in names if column not in table.key]
        conflict = (
            "DO UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in others)
            if others else "DO NOTHING"
        )
        types = [table.column_types[column] for column in names]
        self.cursor.executemany(
            f"INSERT INTO {name} ({', '.join(map(quote, names))})"
            f" VALUES ({', '.join('?' for _ in names)})"
            f" ON CONFLICT ({', '.join(map(quote, table.key))}) {conflict}",
            [[_sqlite_in(kind, row.get(column)) for column, kind in zip(names, types, strict=True)]
             for row in rows],
        )
