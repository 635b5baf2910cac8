"""PostgreSQL event streams: one schema per stream, one bounded pool per database server.

Why not the library's PostgreSQL datastore: it opens a pool per application, inserts through a
per-schema composite type whose adapter is registered per connection (so a shared pool casts one
tenant's rows to another's type), takes `LOCK TABLE ... EXCLUSIVE` in a five-statement
transaction, and notifies on a channel that ignores the schema. These recorders share one pool,
insert with plain arrays, and append in a single statement (one round trip, autocommit):

* a transaction-scoped advisory lock keyed by the stream serialises a stream's writers, so
  notification ids are committed in the order they were issued (readers never skip a gap that
  fills later) while other streams' writers go on in parallel;
* listeners are woken *after* commit by a per-server announcer that coalesces the names of the
  streams that changed into one `pg_notify('ithaca_events', <schema>)` round. NOTIFY inside the
  write would take PostgreSQL's server-wide notify lock at every commit and serialise all
  tenants' writers (measured: 8 writers on 8 tenants ran at 0.30 of raw with it, 0.70 without).
  A notification is only a wake-up hint: a listener re-reads from its own position and polls as
  a fallback, so a wake-up lost to a crash between commit and announcement delays, never loses.
  The payload is the stream's name, so one LISTEN connection per worker serves every tenant.

The library's own recorder test cases run against these classes (tests/eventstore).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
import psycopg.errors
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    ListenNotifySubscription,
    Notification,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from infra.eventstore.held import HeldAppends, WriterLock, current_held_appends
from infra.eventstore.tables import (
    CHAIN_TABLES_POSTGRES,
    MAIL_OUTBOX_TABLES_POSTGRES,
    PERSONAL_KEYS_TABLE_POSTGRES,
)
from infra.logging import get_logger

__all__ = [
    "NOTIFY_CHANNEL",
    "NotificationRow",
    "PostgresApplicationRecorder",
    "PostgresProcessRecorder",
    "PostgresServer",
    "PostgresSnapshotRecorder",
    "PostgresTrackingRecorder",
]

NOTIFY_CHANNEL = "ithaca_events"

_log = get_logger(__name__)

Connection = psycopg.Connection[tuple[Any, ...]]

NotificationRow = tuple[int, UUID, int, str, bytes]
"""A stored event as batch readers take it: (position, originator id, version, topic, state)."""

_ERRORS: list[tuple[type[psycopg.Error], type[PersistenceError]]] = [
    (psycopg.InterfaceError, InterfaceError),
    (psycopg.OperationalError, OperationalError),
    (psycopg.DataError, DataError),
    (psycopg.IntegrityError, IntegrityError),
    (psycopg.InternalError, InternalError),
    (psycopg.ProgrammingError, ProgrammingError),
    (psycopg.NotSupportedError, NotSupportedError),
    (psycopg.DatabaseError, DatabaseError),
]


class PostgresServer:
    """One bounded connection pool for every stream on one PostgreSQL server (per process)."""

    def __init__(
        self, url: str, *, pool_size: int, pool_timeout: float, application_name: str = "ithaca"
    ) -> None:
        self.url = url
        self.pool: ConnectionPool[Connection] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=pool_timeout,
            kwargs={"autocommit": True, "application_name": application_name},
            open=False,
            name=application_name,
        )
        self._opened = threading.Lock()
        self.announcer = _Announcer(self)
        self._writer_locks: dict[str, WriterLock] = {}

    def open(self) -> None:
        with self._opened:
            if self.pool.closed:
                self.pool.open(wait=True, timeout=self.pool.timeout)

    def close(self) -> None:
        self.announcer.close()
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled autocommit connection; psycopg errors become the library's persistence errors
        (so a unique violation is a RecordConflictError the application understands)."""
        if self.pool.closed:
            self.open()
        with persistence_errors(), self.pool.connection() as conn:
            yield conn

    def writer_lock(self, schema: str) -> WriterLock:
        """The one `WriterLock` of a stream of this server in this process."""
        with self._opened:
            return self._writer_locks.setdefault(schema, WriterLock())

    def held_connection(self, held: HeldAppends) -> Connection:
        """The connection of the transaction `held` keeps open on this server (begun now if
        this is its first append here); see `infra.eventstore.held`."""
        return held.transaction(self, lambda: _HeldConnection(self)).connection

    def create_stream(self, schema: str) -> None:
        """Creates a stream's schema and tables; idempotent. Called when a tenant is provisioned,
        never when an application object is constructed (that would race between workers)."""
        statements = [
            "CREATE SCHEMA IF NOT EXISTS {schema}",
            "CREATE TABLE IF NOT EXISTS {schema}.events ("
            " notification_id bigint GENERATED ALWAYS AS IDENTITY,"
            " originator_id uuid NOT NULL,"
            " originator_version bigint NOT NULL,"
            " topic text NOT NULL,"
            " state bytea NOT NULL,"
            " PRIMARY KEY (originator_id, originator_version))",
            "CREATE UNIQUE INDEX IF NOT EXISTS events_notification_id"
            " ON {schema}.events (notification_id)",
            "CREATE TABLE IF NOT EXISTS {schema}.snapshots ("
            " originator_id uuid NOT NULL,"
            " originator_version bigint NOT NULL,"
            " topic text NOT NULL,"
            " state bytea NOT NULL,"
            " PRIMARY KEY (originator_id, originator_version))",
            "CREATE TABLE IF NOT EXISTS {schema}.tracking ("
            " application_name text PRIMARY KEY,"
            " notification_id bigint NOT NULL)",
            PERSONAL_KEYS_TABLE_POSTGRES,
            *CHAIN_TABLES_POSTGRES,
            *MAIL_OUTBOX_TABLES_POSTGRES,
        ]
        with self.connection() as conn, conn.transaction():
            # Two provisioning processes racing on CREATE ... IF NOT EXISTS can still collide
            # in the catalogue; serialise them on the schema's own key.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (stream_lock_key(schema),))
            for statement in statements:
                conn.execute(sql.SQL(statement).format(schema=sql.Identifier(schema)))

    def drop_stream(self, schema: str) -> None:
        with self.connection() as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )

    def stream_exists(self, schema: str) -> bool:
        with self.connection() as conn:
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".events',)
            ).fetchone()
        return bool(row and row[0])

    def check(self) -> None:
        """Raises if the server cannot answer a query now (readiness)."""
        with self.connection() as conn:
            conn.execute("SELECT 1")


