"""The hash chain's tables on PostgreSQL, in the stream's schema."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any

from psycopg import sql

from infra.eventstore.chain_tables import CHECKPOINT_COLUMNS, ChainTables, Checkpoint

if TYPE_CHECKING:
    from infra.eventstore.postgres_server import PostgresServer

__all__ = ["PostgresChainTables"]


class PostgresChainTables(ChainTables):
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
                " LEFT JOIN (SELECT " + CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
                "  ORDER BY sequence DESC LIMIT 1) AS c ON true"
            )).fetchone()
        assert row is not None
        checkpoint = self._checkpoint(row[2:]) if row[2] is not None else None
        return (row[0] or 0, bytes(row[1]) if row[1] is not None else None, checkpoint)

    def last_checkpoint(self) -> Checkpoint | None:
        with self.server.connection() as conn:
            row = conn.execute(self._sql(
                "SELECT " + CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
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
                "SELECT " + CHECKPOINT_COLUMNS + " FROM {schema}.chain_checkpoints"
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
                    "INSERT INTO {schema}.chain_checkpoints (" + CHECKPOINT_COLUMNS + ")"
                    " VALUES (%s, %s, %b, %s, %s, %b)"
                ), (checkpoint.sequence, checkpoint.position, checkpoint.head_hash,
                    checkpoint.signed_at, checkpoint.key_id, checkpoint.signature))
