"""Event streams and where they are stored.

A *stream* is one totally ordered event log: the platform's, or one tenant's. A `Storage` is a
place streams live: a PostgreSQL server (a schema per stream, one shared pool) or a directory of
SQLite files (a file per stream). `StreamApplication` is the base of every application service:
it appends to and reads from the stream it is given, so all of a tenant's applications share one
log and one notification sequence.
"""

from __future__ import annotations

import functools
import inspect
import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import BaseAggregate
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    IntegrityError,
    Mapper,
    OperationalError,
    PersistenceError,
    ProcessRecorder,
    Recording,
    TrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteConnection,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteProcessRecorder,
)
from eventsourcing.utils import Environment

from infra.clock import Clock, stamping, system_clock
from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.held import WriterLock, current_held_appends
from infra.eventstore.personal import (
    PersonalKeys,
    PostgresPersonalKeys,
    SQLitePersonalKeys,
)
from infra.eventstore.postgres import (
    NotificationRow,
    PostgresApplicationRecorder,
    PostgresProcessRecorder,
    PostgresServer,
    PostgresSnapshotRecorder,
)
from infra.eventstore.tables import (
    CHAIN_TABLES_SQLITE,
    MAIL_OUTBOX_TABLES_SQLITE,
    PERSONAL_KEYS_TABLE_SQLITE,
)
from infra.settings import Settings

__all__ = [
    "PLATFORM_STREAM",
    "EventStream",
    "PostgresStorage",
    "SQLiteStorage",
    "Storage",
    "StreamApplication",
    "listen_to_appends",
    "tenant_stream_name",
]

PLATFORM_STREAM = "platform"
_STREAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def tenant_stream_name(slug: str) -> str:
    """The stream (PostgreSQL schema, SQLite file stem) of a tenant: `tenant_` + slug."""
    return "tenant_" + slug.replace("-", "_")


_append_listeners: list[Callable[[str], None]] = []


def listen_to_appends(listener: Callable[[str], None]) -> Callable[[], None]:
    """Calls `listener(stream name)` after this process appends to a stream; returns the function
    that stops it. SQLite has no NOTIFY, so in-process projection workers wake on this (on
    PostgreSQL, other processes' appends arrive by LISTEN as well)."""
    _append_listeners.append(listener)
    return lambda: _append_listeners.remove(listener)


@dataclass(frozen=True)
class EventStream:
    """One stream's recorders. The events recorder is also a process recorder, so a process or
    projection can append events and its position in one transaction."""

    name: str
    events: ProcessRecorder
    snapshots: AggregateRecorder
    personal_keys: PersonalKeys

    def notification_rows(
        self, after: int, stop: int, limit: int, topics: Sequence[str] = (),
    ) -> Sequence[NotificationRow]:
        """Up to `limit` events after position `after` and up to `stop`, of `topics` (all if
        none), as plain rows for `MsgspecMapper.decode`; the batch readers' path."""
        if isinstance(self.events, PostgresApplicationRecorder):
            return self.events.select_notification_rows(
                after, limit, stop, topics, inclusive_of_start=False)
        return [
            (n.id, cast(UUID, n.originator_id), n.originator_version, n.topic, n.state)
            for n in self.events.select_notifications(
                after, limit, stop, topics, inclusive_of_start=False)
        ]


class Storage(ABC):
    """Where streams live. Creating a stream is explicit (`create_stream` at provisioning);
    opening one that was never created is an error, not a silent creation."""

    kind: ClassVar[str]

    @abstractmethod
    def create_stream(self, name: str) -> None: ...

    @abstractmethod
    def drop_stream(self, name: str) -> None: ...

    @abstractmethod
    def stream_exists(self, name: str) -> bool: ...

    @abstractmethod
    def open_stream(self, name: str) -> EventStream: ...

    def close_stream(self, stream: EventStream) -> None:  # noqa: B027 - an optional hook
        """Releases what an open stream holds (nothing, where connections are pooled)."""

    @abstractmethod
    def check(self) -> None:
        """Raises if the storage cannot serve a query now."""

    @abstractmethod
    def close(self) -> None: ...

    @staticmethod
    def _check_name(name: str) -> None:
        if not _STREAM_NAME.match(name):
            msg = f"not a stream name: {name!r}"
            raise ValueError(msg)