class _Announcer:
    """Sends `pg_notify` for streams that changed, after their writes committed.

    The first change after a quiet spell is announced at once; changes arriving within
    `ROUND_SECONDS` of a round wait for the next one, which names every stream changed
    meanwhile in one statement. A notify per commit would cost a statement per command: with
    one writer it took the append from 0.95 to 0.53 of a raw insert.
    """

    ROUND_SECONDS = 0.01

    def __init__(self, server: PostgresServer) -> None:
        self._server = server
        self._changed: set[str] = set()
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def announce(self, stream: str) -> None:
        with self._wake:
            if self._closed:
                return
            self._changed.add(stream)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ithaca-announcer", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._changed and not self._closed:
                    self._wake.wait()
                if self._closed and not self._changed:
                    return
                streams, self._changed = sorted(self._changed), set()
            try:
                with self._server.connection() as conn:
                    conn.execute(
                        "SELECT pg_notify(%s, stream) FROM unnest(%s::text[]) AS stream",
                        (NOTIFY_CHANNEL, streams),
                    )
            except PersistenceError as error:
                # A lost wake-up only delays listeners until their next poll.
                _log.warning("announce_failed", streams=streams, error=str(error))
            with self._wake:
                self._wake.wait_for(lambda: self._closed, timeout=self.ROUND_SECONDS)


def stream_lock_key(schema: str) -> int:
    """A stable signed 64-bit advisory-lock key for a stream's writers."""
    digest = hashlib.blake2b(f"ithaca.stream.{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def persistence_errors() -> Iterator[None]:
    """psycopg's errors as the library's persistence errors (a unique violation becomes a
    RecordConflictError the application understands)."""
    try:
        yield
    except PoolTimeout as error:
        raise OperationalError(f"no database connection free: {error}") from error
    except psycopg.Error as error:
        for psycopg_class, persistence_class in _ERRORS:
            if isinstance(error, psycopg_class):
                raise persistence_class(str(error)) from error
        raise PersistenceError(str(error)) from error


class _HeldConnection:
    """A pooled connection taken out for one request's held appends, in an open transaction."""

    def __init__(self, server: PostgresServer) -> None:
        if server.pool.closed:
            server.open()
        self._server = server
        with persistence_errors():
            self.connection = server.pool.getconn()
            try:
                self.connection.execute("BEGIN")
            except BaseException:
                server.pool.putconn(self.connection)
                raise

    def commit(self) -> None:
        try:
            with persistence_errors():
                self.connection.execute("COMMIT")
        finally:
            self._server.pool.putconn(self.connection)

    def rollback(self) -> None:
        try:
            self.connection.execute("ROLLBACK")
        finally:
            self._server.pool.putconn(self.connection)


def _stored_events(rows: Sequence[tuple[Any, ...]]) -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=row[0], originator_version=row[1], topic=row[2], state=bytes(row[3])
        )
        for row in rows
    ]


