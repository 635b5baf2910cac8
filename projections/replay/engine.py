"""Point-in-time replay: a tenant's read models rebuilt as they were at a stream position.

A replay is identified by the position it stops at. A moment (a timestamp) resolves to the last
position whose event's time is at or before it (`resolve`), found by binary search over
positions, decoding one event per step (about twenty reads for a million events): event times
are in their stored state, and a stream's events are appended in the order their commands ran,
so their times rise with their positions, except within one command: its events carry the times
their aggregates made them, microseconds apart and not always in position order, so the search
ends by looking at the few events after the one it found (two commands racing within the same
milliseconds may also be recorded out of order; the answer is then one of them).

`build_replay` runs the projections of `REPLAYED` (timelines, dashboards, matching and the
replay's own member directory) with the ordinary engine (`projections.engine.Projector`) from
position 0 to the replay's position, into a place of its own (`projections.replay.places`):
never the live tables, never the live `projection_state`. Building one that exists is a no-op;
concurrent builds of one position cannot corrupt it (each builds in a temporary place, the first
to publish wins). `replay_model` then gives a `ReadModel` over the replay's store, so the
ordinary queries (dashboard, timelines, match lists on an index of the replay's own) answer
"as of" unchanged.

Replays are caches of what the log says: listed with position, as-of time, build time and size,
dropped one by one (`drop_replay`) or all of a tenant's at once (`drop_replays`, which erasure
calls so that no copy of an erased person's name outlives their key).

`ReplayBuilds` runs builds in background threads for the web app, with their progress, so that
a request for a replay of a big tenant answers 202 at once instead of waiting.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from infra.container import Ithaca
from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.streams import EventStream
from infra.logging import get_logger
from projections.dashboards.projection import DASHBOARDS
from projections.engine import CatchUp, Projection, Projector
from projections.matching.index import MatchingIndex
from projections.matching.projection import MATCHING
from projections.reading import ReadModel, open_read_model
from projections.replay.directory import DIRECTORY
from projections.replay.places import PlacedReplay, ReplayInfo, ReplayPlaces, places_for
from projections.store import ReadModelStore
from projections.timelines.projection import TIMELINES
from services.errors import InvalidInputError, NotFoundError
from tenants.directory import TenantRecord

__all__ = [
    "REPLAYED",
    "BuildProgress",
    "OpenReplay",
    "ReplayBuilds",
    "build_replay",
    "drop_replay",
    "drop_replays",
    "event_time",
    "list_replays",
    "open_replay",
    "parse_moment",
    "replay_places",
    "resolve",
    "stream_head",
]

_log = get_logger("ithaca.replay")

REPLAYED: tuple[Projection, ...] = (TIMELINES, DASHBOARDS, MATCHING, DIRECTORY)
"""The read models a replay rebuilds: the programme's (not the audit trail's own)."""

ProjectionT = TypeVar("ProjectionT", bound=Projection)
_SAME_COMMAND_WINDOW = 64
"""Events after the binary search's answer looked at for a command's out-of-order times."""
Progress = Callable[[int, int], None]
"""Called with (stream positions applied over every projection, their total)."""


def _stream(ithaca: Ithaca, tenant: TenantRecord) -> EventStream:
    return open_read_model(ithaca, tenant, DIRECTORY).stream


def replay_places(ithaca: Ithaca, tenant: TenantRecord) -> ReplayPlaces:
    return places_for(ithaca.locations[tenant.location], tenant.stream_name,
                      ithaca.settings.data_path)


def stream_head(ithaca: Ithaca, tenant: TenantRecord) -> int:
    return _stream(ithaca, tenant).events.max_notification_id() or 0


# Moments -------------------------------------------------------------------------------------


def parse_moment(text: str, field_name: str) -> datetime:
    """An ISO 8601 time (`2026-06-30T00:00Z`, `2026-06-30T02:00+02:00`, `2026-06-30`); a time
    without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            "'%(value)s' is not a time: give ISO 8601, e.g. 2026-06-30T00:00Z",
            field=field_name, values={"value": text[:40]}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Times:
    """Reads the time of the event at or around a position (one decoded event per read)."""

    def __init__(self, stream: EventStream) -> None:
        self.stream = stream
        self.mapper = MsgspecMapper(stream.personal_keys, open_personal=False)

    def time_of(self, row: Any) -> datetime:
        event: Any = self.mapper.decode(row[1], row[2], row[3], row[4])
        moment: datetime = event.timestamp
        return moment

    def at_or_after(self, position: int, head: int) -> tuple[int, datetime] | None:
        rows = self.stream.notification_rows(position - 1, head, 1)
        return (rows[0][0], self.time_of(rows[0])) if rows else None

    def at_or_before(self, position: int) -> datetime | None:
        """The time of the last event at or before `position` (positions may have gaps)."""
        window = 64
        while position > 0:
            rows = self.stream.notification_rows(max(position - window, 0), position, window)
            if rows:
                return self.time_of(rows[-1])
            position -= window
        return None


