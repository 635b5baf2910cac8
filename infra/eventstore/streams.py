"""Event streams and where they are stored.

A *stream* is one totally ordered event log: the platform's, or one tenant's. A `Storage` is a
place streams live: a PostgreSQL server (a schema per stream, one shared pool) or a directory of
SQLite files (a file per stream: `infra.eventstore.sqlite`). `StreamApplication` is the base of
every application service: it appends to and reads from the stream it is given, so all of a
tenant's applications share one log and one notification sequence.
"""

from __future__ import annotations

import functools
import inspect
import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar, cast
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
    Mapper,
    ProcessRecorder,
    Recording,
    TrackingRecorder,
)
from eventsourcing.utils import Environment

from infra.clock import Clock, stamping, system_clock
from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.held import current_held_appends
from infra.eventstore.personal import (
    PersonalKeys,
    PostgresPersonalKeys,
)
from infra.eventstore.postgres import (
    NotificationRow,
    PostgresApplicationRecorder,
    PostgresProcessRecorder,
    PostgresSnapshotRecorder,
)
from infra.eventstore.postgres_server import PostgresServer
from infra.settings import Settings

__all__ = [
    "PLATFORM_STREAM",
    "EventStream",
    "PostgresStorage",
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

    _peers: Peers | None = None

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        self.stream = stream
        self.settings = settings or Settings()
        self.clock: Clock = clock
        """The composition root's clock: "now" for the commands, and their events' timestamp."""
        super().__init__()

    def join_peers(self, peers: Peers) -> None:
        """Called by the container that opened it: where `peer` finds the other contexts."""
        self._peers = peers

    def peer(self, app_class: type[AppT]) -> AppT:
        """Another context's application on the same stream, as the composition root holds it
        (one instance and one aggregate cache per stream, never a second one built here)."""
        if self._peers is None:
            msg = f"{type(self).__name__} was built outside the container and has no peers"
            raise RuntimeError(msg)
        return self._peers(app_class)

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
    seen when that process's keys look at the count of erased keys (at most once a second).

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


class Peers(Protocol):
    """Gives an application another context's application on its stream."""

    def __call__(self, app_class: type[AppT], /) -> AppT: ...


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
                app.join_peers(functools.partial(self.application, storage, stream_name))
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