class PostgresStorage(Storage):
    """Streams as schemas on one server; every stream shares the server's one pool."""

    kind = "postgresql"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server

    def create_stream(self, name: str) -> None:
        self._check_name(name)
        self.server.create_stream(name)

    def drop_stream(self, name: str) -> None:
        self._check_name(name)
        self.server.drop_stream(name)

    def stream_exists(self, name: str) -> bool:
        self._check_name(name)
        return self.server.stream_exists(name)

    def open_stream(self, name: str) -> EventStream:
        self._check_name(name)
        return EventStream(
            name=name,
            events=PostgresProcessRecorder(self.server, name),
            snapshots=PostgresSnapshotRecorder(self.server, name),
            personal_keys=PostgresPersonalKeys(self.server, name),
        )

    def check(self) -> None:
        self.server.check()

    def close(self) -> None:
        self.server.close()


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
                for statement in MAIL_OUTBOX_TABLES_SQLITE:
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


class _StreamFactory(InfrastructureFactory[TrackingRecorder]):
    """Hands the library the recorders of one already-open stream; owns no connections."""

    def __init__(self, env: Environment, stream: EventStream) -> None:
        super().__init__(env)
        self.stream = stream

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        return self.stream.snapshots if purpose == "snapshots" else self.stream.events

    def application_recorder(self) -> ApplicationRecorder:
        return self.stream.events

    def tracking_recorder(self, tracking_recorder_class: Any = None) -> TrackingRecorder:
        return self.stream.events

    def process_recorder(self) -> ProcessRecorder:
        return self.stream.events

    def close(self) -> None:
        """The storage, not the application, owns the stream's connections."""