def event_time(ithaca: Ithaca, tenant: TenantRecord, position: int) -> datetime | None:
    return _Times(_stream(ithaca, tenant)).at_or_before(position)


def resolve(
    ithaca: Ithaca, tenant: TenantRecord, *, position: int | None = None,
    as_of: datetime | None = None, field_name: str = "position",
) -> int:
    """The replay position of a position (checked against the stream) or of a moment (the last
    position whose event time is at or before it). Refusals name `field_name`: 422 for what
    can never be a position, 404 for a position this tenant's stream has not reached (so
    another tenant's positions answer as unknown ones do)."""
    stream = _stream(ithaca, tenant)
    head = stream.events.max_notification_id() or 0
    if position is not None:
        if position < 1:
            raise InvalidInputError("a position is a whole number from 1", field=field_name)
        if position > head:
            raise NotFoundError("no position %(position)s in this stream (it has %(head)s)",
                                field=field_name, values={"position": position, "head": head})
        return position
    if as_of is None:
        raise InvalidInputError("give a position or a time", field=field_name)
    if as_of > ithaca.clock():
        raise InvalidInputError("%(time)s is in the future", field=field_name,
                                values={"time": as_of.isoformat()})
    times = _Times(stream)
    # Invariant: the event at `low` (0: before the log) is at or before the moment; none at
    # or after `high` is.
    low, high = 0, head + 1
    while high - low > 1:
        middle = (low + high) // 2
        found = times.at_or_after(middle, head)
        if found is None or found[0] >= high or found[1] > as_of:
            high = middle
        else:
            low = found[0]
    if low == 0:
        raise InvalidInputError("%(time)s is before the tenant's first event", field=field_name,
                                values={"time": as_of.isoformat()})
    # The events of one command carry the times their aggregates made them, microseconds
    # apart and not always in position order: the search may stop inside a command, so the
    # events just after it are looked at too.
    for row in stream.notification_rows(low, head, _SAME_COMMAND_WINDOW):
        if times.time_of(row) <= as_of:
            low = row[0]
    return low


# Building ------------------------------------------------------------------------------------


def build_replay(
    ithaca: Ithaca, tenant: TenantRecord, position: int, on_progress: Progress | None = None,
    batch_size: int | None = None,
) -> ReplayInfo:
    """Builds the replay at `position` unless it exists; answers what it holds."""
    places = replay_places(ithaca, tenant)
    if places.exists(position):
        with places.reading(position) as store:
            info = places.info_of(store)
        if info is not None:
            return info
    stream = _stream(ithaca, tenant)
    began = time.perf_counter()
    as_of = _Times(stream).at_or_before(position)
    total = position * len(REPLAYED)
    done = 0
    events = 0
    with places.building(position) as build:
        info = ReplayInfo(stream=tenant.stream_name, position=position, as_of=as_of,
                          built_at=None, events=0, seconds=0.0)
        places.write_info(build.store, info)
        for projection in REPLAYED:
            projector = Projector(stream, projection, store=build.store,
                                  batch_size=batch_size or ithaca.settings.rebuild_batch)
            projector.prepare()

            def advance(step: CatchUp, before: int = done) -> None:
                if on_progress is not None:
                    on_progress(before + step.position, total)

            result = projector.catch_up(until=position, on_batch=advance)
            done += position
            events += result.events
        info = ReplayInfo(stream=tenant.stream_name, position=position, as_of=as_of,
                          built_at=datetime.now(UTC), events=events,
                          seconds=round(time.perf_counter() - began, 3))
        places.write_info(build.store, info)
    if on_progress is not None:
        on_progress(total, total)
    _log.info("replay_built", tenant=tenant.slug, position=position, events=events,
              seconds=info.seconds, published=build.published)
    if not build.published:  # another build got there first: answer what it holds
        with places.reading(position) as store:
            return places.info_of(store) or info
    return info


# Reading -------------------------------------------------------------------------------------


