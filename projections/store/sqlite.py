"""Read models on SQLite: a stream's tables in its file, each batch in one write transaction
that takes the file's write lock at its start."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteDatastore

from projections.store.base import (
    STATE_COLUMNS,
    SWAP_STATE,
    ProjectionState,
    ReadModelStore,
    ReadModelTransaction,
    Records,
    json_decode,
    json_encode,
    row_of,
    state_of,
)
from projections.tables import ColumnType, Row, Table

__all__ = ["SQLiteReadModelStore"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PLACEHOLDER = re.compile(r"%s")


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
        return json_encode(value).decode()
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
        return json_decode(value)
    return value


_SQLITE_TYPES = {
    ColumnType.TEXT: "TEXT",
    ColumnType.INT: "INTEGER",
    ColumnType.REAL: "REAL",
    ColumnType.BOOL: "INTEGER",
    ColumnType.TIMESTAMP: "INTEGER",
    ColumnType.UUID: "TEXT",
    ColumnType.JSON: "TEXT",
}


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


class SQLiteReadModelStore(ReadModelStore):
    """A stream's read models in its file, or a file of their own, apart from any stream's
    (point-in-time replays; the caller owns that datastore and closes it)."""

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
                              for statement in SWAP_STATE)
            cursor.execute(update, (shadow_name, name))
            cursor.execute(delete, (shadow_name,))

    def _fetch_states(self, where: str, params: Sequence[Any]) -> list[ProjectionState]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'projection_state'")
            if cursor.fetchone() is None:
                return []
            cursor.execute(f"SELECT {STATE_COLUMNS} FROM projection_state {where}", params)
            rows = cursor.fetchall()
        return [state_of(row, lambda v: None if v is None else _from_micros(v)) for row in rows]

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

    def erase_subject(self, table: Table, member_id: UUID) -> int:
        columns = table.personal_columns
        assignments = ", ".join(f"{self._quote(column.name)} = ?" for column in columns)
        params = [_sqlite_in(column.type, column.personal.erased)
                  for column in columns if column.personal is not None]
        subject = str(table.subject)
        statement = (f"UPDATE {self._quote(table.name)} SET {assignments}"
                     f" WHERE {self._quote(subject)} = ?")
        try:
            with _immediate(self.datastore) as cursor:
                cursor.execute(statement, [
                    *params, _sqlite_in(table.column_types[subject], member_id)])
                cursor.execute("SELECT changes()")  # the library's cursor has no rowcount
                return int(cursor.fetchone()[0])
        except OperationalError as error:
            if "no such table" not in str(error):
                raise
            return 0  # never created for this tenant: nothing kept

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
    def __init__(self, store: SQLiteReadModelStore, cursor: Any) -> None:
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
            found += [row_of(table, values, _sqlite_out) for values in self.cursor.fetchall()]
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
