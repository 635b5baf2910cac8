"""Per-person encryption keys, kept beside a stream but outside its event table.

Every person (member) whose personal data appears in a stream gets a random 256-bit key the
first time an event about them is stored. Events hold that data only as AES-GCM ciphertext
(see `infra.eventstore.codec`); erasing a person deletes the key, which makes every copy of their
personal data in the log, in snapshots and in backups of the event table unreadable, while the
events themselves stay where they are.

The row with the nil subject is the stream's own secret: keyed digests (e.g. of e-mail addresses
for look-up) and signed tokens use it, so nothing derived from personal data is a plain hash.

Several processes may create the same key at once (the first sign-ups of a new tenant): each
inserts unless a row is there, then reads back the row that won, so all use the one stored key.
A process caches keys and erasures, never "no key yet".

A destroyed key must not survive in the storage either: on SQLite the update runs with
`PRAGMA secure_delete` (freed space is zeroed), and `purge` rebuilds the file (`VACUUM`) and
empties its write-ahead log, which both still hold old page images. On PostgreSQL the old row
version stays in its page until vacuumed, and a plain `VACUUM` only marks its space free (the
bytes stay until overwritten), so `purge` runs `VACUUM FULL`, which writes the table anew, on the
keys and on the read-model tables the erasure changed. Those are small per-tenant tables; the
lock it takes lasts as long as copying them. A row version that a transaction still running may
see (a projection worker's batch, begun before the erasure committed) cannot be removed yet:
`purge` vacuums again until none is left, for at most `PURGE_PATIENCE_SECONDS`, and answers
whether it got there. Other processes keep keys
in their caches: each looks at the number of erased keys at most every
`ERASURE_CHECK_SECONDS` while it uses the stream, and drops its cache when that number moved.
"""

from __future__ import annotations

import os
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from infra.eventstore.held import current_held_appends

if TYPE_CHECKING:
    from eventsourcing.sqlite import SQLiteDatastore

    from infra.eventstore.postgres_server import PostgresServer

__all__ = [
    "ERASURE_CHECK_SECONDS",
    "STREAM_SECRET_SUBJECT",
    "PersonalKeys",
    "PostgresPersonalKeys",
    "SQLitePersonalKeys",
    "open_sealed",
    "seal",
]

STREAM_SECRET_SUBJECT = UUID(int=0)
_KEY_BYTES = 32
_NONCE_BYTES = 12
_CACHE_SIZE = 10_000
PURGE_PATIENCE_SECONDS = 15.0
"""How long `purge` waits for transactions that may still see an old row version (PostgreSQL)."""
_NOT_REMOVABLE_YET = re.compile(r"(\d+) dead row versions cannot be removed yet")
ERASURE_CHECK_SECONDS = 1.0
"""How stale a process's cache of keys may be about an erasure made by another process."""