@dataclass
class OpenReplay:
    """A published replay, open for reading."""

    tenant: TenantRecord
    stream: EventStream
    store: ReadModelStore
    info: ReplayInfo

    @property
    def position(self) -> int:
        return self.info.position

    @property
    def as_of(self) -> datetime:
        return self.info.as_of or datetime(1970, 1, 1, tzinfo=UTC)

    def model(self, projection: ProjectionT) -> ReadModel[ProjectionT]:
        """The replay's tables of `projection`, for the ordinary queries."""
        return ReadModel(projection, self.store, self.stream, self.tenant)

    def match_index(self) -> MatchingIndex:
        return _match_index(self.tenant, self.position, self.info.built_at)


@contextmanager
def open_replay(ithaca: Ithaca, tenant: TenantRecord, position: int) -> Iterator[OpenReplay]:
    """The published replay at `position` (NotFoundError if it has not been built)."""
    places = replay_places(ithaca, tenant)
    try:
        with places.reading(position) as store:
            info = places.info_of(store)
            if info is None or info.built_at is None:
                raise LookupError(position)
            yield OpenReplay(tenant, _stream(ithaca, tenant), store, info)
    except LookupError:
        raise NotFoundError("no replay at position %(position)s", field="position",
                            values={"position": position}) from None


def list_replays(ithaca: Ithaca, tenant: TenantRecord) -> list[PlacedReplay]:
    return replay_places(ithaca, tenant).listed()


def drop_replay(ithaca: Ithaca, tenant: TenantRecord, position: int) -> bool:
    """Drops the replay at `position`; False if there was none."""
    _forget_indexes(tenant, position)
    return replay_places(ithaca, tenant).drop(position)


def drop_replays(ithaca: Ithaca, tenant: TenantRecord) -> int:
    """Drops every replay of the tenant (erasure calls this); answers how many there were."""
    _forget_indexes(tenant, None)
    return replay_places(ithaca, tenant).drop_all()


# Match indexes of replays --------------------------------------------------------------------

_INDEXES_KEPT = 4
"""Replays whose match index stays loaded (each holds a tenant's features in memory)."""
_indexes: OrderedDict[tuple[str, str, int, datetime | None], MatchingIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def _match_index(tenant: TenantRecord, position: int, built_at: datetime | None
                 ) -> MatchingIndex:
    """An index of the replay's own, apart from the live one (`index_for`): loaded once, since
    a replay never moves. Keyed by when the replay was built too: a replay dropped and built
    again (after an erasure, or in another database) gets a fresh index."""
    key = (tenant.location, tenant.stream_name, position, built_at)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = MatchingIndex()
            while len(_indexes) > _INDEXES_KEPT:
                _indexes.popitem(last=False)
        _indexes.move_to_end(key)
    return index


def _forget_indexes(tenant: TenantRecord, position: int | None) -> None:
    with _indexes_lock:
        for key in [key for key in _indexes if key[:2] == (tenant.location, tenant.stream_name)
                    and (position is None or key[2] == position)]:
            del _indexes[key]


# Background builds ---------------------------------------------------------------------------


@dataclass
class BuildProgress:
    position: int
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def eta_seconds(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if self.done <= 0 or self.total <= 0:
            return None
        return round(elapsed * (self.total - self.done) / self.done, 1)


class ReplayBuilds:
    """Builds running in background threads of this process, one per replay; a second request
    for the same replay joins the build under way."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._builds: dict[tuple[str, str, int], BuildProgress] = {}

    def start(self, ithaca: Ithaca, tenant: TenantRecord, position: int) -> BuildProgress:
        key = (tenant.location, tenant.stream_name, position)
        with self._lock:
            progress = self._builds.get(key)
            if progress is not None:
                if progress.error is not None:  # told once; the next request tries again
                    del self._builds[key]
                return progress
            progress = self._builds[key] = BuildProgress(position)

        def run() -> None:
            def advance(done: int, total: int) -> None:
                progress.done, progress.total = done, total

            try:
                build_replay(ithaca, tenant, position, on_progress=advance)
            except Exception as error:  # shown to whoever asks next, then retried
                progress.error = repr(error)
                _log.error("replay_build_failed", tenant=tenant.slug, position=position,
                           error=repr(error))
            finally:
                progress.finished.set()
                with self._lock:
                    if progress.error is None and self._builds.get(key) is progress:
                        del self._builds[key]

        threading.Thread(target=run, name=f"replay-{tenant.slug}-{position}",
                         daemon=True).start()
        return progress

    def under_way(self, tenant: TenantRecord) -> set[int]:
        """The positions of the tenant's builds running in this process."""
        with self._lock:
            return {key[2] for key, progress in self._builds.items()
                    if key[:2] == (tenant.location, tenant.stream_name)
                    and not progress.finished.is_set()}


BUILDS = ReplayBuilds()
"""The process's background builds."""