class _SchemaRecorder:
    def __init__(self, server: PostgresServer, schema: str) -> None:
        self.server = server
        self.schema = schema

    def _sql(self, statement: str, **identifiers: str) -> sql.Composed:
        return sql.SQL(statement).format(
            schema=sql.Identifier(self.schema),
            **{name: sql.Identifier(value) for name, value in identifiers.items()},
        )


class _EventTableRecorder(_SchemaRecorder, AggregateRecorder):
    table = "events"

    def __init__(self, server: PostgresServer, schema: str) -> None:
        super().__init__(server, schema)
        self._select_events = self._sql(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
            " WHERE originator_id = %s",
            table=self.table,
        )

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement = self._select_events
        params: list[Any] = [originator_id]
        if gt is not None:
            statement += sql.SQL(" AND originator_version > %s")
            params.append(gt)
        if lte is not None:
            statement += sql.SQL(" AND originator_version <= %s")
            params.append(lte)
        statement += sql.SQL(" ORDER BY originator_version DESC" if desc else
                             " ORDER BY originator_version")
        if limit is not None:
            statement += sql.SQL(" LIMIT %s")
            params.append(limit)
        with self.server.connection() as conn:
            return _stored_events(conn.execute(statement, params).fetchall())


class PostgresSnapshotRecorder(_EventTableRecorder):
    """Aggregate snapshots of one stream (no notification ids, no ordering lock)."""

    table = "snapshots"

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if stored_events:
            with self.server.connection() as conn:
                conn.execute(
                    self._sql(
                        "INSERT INTO {schema}.snapshots"
                        " (originator_id, originator_version, topic, state)"
                        " SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %b::bytea[])"
                    ),
                    _columns(stored_events),
                )
        return None


def _columns(stored_events: Sequence[StoredEvent]) -> tuple[list[Any], ...]:
    return (
        [event.originator_id for event in stored_events],
        [event.originator_version for event in stored_events],
        [event.topic for event in stored_events],
        [event.state for event in stored_events],
    )


