"""Read models on PostgreSQL: a stream's tables in its schema, written with arrays (one round
trip per table and batch)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from infra.eventstore.postgres_server import PostgresServer, stream_lock_key
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

__all__ = ["PostgresReadModelStore"]


def _postgres_in(kind: ColumnType, value: Any) -> Any:
    if value is None:
        return None
    if kind is ColumnType.JSON:
        return json_encode(value).decode()
    if kind is ColumnType.REAL:
        return float(value)  # psycopg cannot dump a list mixing ints and floats
    return value


def _postgres_out(kind: ColumnType, value: Any) -> Any:
    if value is not None and kind is ColumnType.JSON:
        return json_decode(value)
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


class PostgresReadModelStore(ReadModelStore):
    """A stream's read models in its schema, or a schema of their own, apart from any
    stream's (point-in-time replays)."""

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
                              for statement in SWAP_STATE)
            conn.execute(update, (shadow_name, name))
            conn.execute(delete, (shadow_name,))

    def _fetch_states(self, where: str, params: Sequence[Any]) -> list[ProjectionState]:
        with self.server.connection() as conn:
            if not self._has_state_table(conn):
                return []
            rows = conn.execute(sql.SQL("SELECT " + STATE_COLUMNS + " FROM {} " + where)
                                .format(self._name("projection_state")), params).fetchall()
        return [state_of(row, lambda value: value) for row in rows]

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

    def erase_subject(self, table: Table, member_id: UUID) -> int:
        columns = table.personal_columns
        statement = sql.SQL("UPDATE {} SET {} WHERE {} = %s").format(
            self._name(table.name),
            sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(column.name))
                               for column in columns),
            sql.Identifier(str(table.subject)))
        params = [_postgres_in(column.type, column.personal.erased)
                  for column in columns if column.personal is not None]
        with self.server.connection() as conn:
            try:
                return conn.execute(statement, [*params, member_id]).rowcount
            except psycopg.errors.UndefinedTable:  # never created for this tenant: nothing kept
                conn.rollback()
                return 0

    _out = staticmethod(_postgres_out)


class _PostgresTransaction(ReadModelTransaction):
    def __init__(self, store: PostgresReadModelStore, conn: Any) -> None:
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
        return [row_of(table, values, _postgres_out) for values in rows]

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
