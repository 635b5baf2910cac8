"""Leases: which worker serves a tenant's projection right now.

On PostgreSQL a lease is a session-level advisory lock keyed by (stream, projection), held on one
connection per worker and server. Several worker processes can run; each takes a lease before it
brings a projection up to date and gives it back after, so a projection is never worked on by two
at once, and a worker that dies loses its connection and with it every lease it held: another
worker takes over at its next wake-up or poll (seconds). The compare-and-set of the position
(see `projections.store`) is the second line: even a batch applied without a lease is stored once.

The embedded default serves SQLite from one process: its leases are in-process locks.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import Any

import psycopg

from infra.eventstore.postgres_server import stream_lock_key
from infra.eventstore.streams import PostgresStorage, Storage
from infra.logging import get_logger

__all__ = ["LOCAL_LEASES", "Leases", "LocalLeases", "PostgresLeases", "lease_key", "leases_for"]

_log = get_logger("ithaca.projections")


def lease_key(stream_name: str, projection_name: str) -> int:
    return stream_lock_key(f"{stream_name}.projection.{projection_name}")


class Leases(ABC):
    @abstractmethod
    def try_acquire(self, stream_name: str, projection_name: str) -> bool: ...

    @abstractmethod
    def release(self, stream_name: str, projection_name: str) -> None: ...

    def close(self) -> None:  # noqa: B027 - an optional hook
        """Gives back every lease."""


class LocalLeases(Leases):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[tuple[str, str]] = set()

    def try_acquire(self, stream_name: str, projection_name: str) -> bool:
        with self._lock:
            if (stream_name, projection_name) in self._held:
                return False
            self._held.add((stream_name, projection_name))
            return True

    def release(self, stream_name: str, projection_name: str) -> None:
        with self._lock:
            self._held.discard((stream_name, projection_name))


class PostgresLeases(Leases):
    """Advisory locks on one dedicated connection (reopened if it breaks: the leases it held
    were lost with it, which the position's compare-and-set makes harmless)."""

    def __init__(self, url: str, application_name: str = "ithaca:projections") -> None:
        self.url = url
        self.application_name = application_name
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = psycopg.connect(
                self.url, autocommit=True, application_name=self.application_name
            )
        return self._conn

    def try_acquire(self, stream_name: str, projection_name: str) -> bool:
        with self._lock:
            try:
                row = self._connection().execute(
                    "SELECT pg_try_advisory_lock(%s)", (lease_key(stream_name, projection_name),)
                ).fetchone()
            except psycopg.OperationalError as error:
                _log.warning("lease_connection_lost", error=str(error))
                self._conn = None
                return False
        return bool(row and row[0])

    def release(self, stream_name: str, projection_name: str) -> None:
        with self._lock:
            if self._conn is None or self._conn.closed:
                return
            try:
                self._conn.execute(
                    "SELECT pg_advisory_unlock(%s)", (lease_key(stream_name, projection_name),)
                )
            except psycopg.OperationalError:
                self._conn = None  # the lease went with the connection

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


LOCAL_LEASES = LocalLeases()
"""One per process: embedded-default workers (and rebuilds) in one process exclude each other
through it."""


def leases_for(storage: Storage, application_name: str) -> Leases:
    """Leases for the streams of `storage`: a new lease connection on PostgreSQL, the process's
    in-process leases on SQLite."""
    if isinstance(storage, PostgresStorage):
        return PostgresLeases(storage.server.url, application_name=application_name)
    return LOCAL_LEASES