class StreamApplication(Application[UUID]):
    """Base of Ithaca's application services: bound to one stream, configured by code.

    Subclasses pin `name` (it names their position in tracking tables). The environment is
    not consulted: configuration comes from `infra.settings.Settings` through the composition
    root, so two processes with different `os.environ` cannot disagree about persistence.
    """

    name = "StreamApplication"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        self.stream = stream
        self.settings = settings or Settings()
        self.clock: Clock = clock
        """The composition root's clock: "now" for the commands, and their events' timestamp."""
        super().__init__()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every command runs with the application's clock stamping the events it creates, so
        # no command can mix the real time into a story told on another clock.
        super().__init_subclass__(**kwargs)
        for attribute, value in list(vars(cls).items()):
            if not attribute.startswith("_") and inspect.isfunction(value):
                setattr(cls, attribute, _stamped(value))

    def construct_env(self, name: str, env: Any = None) -> Environment:
        return Environment(name, dict(type(self).env))

    def construct_factory(self, env: Environment) -> InfrastructureFactory[TrackingRecorder]:
        return _StreamFactory(env, self.stream)

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(self.stream.personal_keys)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's `save`, minus its runtime Protocol checks when only aggregates are saved
        (those checks cost about a tenth of the client's time on a one-event command)."""
        if not all(isinstance(obj, BaseAggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in objs:
            processing_event.events.extend(aggregate.collect_events())
            processing_event.aggregates[aggregate.id] = aggregate
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if not recordings:
            return
        held = current_held_appends()
        if held is not None and held.holding:  # the events are not visible before the commit
            held.after_commit(("notify", self.stream.name), self._wake_listeners)
        else:
            self._wake_listeners()

    def _wake_listeners(self) -> None:
        for listener in tuple(_append_listeners):
            listener(self.stream.name)

    def construct_repository(self) -> Repository[UUID]:
        repository = super().construct_repository()
        return _ErasureAwareRepository(repository, self.stream.personal_keys)

    @property
    def position(self) -> int:
        """The stream's last notification id (0 when empty)."""
        return self.recorder.max_notification_id() or 0


class _ErasureAwareRepository(Repository[UUID]):
    """The library's repository, whose aggregate cache (opened personal data included) is
    dropped once a person is erased through this stream's keys. Erasure in another process is
    seen when that process's keys are consulted (issue 6 broadcasts it).

    A cached aggregate is shared by every thread and never changed: the library fast-forwards
    it in place, under a lock, while other threads deep-copy it without one ("dictionary changed
    size during iteration", or a copy half old and half new). Here new events are applied to a
    copy, which then replaces the cached one; every caller gets a copy of its own."""

    def __init__(self, repository: Repository[UUID], personal_keys: PersonalKeys) -> None:
        self.__dict__.update(repository.__dict__)
        self._personal_keys = personal_keys
        self._erasures_seen = personal_keys.erasures

    def get(
        self, aggregate_id: UUID, *, version: int | None = None,
        projector_func: Any = project_aggregate, **kwargs: Any,
    ) -> Any:
        if self._erasures_seen != self._personal_keys.erasures:
            self._erasures_seen = self._personal_keys.erasures
            if isinstance(self.cache, LRUCache):
                # A new cache: the library's `LRUCache.clear` keeps its dict of entries.
                self.cache = LRUCache(maxsize=self.cache.maxsize)
        cache = self.cache  # what a get begun before an erasure puts back goes nowhere
        if cache is None or version is not None or not self.fastforward:
            return super().get(
                aggregate_id, version=version, projector_func=projector_func, **kwargs)
        try:
            cached = cache.get(aggregate_id)
        except KeyError:
            aggregate = self._reconstruct_aggregate(aggregate_id, None, projector_func)
        else:
            aggregate = deepcopy(cached)
            new_events = list(self.event_store.get(originator_id=aggregate_id,
                                                   gt=aggregate.version))
            if not new_events:
                return aggregate
            aggregate = projector_func(aggregate, new_events)
            if aggregate is None:
                raise AggregateNotFoundError(aggregate_id)
        cache.put(aggregate_id, aggregate)
        return deepcopy(aggregate)


AppT = TypeVar("AppT", bound=StreamApplication)


def _stamped(method: Callable[..., Any]) -> Callable[..., Any]:
    if getattr(method, "_stamped", False):
        return method

    @functools.wraps(method)
    def stamped(self: StreamApplication, *args: Any, **kwargs: Any) -> Any:
        with stamping(self.clock):
            return method(self, *args, **kwargs)

    stamped._stamped = True  # type: ignore[attr-defined]
    return stamped


class OpenStreams:
    """A process's open streams and the applications bound to them, least recently used first
    out, so a thousand provisioned tenants cost nothing until they are used."""

    def __init__(
        self, capacity: int, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        self.capacity = capacity
        self.settings = settings or Settings()
        self.clock = clock
        self._lock = threading.RLock()
        self._entries: OrderedDict[tuple[Storage, str], _OpenStream] = OrderedDict()

    def application(self, storage: Storage, stream_name: str, app_class: type[AppT]) -> AppT:
        with self._lock:
            key = (storage, stream_name)
            entry = self._entries.get(key)
            if entry is None:
                entry = _OpenStream(storage, storage.open_stream(stream_name))
                self._entries[key] = entry
                self._evict()
            self._entries.move_to_end(key)
            app = entry.applications.get(app_class)
            if app is None:
                app = entry.applications[app_class] = app_class(
                    entry.stream, self.settings, self.clock
                )
            assert isinstance(app, app_class)
            return app

    def forget(self, storage: Storage, stream_name: str) -> None:
        with self._lock:
            entry = self._entries.pop((storage, stream_name), None)
        if entry is not None:
            entry.close()

    def close(self) -> None:
        with self._lock:
            entries, self._entries = list(self._entries.values()), OrderedDict()
        for entry in entries:
            entry.close()

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        while len(self._entries) > self.capacity:
            _, entry = self._entries.popitem(last=False)
            entry.close()


@dataclass
class _OpenStream:
    storage: Storage
    stream: EventStream

    def __post_init__(self) -> None:
        self.applications: dict[type[StreamApplication], StreamApplication] = {}

    def close(self) -> None:
        self.storage.close_stream(self.stream)
