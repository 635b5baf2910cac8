"""Counting failed sign-ins in memory: per client address, and per address that has no account.

Failures against a real account are events on the member (`Member.SignInFailed`), so every
process sees them. The counts here are per process (each web worker keeps its own): a client
spreading guesses over N workers gets N times the allowance. They are kept per `Ithaca` (one per
process, several in tests), bounded in size, and forgotten when their window passes.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from services.errors import IthacaError

__all__ = [
    "SignInLimits",
    "SlidingWindow",
    "TooManyAttemptsError",
    "account_locked",
    "refuse_if_account_locked",
    "sign_in_limits",
]

SIGN_IN_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
"""Failed sign-ins within the window after which an account answers 429 until it passes."""
ADDRESS_FAILURES = 20
"""Failed sign-ins from one client address (per tenant) within the window, per process."""
_MAX_KEYS = 100_000


class TooManyAttemptsError(IthacaError):
    """Too many failed sign-ins for the account or from the client's address (429)."""

    status_code = 429

    def __init__(self, problem: str, *, field: str, retry_after: timedelta) -> None:
        """`problem` says when to try again with `%(minutes)s`."""
        self.retry_after_seconds = max(1, math.ceil(retry_after.total_seconds()))
        minutes = math.ceil(self.retry_after_seconds / 60)
        super().__init__(problem, field=field, values={"minutes": minutes})


def account_locked(wait: timedelta) -> TooManyAttemptsError:
    return TooManyAttemptsError(
        "too many failed sign-ins for this account; try again in %(minutes)s minute(s)",
        field="email", retry_after=wait,
    )


def refuse_if_account_locked(recent_failures: Sequence[datetime], now: datetime) -> None:
    """Refuses an account's sign-in, even with the right password, while it has
    `ACCOUNT_FAILURES` failures (`Member.recent_failures`) within the window."""
    if len(recent_failures) >= ACCOUNT_FAILURES:
        raise account_locked(recent_failures[-ACCOUNT_FAILURES] + SIGN_IN_WINDOW - now)


class SlidingWindow:
    """At most `limit` hits per key within `window`; thread-safe, at most `max_keys` keys."""

    def __init__(self, limit: int, window: timedelta, max_keys: int = _MAX_KEYS) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: OrderedDict[tuple[str, ...], deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: tuple[str, ...], now: datetime) -> timedelta | None:
        """How long the key must wait, when it has used up its allowance; else None."""
        with self._lock:
            hits = self._current(key, now)
            if hits is None or len(hits) < self.limit:
                return None
            return hits[-self.limit] + self.window - now

    def hit(self, key: tuple[str, ...], now: datetime) -> None:
        with self._lock:
            hits = self._current(key, now)
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limit)
                self._bound(now)
            hits.append(now)
            self._hits.move_to_end(key)

    def _current(self, key: tuple[str, ...], now: datetime) -> deque[datetime] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def _bound(self, now: datetime) -> None:
        if len(self._hits) <= self.max_keys:
            return
        for key in list(self._hits):
            self._current(key, now)
        while len(self._hits) > self.max_keys:  # still full of live keys: forget the stalest
            self._hits.popitem(last=False)


class SignInLimits:
    """A process's in-memory sign-in counts."""

    def __init__(self) -> None:
        self.addresses = SlidingWindow(ADDRESS_FAILURES, SIGN_IN_WINDOW)
        # Unknown addresses lock like real accounts, so a lock-out reveals no account.
        self.unknown_accounts = SlidingWindow(ACCOUNT_FAILURES, SIGN_IN_WINDOW)


_LIMITS: weakref.WeakKeyDictionary[object, SignInLimits] = weakref.WeakKeyDictionary()
_LIMITS_LOCK = threading.Lock()


def sign_in_limits(owner: object) -> SignInLimits:
    """The counts belonging to `owner` (the process's `Ithaca`), made on first use."""
    with _LIMITS_LOCK:
        limits = _LIMITS.get(owner)
        if limits is None:
            limits = _LIMITS[owner] = SignInLimits()
        return limits