def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """AES-256-GCM; `context` (the subject and field) is authenticated, so a ciphertext moved
    to another person or field fails to open."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def open_sealed(key: bytes, sealed: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context)
    except InvalidTag as error:
        msg = "personal data does not open with its subject's key (tampered or misplaced)"
        raise ValueError(msg) from error


class PersonalKeys(ABC):
    """One stream's per-person keys, with a bounded in-process cache."""

    def __init__(self) -> None:
        self._cache: OrderedDict[UUID, bytes | None] = OrderedDict()
        self._lock = threading.Lock()
        self._erasures = 0
        self._erased_seen: int | None = None
        self._checked_at = float("-inf")

    @property
    def erasures(self) -> int:
        """Erasures seen by this object (its own, and other processes'): caches of opened
        personal data (the repositories' aggregates) compare it before serving."""
        self._notice_other_erasures()
        return self._erasures

    def key_for(self, subject: UUID, *, create: bool) -> bytes | None:
        """The subject's key; None once erased (or, without `create`, never made)."""
        self._notice_other_erasures()
        with self._lock:
            if subject in self._cache:
                self._cache.move_to_end(subject)
                return self._cache[subject]
        key = self._fetch(subject, create=create)
        # "Erased" never changes, so it is kept; "not there" is never kept: another process
        # may be creating the key this very moment, and a process that kept the miss would
        # refuse everything about that person (or, for the stream secret, every sign-up).
        if key is not None or self._known(subject):
            with self._lock:
                self._cache[subject] = key
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            held = current_held_appends()
            if create and held is not None and held.holding:
                # The key may have been written inside a request's held appends (SQLite): if
                # they roll back, the key is gone, and so must its cached copy be.
                held.after_rollback(("forget_key", id(self), subject),
                                    lambda: self._forget(subject))
        return key

    def _forget(self, subject: UUID) -> None:
        with self._lock:
            self._cache.pop(subject, None)

    def stream_secret(self) -> bytes:
        key = self.key_for(STREAM_SECRET_SUBJECT, create=True)
        assert key is not None, "the stream secret is never erased"
        return key

    def erase(self, subject: UUID) -> bool:
        """Destroys the subject's key; True if there was one to destroy."""
        if subject == STREAM_SECRET_SUBJECT:
            msg = "the stream secret is not a person's key"
            raise ValueError(msg)
        erased = self._erase(subject)
        with self._lock:
            self._cache[subject] = None
            self._erasures += 1
        return erased

    def is_erased(self, subject: UUID) -> bool:
        return self.key_for(subject, create=False) is None and self._known(subject)

    def purge(self, tables: Sequence[str] = ()) -> bool:
        """Makes destroyed keys, and what was overwritten in `tables` of the same stream (read
        models), unrecoverable from the storage itself (see the module docstring); False if
        some old row version could not be removed in time (the next vacuum removes it). Keys
        kept nowhere but in memory have nothing to purge."""
        return True

    def _notice_other_erasures(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < ERASURE_CHECK_SECONDS:
            return
        self._checked_at = now
        erased = self._erased_count()
        with self._lock:
            if self._erased_seen is not None and erased != self._erased_seen:
                self._cache.clear()
                self._erasures += 1
            self._erased_seen = erased

    def _erased_count(self) -> int:
        """How many keys are erased in the storage, as every process sees it (keys that no
        other process can erase: none to notice)."""
        return 0

    @abstractmethod
    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None: ...

    @abstractmethod
    def _erase(self, subject: UUID) -> bool: ...

    @abstractmethod
    def _known(self, subject: UUID) -> bool: ...


class PostgresPersonalKeys(PersonalKeys):
    def __init__(self, server: PostgresServer, schema: str) -> None:
        super().__init__()
        self.server, self.schema = server, schema
        table = sql.Identifier(schema, "personal_keys")
        # Not one statement that also reads the table: its snapshot predates a key another
        # process commits while the insert waits on it, so it would find neither row.
        self._create = sql.SQL(
            "INSERT INTO {table} (subject_id, key) VALUES (%s, %s)"
            " ON CONFLICT (subject_id) DO NOTHING RETURNING key"
        ).format(table=table)
        self._get = sql.SQL("SELECT key FROM {table} WHERE subject_id = %s").format(table=table)
        self._erase_statement = sql.SQL(
            "UPDATE {table} SET key = NULL, erased_at = now()"
            " WHERE subject_id = %s AND key IS NOT NULL"
        ).format(table=table)
        self._count_erased = sql.SQL("SELECT count(*) FROM {table} WHERE key IS NULL").format(
            table=table)
        self._vacuum = sql.SQL("VACUUM (FULL, VERBOSE) {table}").format(table=table)

    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None:
        with self.server.connection() as conn:
            row = None
            if create:
                row = conn.execute(self._create, (subject, os.urandom(_KEY_BYTES))).fetchone()
            if row is None:
                # There was a key (NULL once erased), committed before the insert gave way to
                # it; this statement's snapshot is taken after that, so it finds it.
                row = conn.execute(self._get, (subject,)).fetchone()
        if create and row is None:
            msg = f"the key of {subject} was neither created nor found"
            raise PersistenceError(msg)
        return None if row is None or row[0] is None else bytes(row[0])

    def _erase(self, subject: UUID) -> bool:
        with self.server.connection() as conn:
            return conn.execute(self._erase_statement, (subject,)).rowcount > 0

    def _known(self, subject: UUID) -> bool:
        with self.server.connection() as conn:
            return conn.execute(self._get, (subject,)).fetchone() is not None

    def _erased_count(self) -> int:
        with self.server.connection() as conn:
            row = conn.execute(self._count_erased).fetchone()
        return int(row[0]) if row else 0

    def purge(self, tables: Sequence[str] = ()) -> bool:
        statements = [self._vacuum, *(
            sql.SQL("VACUUM (FULL, VERBOSE) {table}").format(
                table=sql.Identifier(self.schema, table))
            for table in tables
        )]
        deadline = time.monotonic() + PURGE_PATIENCE_SECONDS
        # The pool's connections are in autocommit, which VACUUM needs.
        kept: list[int] = []

        def count_kept(notice: psycopg.errors.Diagnostic) -> None:
            text = f"{notice.message_primary} {notice.message_detail}"
            kept.extend(int(found) for found in _NOT_REMOVABLE_YET.findall(text))

        with self.server.connection() as conn:
            conn.add_notice_handler(count_kept)
            # Shorter than the server's deadlock timeout: a vacuum waiting for a projection
            # worker's batch gives way and tries again, instead of making a deadlock victim.
            conn.execute("SET lock_timeout = '300ms'")
            try:
                while True:
                    kept.clear()
                    gave_way = False
                    for statement in statements:
                        try:
                            conn.execute(statement)
                        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                            gave_way = True
                    if not gave_way and not any(kept):
                        return True
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.2)
            finally:
                conn.execute("RESET lock_timeout")
                conn.remove_notice_handler(count_kept)


