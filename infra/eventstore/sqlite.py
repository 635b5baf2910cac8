"""SQLite event streams: a file per stream under a data directory, whose writes join the request's
held appends when there are any (`infra.eventstore.held`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteConnection,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteProcessRecorder,
)

from infra.eventstore.held import WriterLock, current_held_appends
from infra.eventstore.personal import SQLitePersonalKeys
from infra.eventstore.streams import EventStream, Storage
from infra.eventstore.tables import (
    CHAIN_TABLES_SQLITE,
    DUE_WORK_TABLES_SQLITE,
    MAIL_OUTBOX_MIGRATION_SQLITE,
    PERSONAL_KEYS_TABLE_SQLITE,
)

__all__ = ["SQLiteStorage"]


class SQLiteStorage(Storage):
    """Streams as SQLite files under a data directory: `<dir>/<stream>.sqlite3`."""

    kind = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, name: str) -> Path:
        self._check_name(name)
        return self.directory / f"{name}.sqlite3"

    def _datastore(self, name: str) -> SQLiteDatastore:
        # Few connections per file: SQLite has one writer at a time anyway, and an open stream
        # must stay cheap because a process may keep hundreds of them.
        return _HoldingSQLiteDatastore(
            str(self.path(name)), lock_timeout=10, pool_size=2, max_overflow=4
        )

    def _recorders(self, datastore: SQLiteDatastore) -> tuple[
        SQLiteProcessRecorder, SQLiteAggregateRecorder
    ]:
        return (
            # The library names the SQLite tracking table "tracking", as ours is on PostgreSQL.
            SQLiteProcessRecorder(datastore, events_table_name="events"),
            SQLiteAggregateRecorder(datastore, events_table_name="snapshots"),
        )

    def create_stream(self, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        datastore = self._datastore(name)
        try:
            for recorder in self._recorders(datastore):
                recorder.create_table()
            with datastore.transaction(commit=True) as cursor:
                cursor.execute(PERSONAL_KEYS_TABLE_SQLITE)
                for statement in CHAIN_TABLES_SQLITE:
                    cursor.execute(statement)
                for statement in DUE_WORK_TABLES_SQLITE:
                    cursor.execute(statement)
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mail_outbox'")
                if cursor.fetchone() is not None:
                    for statement in MAIL_OUTBOX_MIGRATION_SQLITE:
                        cursor.execute(statement)
        finally:
            datastore.close()

    def drop_stream(self, name: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path(name)}{suffix}").unlink(missing_ok=True)

    def stream_exists(self, name: str) -> bool:
        return self.path(name).exists()

    def open_stream(self, name: str) -> EventStream:
        if not self.stream_exists(name):
            msg = f"stream {name!r} was never created in {self.directory}"
            raise LookupError(msg)
        datastore = self._datastore(name)
        events, snapshots = self._recorders(datastore)
        return EventStream(
            name=name,
            events=events,
            snapshots=snapshots,
            personal_keys=SQLitePersonalKeys(datastore),
        )

    def close_stream(self, stream: EventStream) -> None:
        assert isinstance(stream.events, SQLiteProcessRecorder)
        stream.events.datastore.close()

    def check(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        probe = self.directory / ".ready"
        probe.write_text("ok")
        probe.unlink()

    def close(self) -> None:
        """Open streams are closed by whoever opened them (see `OpenStreams`)."""


class _HoldingSQLiteDatastore(SQLiteDatastore):
    """A stream's SQLite file, whose writes join the request's held appends when there are
    any (`infra.eventstore.held`). SQLite has one writer per file: a write of the same request
    on another connection would wait for the held one, so every write joins it, each under a
    savepoint. Reads do not: they see what is committed."""

    def __init__(self, path: str, *, lock_timeout: int, pool_size: int, max_overflow: int) -> None:
        super().__init__(
            path, lock_timeout=lock_timeout, pool_size=pool_size, max_overflow=max_overflow
        )
        self.path, self.lock_timeout = path, lock_timeout
        # This process's writers of the file queue here, holding nothing of the pool while they
        # wait (a thread waiting for the pool's writer blocks every reader of the pool, the
        # request holding its appends included: see `infra.eventstore.held`).
        self.writers = WriterLock()

    @contextmanager
    def get_connection(self, *, commit: bool) -> Iterator[SQLiteConnection]:
        if not commit:
            with super().get_connection(commit=commit) as connection:
                yield connection
            return
        with self.writers.writing(self.lock_timeout), \
                super().get_connection(commit=commit) as connection:
            yield connection

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        held = current_held_appends() if commit else None
        if held is None:
            with super().transaction(commit=commit) as cursor:
                yield cursor
            return
        held.hold_lock(self.writers, self.lock_timeout)
        connection = held.transaction(
            self, lambda: _HeldSQLiteConnection(self.path, self.lock_timeout)
        )
        # Savepoints on a cursor of their own: callers may close the cursor they are given.
        with _sqlite_errors(), connection.cursor() as control:
            control.execute("SAVEPOINT held_append")
            try:
                yield connection.cursor()
            except BaseException:
                control.execute("ROLLBACK TO held_append")
                control.execute("RELEASE held_append")
                raise
            control.execute("RELEASE held_append")


class _HeldSQLiteConnection:
    """A connection of its own to the file, in a write transaction, for one request's held
    appends. Not the pool's writer: a thread waiting for the pool's writer holds the pool's
    queue, so the request's own reads would wait behind it (a deadlock until the pool's
    timeout); other writers wait in SQLite's busy handler instead, for milliseconds."""

    def __init__(self, path: str, lock_timeout: float) -> None:
        with _sqlite_errors():
            raw = sqlite3.connect(
                path, uri=True, check_same_thread=False, isolation_level=None,
                timeout=lock_timeout,
            )
            raw.row_factory = sqlite3.Row  # as the library's own connections
            try:
                raw.execute("BEGIN IMMEDIATE")
            except BaseException:
                raw.close()
                raise
        self._raw = raw

    def cursor(self) -> SQLiteCursor:
        return SQLiteCursor(self._raw.cursor())

    def commit(self) -> None:
        try:
            with _sqlite_errors():
                self._raw.commit()
        finally:
            self._raw.close()

    def rollback(self) -> None:
        try:
            self._raw.rollback()
        finally:
            self._raw.close()


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """sqlite3's errors as the library's persistence errors, as its own transactions raise them
    (a unique violation is a RecordConflictError)."""
    try:
        yield
    except sqlite3.IntegrityError as error:
        raise IntegrityError(error) from error
    except sqlite3.OperationalError as error:
        raise OperationalError(error) from error
    except sqlite3.Error as error:
        raise PersistenceError(error) from error