class PostgresApplicationRecorder(_EventTableRecorder, ApplicationRecorder):
    """A stream's totally ordered event log."""

    def __init__(self, server: PostgresServer, schema: str) -> None:
        super().__init__(server, schema)
        self.lock_key = stream_lock_key(schema)
        # This process's writers of the stream queue here, holding no connection while they
        # wait (see `infra.eventstore.held`); the advisory lock orders all processes' writers.
        self.writers = server.writer_lock(schema)
        # One statement, one round trip: lock the stream, insert, and return the notification
        # ids in insertion order. The lock's CTE is MATERIALIZED so it runs once, before any row
        # (and so any identity value) is produced; the lock is released at commit. Most commands
        # append one event, which gets a statement without arrays (their conversion cost more
        # client CPU than the rest of the append). The SQL text is rendered once, here.
        lock = "WITH writer AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s))"
        insert = " INSERT INTO {schema}.events (originator_id, originator_version, topic, state)"
        self._append_one = self._sql(
            lock + insert + " SELECT %s::uuid, %s::bigint, %s::text, %b::bytea FROM writer"
            " RETURNING notification_id"
        ).as_bytes(None)
        self._append_many = self._sql(
            lock + insert + " SELECT e.originator_id, e.originator_version, e.topic, e.state"
            " FROM writer, unnest(%s::uuid[], %s::bigint[], %s::text[], %b::bytea[])"
            " WITH ORDINALITY AS e(originator_id, originator_version, topic, state, position)"
            " ORDER BY e.position"
            " RETURNING notification_id"
        ).as_bytes(None)
        self._max_notification_id = self._sql("SELECT max(notification_id) FROM {schema}.events")

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        held = current_held_appends()
        if held is not None:
            held.hold_lock(self.writers, self.server.pool.timeout)
            conn = self.server.held_connection(held)
            # A savepoint: a refused append (a lost race) leaves the held ones in place.
            with persistence_errors(), conn.transaction():
                notification_ids = self._insert(conn, stored_events)
            held.after_commit(self, lambda: self.server.announcer.announce(self.schema))
            return notification_ids
        with self.writers.writing(self.server.pool.timeout), self.server.connection() as conn:
            notification_ids = self._insert(conn, stored_events)
        self.server.announcer.announce(self.schema)
        return notification_ids

    def _insert(self, conn: Connection, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Appends in the connection's current transaction (or commits at once in autocommit);
        the caller announces the stream once the transaction has committed."""
        if len(stored_events) == 1:
            event = stored_events[0]
            rows = conn.execute(
                self._append_one,
                (self.lock_key, event.originator_id, event.originator_version, event.topic,
                 event.state),
            ).fetchall()
        else:
            rows = conn.execute(
                self._append_many, (self.lock_key, *_columns(stored_events))
            ).fetchall()
        return [row[0] for row in rows]

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        rows = self.select_notification_rows(
            start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
        return [
            Notification(id=row[0], originator_id=row[1], originator_version=row[2],
                         topic=row[3], state=row[4])
            for row in rows
        ]

    def select_notification_rows(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> list[NotificationRow]:
        """`select_notifications` as plain tuples, for batch readers: a million events are a
        million `Notification` objects fewer."""
        conditions: list[sql.Composable] = []
        params: list[Any] = []
        if start is not None:
            conditions.append(sql.SQL("notification_id >= %s" if inclusive_of_start
                                      else "notification_id > %s"))
            params.append(start)
        if stop is not None:
            conditions.append(sql.SQL("notification_id <= %s"))
            params.append(stop)
        if topics:
            conditions.append(sql.SQL("topic = ANY(%s)"))
            params.append(list(topics))
        statement = self._sql(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM {schema}.events"
        )
        if conditions:
            statement += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions)
        statement += sql.SQL(" ORDER BY notification_id LIMIT %s")
        params.append(limit)
        with self.server.connection() as conn:
            # Binary results: bytea arrives as it is stored, not as hex text to parse.
            return conn.cursor(binary=True).execute(statement, params).fetchall()

    def max_notification_id(self) -> int | None:
        with self.server.connection() as conn:
            row = conn.execute(self._max_notification_id).fetchone()
        return row[0] if row else None

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return PostgresSubscription(recorder=self, gt=gt, topics=topics)


class PostgresSubscription(ListenNotifySubscription[PostgresApplicationRecorder]):
    """Follows one stream: wakes on the shared channel when the payload names this stream."""

    def __init__(
        self,
        recorder: PostgresApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._listen_thread = threading.Thread(target=self._listen, daemon=True)
        self._listen_thread.start()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._listen_thread.join()

    def _listen(self) -> None:
        try:
            with psycopg.connect(self._recorder.server.url, autocommit=True) as conn:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_CHANNEL)))
                self._has_been_notified.set()  # pull again: events committed before LISTEN
                while not self._has_been_stopped and not self._thread_error:
                    for notify in conn.notifies(timeout=0.1, stop_after=1):
                        if notify.payload == self._recorder.schema:
                            self._has_been_notified.set()
        except BaseException as error:
            if self._thread_error is None:
                self._thread_error = error
            self.stop()


class PostgresTrackingRecorder(_SchemaRecorder, TrackingRecorder):
    """Positions of the projections and processes that follow a stream (one row each)."""

    def __init__(self, server: PostgresServer, schema: str) -> None:
        super().__init__(server, schema)
        self._upsert = self._sql(
            "INSERT INTO {schema}.tracking AS t (application_name, notification_id)"
            " VALUES (%s, %s) ON CONFLICT (application_name) DO UPDATE"
            " SET notification_id = excluded.notification_id"
            " WHERE t.notification_id < excluded.notification_id"
            " RETURNING notification_id"
        )
        self._select = self._sql(
            "SELECT notification_id FROM {schema}.tracking WHERE application_name = %s"
        )

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.server.connection() as conn:
            self._insert_tracking(conn, tracking)

    def _insert_tracking(self, conn: Connection, tracking: Tracking) -> None:
        row = conn.execute(
            self._upsert, (tracking.application_name, tracking.notification_id)
        ).fetchone()
        if row is None:
            msg = (
                f"{tracking.application_name} is already at or beyond "
                f"{tracking.notification_id} in stream {self.schema}"
            )
            raise IntegrityError(msg)

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.server.connection() as conn:
            row = conn.execute(self._select, (application_name,)).fetchone()
        return row[0] if row else None


class PostgresProcessRecorder(
    PostgresTrackingRecorder, PostgresApplicationRecorder, ProcessRecorder
):
    """Records new events and the position they were derived from in one transaction."""

    def __init__(self, server: PostgresServer, schema: str) -> None:
        PostgresTrackingRecorder.__init__(self, server, schema)
        PostgresApplicationRecorder.__init__(self, server, schema)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is None:
            return super().insert_events(stored_events)
        with (self.writers.writing(self.server.pool.timeout) if stored_events
              else contextlib.nullcontext()), \
                self.server.connection() as conn, conn.transaction():
            self._insert_tracking(conn, tracking)
            notification_ids = self._insert(conn, stored_events) if stored_events else []
        if notification_ids:
            self.server.announcer.announce(self.schema)
        return notification_ids
