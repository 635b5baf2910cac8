"""Appends held open until a request's answer is recorded beside them.

A command retried with an `Idempotency-Key` must get its first answer back, so that answer has
to become durable exactly when the command's events do: with two separate appends, a crash or
an outage between them left events whose answer was lost, and every retry was refused for ever
while the client never learnt the id it had created. While a `HeldAppends` is current
(`holding_appends()`), the first append to a stream opens a transaction on a connection of its
own and every later append made in the same context joins it under a savepoint (so a refused
append, such as a lost optimistic-concurrency race, can be retried inside it); `commit()` makes
them durable together and runs what waited for the commit (wake-ups of listeners and mailers);
leaving the context without committing rolls everything back.

Reads are never held: they use the pool and see only committed events, so no aggregate cache
ever holds a version that could still be rolled back.

While its appends are held, a request owns its stream's `WriterLock` in this process: the other
writers of the stream wait for it *before* they take a pooled connection. Waiting inside the
database instead (PostgreSQL's stream lock, SQLite's write lock) would hold connections that
the request itself may need for a read before it commits: a deadlock until the pool's timeout.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from eventsourcing.persistence import ConnectionUnavailableError

from infra.logging import get_logger

__all__ = [
    "HeldAppends",
    "HeldTransaction",
    "WriterLock",
    "current_held_appends",
    "holding_appends",
]

_log = get_logger(__name__)


class HeldTransaction(Protocol):
    """One backend's open transaction (a PostgreSQL server's, or one SQLite file's)."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


HeldT = TypeVar("HeldT", bound=HeldTransaction)


class HeldAppends:
    def __init__(self) -> None:
        self._transactions: dict[object, HeldTransaction] = {}
        self._after_commit: dict[object, Callable[[], None]] = {}
        self._after_rollback: dict[object, Callable[[], None]] = {}
        self.finished = False

    @property
    def holding(self) -> bool:
        return bool(self._transactions)

    def transaction(self, owner: object, begin: Callable[[], HeldT]) -> HeldT:
        """The transaction held for `owner` (a server, a datastore), begun on first use."""
        if self.finished:
            msg = "these appends were already committed or rolled back"
            raise RuntimeError(msg)
        held = self._transactions.get(owner)
        if held is None:
            held = self._transactions[owner] = begin()
        return held  # type: ignore[return-value] # one owner, one kind of transaction

    def hold_lock(self, lock: WriterLock, timeout: float) -> None:
        """Owns `lock` from now until these appends are committed or rolled back (it is given
        back after the transactions begun later, so after their commit)."""
        self.transaction(lock, lambda: _HeldLock(lock, self, timeout))

    def after_commit(self, key: object, callback: Callable[[], None]) -> None:
        """Runs `callback` once the appends are durable (once per key)."""
        self._after_commit.setdefault(key, callback)

    def after_rollback(self, key: object, callback: Callable[[], None]) -> None:
        """Runs `callback` if the appends are rolled back (once per key): forgetting what an
        in-memory cache learnt from writes that will never exist."""
        self._after_rollback.setdefault(key, callback)

    def commit(self) -> None:
        self.finished = True
        # The last begun first: a lock taken before a transaction is given back after its end.
        transactions, self._transactions = list(reversed(self._transactions.values())), {}
        try:
            for held in transactions:
                held.commit()
        except BaseException:
            for held in transactions:
                _quietly(held.rollback)
            self._run(self._after_rollback)
            raise
        self._run(self._after_commit)

    def rollback(self) -> None:
        self.finished = True
        transactions, self._transactions = list(reversed(self._transactions.values())), {}
        for held in transactions:
            _quietly(held.rollback)
        if transactions:
            self._run(self._after_rollback)

    @staticmethod
    def _run(callbacks: dict[object, Callable[[], None]]) -> None:
        for callback in callbacks.values():
            _quietly(callback)
        callbacks.clear()


class WriterLock:
    """One stream's writers in this process, one at a time. Its holder is a thread, or a
    request's held appends (which end on another thread than the one that began them); a holder
    may take it again."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._holder: object = None
        self._depth = 0

    def acquire(self, holder: object, timeout: float) -> bool:
        with self._free:
            if self._holder is not holder and not self._free.wait_for(
                lambda: self._holder is None, timeout
            ):
                return False
            self._holder = holder
            self._depth += 1
            return True

    def release(self, holder: object) -> None:
        with self._free:
            assert self._holder is holder, "released by another than its holder"
            self._depth -= 1
            if self._depth == 0:
                self._holder = None
                self._free.notify()

    @contextmanager
    def writing(self, timeout: float) -> Iterator[None]:
        """Holds the lock for the calling thread (or its request's held appends)."""
        holder = current_held_appends() or threading.get_ident()
        if not self.acquire(holder, timeout):
            raise _timed_out()
        try:
            yield
        finally:
            self.release(holder)


class _HeldLock:
    def __init__(self, lock: WriterLock, holder: HeldAppends, timeout: float) -> None:
        if not lock.acquire(holder, timeout):
            raise _timed_out()
        self._lock, self._holder = lock, holder

    def commit(self) -> None:
        self._lock.release(self._holder)

    def rollback(self) -> None:
        self._lock.release(self._holder)


def _timed_out() -> ConnectionUnavailableError:
    # The pool's own word for "no connection to write with in time": a 503 with Retry-After.
    return ConnectionUnavailableError("another writer of the stream held it too long")


_current: contextvars.ContextVar[HeldAppends | None] = contextvars.ContextVar(
    "held_appends", default=None
)


def current_held_appends() -> HeldAppends | None:
    """The appends being held in this context, if any (contexts are copied into the threads
    that run a request's handler, so the handler's appends join the request's)."""
    held = _current.get()
    return held if held is not None and not held.finished else None


@contextmanager
def holding_appends() -> Iterator[HeldAppends]:
    held = HeldAppends()
    token = _current.set(held)
    try:
        yield held
    finally:
        _current.reset(token)
        if not held.finished:
            held.rollback()


def _quietly(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:  # a rollback of a broken connection, say; the transaction is gone anyway
        _log.warning("held_appends_cleanup_failed", exc_info=True)
