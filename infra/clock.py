"""What time it is: one clock, chosen by the composition root and handed to every application.

Production runs on `system_clock`; tests and `ithaca demo` pass a `SettableClock` to
`bootstrap(settings, clock=...)` once and move it, instead of reaching into applications.

Events are stamped by the same clock. The eventsourcing library stamps each new event with
`create_timestamp()`, which reads the wall clock; here it reads the clock of the command that is
running (`stamping`, set around every public method of an application by
`infra.eventstore.streams.StreamApplication`), and the wall clock outside any command. The
stored event shape is the library's: only the moment written into `timestamp` changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol

from eventsourcing.domain import CanCreateTimestamp

__all__ = ["Clock", "SettableClock", "event_timestamp", "stamping", "system_clock"]


class Clock(Protocol):
    """Answers the current moment, an aware datetime in UTC."""

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    """The real time: production's clock."""
    return datetime.now(UTC)


class SettableClock:
    """A clock that says what it is told (a test's scenario, the demo's story) and, until told
    or once released, the real time."""

    def __init__(self, now: datetime | str | None = None) -> None:
        self._now: datetime | None = None if now is None else _moment(now)

    def __call__(self) -> datetime:
        return self.now

    @property
    def now(self) -> datetime:
        return self._now if self._now is not None else datetime.now(UTC)

    @now.setter
    def now(self, when: datetime) -> None:
        self._now = _moment(when)

    def set(self, when: datetime | str) -> datetime:
        """Stops the clock at this moment (ISO 8601 text or an aware datetime)."""
        self._now = _moment(when)
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Moves the clock on by a `timedelta(**delta)`."""
        self._now = self.now + timedelta(**delta)
        return self._now

    def release(self) -> None:
        """Back to the real time."""
        self._now = None

    @contextmanager
    def borrowed(self) -> Iterator[SettableClock]:
        """The clock to move at will inside; as it was (set or following the real time) after."""
        kept = self._now
        try:
            yield self
        finally:
            self._now = kept


def _moment(when: datetime | str) -> datetime:
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment.astimezone(UTC)


_stamping_clock: ContextVar[Clock | None] = ContextVar("stamping_clock", default=None)


@contextmanager
def stamping(clock: Clock) -> Iterator[None]:
    """Events created inside are stamped by this clock."""
    token = _stamping_clock.set(clock)
    try:
        yield
    finally:
        _stamping_clock.reset(token)


def event_timestamp() -> datetime:
    """A new event's `timestamp`: the running command's clock, else the real time."""
    clock = _stamping_clock.get()
    return clock() if clock is not None else datetime.now(UTC)


# The library's hook for an event's moment is the static `create_timestamp` every event class
# inherits from `CanCreateTimestamp`; replacing it there reaches every aggregate's events
# without each context's domain having to derive from a base of ours.
CanCreateTimestamp.create_timestamp = staticmethod(event_timestamp)  # type: ignore[method-assign]
