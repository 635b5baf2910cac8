"""The simulation's machinery: an agenda of (time, action) played in time order on one clock,
the seeded randomness every choice comes from, and the appends of what the actions recorded.

Time is simulated: the clock is put into the library's `create_timestamp` for the duration of a
run, so no other thread of the process should create domain events meanwhile."""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from eventsourcing.domain import Aggregate, BaseAggregate, CanCreateTimestamp

from bench.synthetic_journeys.people import DAY, Entrepreneur, Mentor, Person
from infra.eventstore.streams import StreamApplication
from services.actor import Actor
from services.programme.domain import ProgrammeSettings

SYNTHETIC_PASSWORD = "synthetic journeys password"  # noqa: S105 - synthetic members only
SPAN = timedelta(days=548)

Action = Callable[..., None]


class Simulation:
    """The agenda, the clock and the programme's state so far; the journeys' steps are the
    actions of its subclasses."""

    def __init__(
        self, app: StreamApplication, *, seed: int, start: datetime, batch_events: int
    ) -> None:
        self.app = app
        self.rng = random.Random(seed)  # noqa: S311 - a repeatable workload, not a secret
        self.start, self.end = start, start + SPAN
        self.now = start
        self.batch_events = batch_events
        self.agenda: list[tuple[datetime, int, Action, tuple[Any, ...]]] = []
        self.order = itertools.count()
        self.pending: list[Any] = []
        self.written = 0
        self.head = 0
        self.appender: ThreadPoolExecutor | None = None
        self.appending: Future[int] | None = None
        self.kinds: Counter[type] = Counter()
        self.secret = app.stream.personal_keys.stream_secret()
        self.password_hash = PasswordHasher(time_cost=1, memory_cost=1024).hash(
            SYNTHETIC_PASSWORD)
        self.entrepreneurs: list[Entrepreneur] = []
        self.mentors: list[Mentor] = []
        self.ready_mentors: list[Mentor] = []
        self.relationship_ids: list[UUID] = []
        self.settings = ProgrammeSettings()
        self.admin = Actor(kind="cli", id="synthetic-journeys")

    def at(self, when: datetime, action: Action, *args: Any) -> None:
        if when <= self.end:
            heapq.heappush(self.agenda, (when, next(self.order), action, args))

    def after(self, delay: timedelta, action: Action, *args: Any) -> None:
        self.at(self.now + delay, action, *args)

    def days(self, low: float, high: float) -> timedelta:
        return self.rng.uniform(low, high) * DAY

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def run(self) -> None:
        # Appends run in a thread, one at a time and in order, while the next batch is played
        # out: about half of an append is waiting for the database.
        simulated_time = _replaced(CanCreateTimestamp, "create_timestamp", lambda: self.now)
        with simulated_time, ThreadPoolExecutor(1) as appender:
            self.appender = appender
            while self.agenda:
                when, _, action, args = heapq.heappop(self.agenda)
                self.now = when
                action(*args)
                if len(self.pending) >= self.batch_events:
                    self.flush()
            self.flush()
            self._appended()

    def record(self, *aggregates: BaseAggregate[UUID]) -> None:
        """One command's aggregates, recorded together as the application services do."""
        for aggregate in aggregates:
            for domain_event in aggregate.collect_events():
                self.pending.append(domain_event)
                self.kinds[type(domain_event)] += 1

    def flush(self) -> None:
        if self.pending:
            self._appended()
            assert self.appender is not None
            self.appending = self.appender.submit(self._append, self.pending)
            self.written += len(self.pending)
            self.pending = []

    def _append(self, events: list[Any]) -> int:
        recordings = self.app.events.put(events)
        return recordings[-1].notification.id

    def _appended(self) -> None:
        """Waits for the append in flight (raising what it raised)."""
        if self.appending is not None:
            self.head = self.appending.result()
            self.appending = None

    def new_id(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def member_actor(self, person: Person) -> Actor:
        return Actor(kind="member", id=str(person.id),
                     correlation_id=f"{self.rng.getrandbits(128):032x}")

    def visitor(self) -> Actor:
        return Actor(kind="visitor", id="anonymous",
                     correlation_id=f"{self.rng.getrandbits(128):032x}")

    @contextmanager
    def seeded_id(self) -> Iterator[None]:
        """An aggregate created meanwhile whose class leaves its id to chance
        (`Aggregate.create_id`) takes one drawn from the seed, so a seed writes the same ids."""
        drawn = self.new_id()
        with _replaced(Aggregate, "create_id", lambda: drawn):
            yield


@contextmanager
def _replaced(kind: type, name: str, function: Callable[[], Any]) -> Iterator[None]:
    """`kind.name` is the static method `function` meanwhile (the library's defaults, overridden
    for the simulation)."""
    original = kind.__dict__[name]
    setattr(kind, name, staticmethod(function))
    try:
        yield
    finally:
        setattr(kind, name, original)
