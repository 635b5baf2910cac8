"""The tables beside a tenant's stream, on either backend, through one small interface.

Statements are written once, PostgreSQL-style (`%s` parameters, `{schema}.` before table
names); on SQLite the schema prefix goes, parameters become `?`, instants are stored as
microseconds since the epoch (so they compare as numbers) and ids as text. Rows come back as
tuples of the stored values: `instant` and `member_id` read them back the same on both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore, SQLiteProcessRecorder
from psycopg import sql

from infra.eventstore.postgres import PostgresProcessRecorder
from infra.eventstore.postgres_server import PostgresServer
from infra.eventstore.streams import EventStream

__all__ = ["BesideStream", "Statements", "Writes", "instant", "member_id"]

Row = tuple[Any, ...]


class Statements(Protocol):
    """Runs statements in one transaction (`BesideStream.transaction`)."""

    def run(self, statement: str, parameters: Sequence[Any] = ()) -> list[Row]: ...

    def run_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def changed(self) -> int:
        """How many rows the last statement changed."""


def instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(int(value) / 1_000_000, tz=UTC)


def member_id(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


class Writes:
    """Statements kept to run later, together, in one transaction (`BesideStream.commit`):
    what carrying out one piece of work recorded is committed with its settling, one commit
    per piece instead of one per record."""

    def __init__(self) -> None:
        self._statements: list[tuple[str, list[Sequence[Any]]]] = []

    def add(self, statement: str, parameters: Sequence[Any] = ()) -> None:
        self._statements.append((statement, [parameters]))

    def add_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._statements.append((statement, list(rows)))

    def run_in(self, statements: Statements) -> None:
        for statement, rows in self._statements:
            if len(rows) == 1:
                statements.run(statement, rows[0])
            else:
                statements.run_many(statement, rows)

    def followed_by(self, statement: str, parameters: Sequence[Any] = ()) -> Writes:
        """These writes and one more statement, after them."""
        combined = Writes()
        combined._statements = [*self._statements, (statement, [parameters])]
        return combined

    def clear(self) -> None:
        self._statements.clear()

    def __len__(self) -> int:
        return len(self._statements)


class BesideStream:
    def __init__(self, stream: EventStream) -> None:
        if isinstance(stream.events, PostgresProcessRecorder):
            self._postgres: tuple[PostgresServer, str] | None = (
                stream.events.server, stream.events.schema)
            self._sqlite: SQLiteDatastore | None = None
        elif isinstance(stream.events, SQLiteProcessRecorder):
            self._postgres, self._sqlite = None, stream.events.datastore
        else:
            msg = f"no tables beside {type(stream.events).__name__}"
            raise TypeError(msg)

    @property
    def on_postgres(self) -> bool:
        return self._postgres is not None

    @contextmanager
    def transaction(self) -> Iterator[Statements]:
        if self._postgres is not None:
            server, schema = self._postgres
            with server.connection() as conn, conn.transaction():
                yield _PostgresStatements(conn, schema)
        else:
            assert self._sqlite is not None
            # The library's cursor wrapper, entered, is sqlite3's own cursor (with `rowcount`).
            with self._sqlite.transaction(commit=True) as wrapper, wrapper as cursor:
                yield _SQLiteStatements(cursor)

    def run(self, statement: str, parameters: Sequence[Any] = ()) -> list[Row]:
        with self.transaction() as statements:
            return statements.run(statement, parameters)

    def commit(self, writes: Writes) -> None:
        """Runs what was kept, in one transaction; `writes` is empty after."""
        if len(writes):
            with self.transaction() as statements:
                writes.run_in(statements)
            writes.clear()


@lru_cache(maxsize=4096)
def _composed(statement: str, schema: str) -> sql.Composed:
    """Composing costs more than running a small statement: each is composed once per schema."""
    return sql.SQL(statement).format(schema=sql.Identifier(schema))


class _PostgresStatements:
    def __init__(self, conn: Any, schema: str) -> None:
        self._conn, self._schema = conn, schema
        self._changed = 0

    def _sql(self, statement: str) -> sql.Composed:
        return _composed(statement, self._schema)

    def run(self, statement: str, parameters: Sequence[Any] = ()) -> list[Row]:
        cursor = self._conn.execute(self._sql(statement), tuple(parameters))
        self._changed = cursor.rowcount
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

    def run_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._conn.cursor().executemany(self._sql(statement), [tuple(r) for r in rows])

    def changed(self) -> int:
        return int(self._changed)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.astimezone(UTC).timestamp() * 1_000_000)
    if isinstance(value, UUID):
        return str(value)
    return value


class _SQLiteStatements:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @staticmethod
    def _sql(statement: str) -> str:
        return statement.replace("{schema}.", "").replace("%s", "?")

    def run(self, statement: str, parameters: Sequence[Any] = ()) -> list[Row]:
        self._cursor.execute(self._sql(statement), [_sqlite_value(v) for v in parameters])
        return [tuple(row) for row in self._cursor.fetchall()]

    def run_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(
            self._sql(statement), [[_sqlite_value(v) for v in row] for row in rows])

    def changed(self) -> int:
        return int(self._cursor.rowcount)