class SQLitePersonalKeys(PersonalKeys):
    def __init__(self, datastore: SQLiteDatastore) -> None:
        super().__init__()
        self.datastore = datastore

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        # The library wraps sqlite3's cursor; ours gives `rowcount` too.
        with self.datastore.transaction(commit=commit) as wrapper, wrapper as cursor:
            yield cursor

    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None:
        with self._cursor(commit=create) as cursor:
            if create:
                cursor.execute(
                    "INSERT INTO personal_keys (subject_id, key) VALUES (?, ?)"
                    " ON CONFLICT (subject_id) DO NOTHING",
                    (subject.hex, os.urandom(_KEY_BYTES)),
                )
            cursor.execute("SELECT key FROM personal_keys WHERE subject_id = ?", (subject.hex,))
            row = cursor.fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def _erase(self, subject: UUID) -> bool:
        with self._cursor(commit=True) as cursor:
            # Zeroes the freed bytes of the old row; the setting stays on for this connection.
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute(
                "UPDATE personal_keys SET key = NULL,"
                " erased_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
                " WHERE subject_id = ? AND key IS NOT NULL",
                (subject.hex,),
            )
            return bool(cursor.rowcount)

    def _known(self, subject: UUID) -> bool:
        with self._cursor(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM personal_keys WHERE subject_id = ?", (subject.hex,))
            return cursor.fetchone() is not None

    def _erased_count(self) -> int:
        with self._cursor(commit=False) as cursor:
            cursor.execute("SELECT count(*) FROM personal_keys WHERE key IS NULL")
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def purge(self, tables: Sequence[str] = ()) -> bool:
        # Freed pages of other connections' updates, and the log's old page images: VACUUM
        # rewrites the file with live rows only, the checkpoint empties the write-ahead log.
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]  # 1 when a reader kept the log from being emptied
        return not busy
