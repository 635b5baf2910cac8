"""The hash chain's tables on SQLite, in the stream's file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from infra.eventstore.chain_tables import (
    CHECKPOINT_COLUMNS,
    ChainTables,
    Checkpoint,
    from_micros,
    micros,
)

if TYPE_CHECKING:
    from eventsourcing.sqlite import SQLiteDatastore

    from infra.eventstore.postgres import NotificationRow
    from infra.eventstore.streams import EventStream

__all__ = ["SQLiteChainTables"]


class SQLiteChainTables(ChainTables):
    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    @staticmethod
    def _checkpoint(row: Sequence[Any]) -> Checkpoint:
        return Checkpoint(sequence=row[0], position=row[1], head_hash=bytes(row[2]),
                          signed_at=from_micros(row[3]), key_id=row[4],
                          signature=bytes(row[5]))

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, params)
            return list(cursor.fetchall())

    def sealed_head(self) -> tuple[int, bytes | None, Checkpoint | None]:
        # One read transaction, so one snapshot: read apart, another sealer's commit between
        # the two reads showed a checkpoint beyond the last hash (a chain "losing rows").
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT position, hash FROM event_hashes"
                           " ORDER BY position DESC LIMIT 1")
            last = cursor.fetchone()
            cursor.execute("SELECT " + CHECKPOINT_COLUMNS + " FROM chain_checkpoints"
                           " ORDER BY sequence DESC LIMIT 1")
            checkpoint_row = cursor.fetchone()
        return (last[0] if last else 0, bytes(last[1]) if last else None,
                self._checkpoint(checkpoint_row) if checkpoint_row else None)

    def last_checkpoint(self) -> Checkpoint | None:
        rows = self._query("SELECT " + CHECKPOINT_COLUMNS + " FROM chain_checkpoints"
                           " ORDER BY sequence DESC LIMIT 1")
        return self._checkpoint(rows[0]) if rows else None

    def count_sealed_after(self, position: int) -> int:
        rows = self._query("SELECT count(*) FROM event_hashes WHERE position > ?", (position,))
        return int(rows[0][0])

    def hashes(self, after: int, stop: int, limit: int) -> Sequence[tuple[int, bytes]]:
        rows = self._query("SELECT position, hash FROM event_hashes"
                           " WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
                           (after, stop, limit))
        return [(row[0], bytes(row[1])) for row in rows]

    def checkpoints(self, after: int, stop: int, limit: int) -> Sequence[Checkpoint]:
        rows = self._query("SELECT " + CHECKPOINT_COLUMNS + " FROM chain_checkpoints"
                           " WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?",
                           (after, stop, limit))
        return [self._checkpoint(row) for row in rows]

    def record(self, hashes: Sequence[tuple[int, bytes]],
               checkpoints: Sequence[Checkpoint]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.executemany("INSERT INTO event_hashes (position, hash) VALUES (?, ?)", hashes)
            cursor.executemany(
                "INSERT INTO chain_checkpoints (" + CHECKPOINT_COLUMNS + ")"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(c.sequence, c.position, c.head_hash, micros(c.signed_at), c.key_id,
                  c.signature) for c in checkpoints],
            )


    def stored_events(self, stream: EventStream, after: int, stop: int,
                      limit: int) -> Sequence[NotificationRow]:
        # SQLite keeps whatever type a tamperer writes (text in the state column, a malformed
        # id), which the recorder's reading would fail on: read every column as bytes, so such a
        # record is reported as changed at its position instead of stopping the check.
        rows = self._query(
            "SELECT rowid, CAST(originator_id AS BLOB), CAST(originator_version AS INTEGER),"
            " CAST(topic AS BLOB), CAST(state AS BLOB) FROM events"
            " WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?", (after, stop, limit))
        return [(position, _uuid_or_nil(bytes(originator_id or b"")), version or 0,
                 bytes(topic or b"").decode(errors="surrogateescape"), bytes(state or b""))
                for position, originator_id, version, topic, state in rows]


def _uuid_or_nil(text: bytes) -> UUID:
    try:
        return UUID(text.decode())
    except ValueError:
        return UUID(int=0)
