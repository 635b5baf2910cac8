"""Per-person encryption keys, kept beside a stream but outside its event table.

Every person (member) whose personal data appears in a stream gets a random 256-bit key the
first time an event about them is stored. Events hold that data only as AES-GCM ciphertext
(see `infra.eventstore.codec`); erasing a person deletes the key, which makes every copy of their
personal data in the log, in snapshots and in backups of the event table unreadable, while the
events themselves stay where they are.

The row with the nil subject is the stream's own secret: keyed digests (e.g. of e-mail addresses
for look-up) and signed tokens use it, so nothing derived from personal data is a plain hash.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql

if TYPE_CHECKING:
    from eventsourcing.sqlite import SQLiteDatastore

    from infra.eventstore.postgres import PostgresServer

__all__ = [
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

PERSONAL_KEYS_TABLE_POSTGRES = (
    "CREATE TABLE IF NOT EXISTS {schema}.personal_keys ("
    " subject_id uuid PRIMARY KEY,"
    " key bytea,"
    " created_at timestamptz NOT NULL DEFAULT now(),"
    " erased_at timestamptz)"
)
PERSONAL_KEYS_TABLE_SQLITE = (
    "CREATE TABLE IF NOT EXISTS personal_keys ("
    " subject_id TEXT PRIMARY KEY,"
    " key BLOB,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    " erased_at TEXT)"
)


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
        self.erasures = 0
        """Erasures made through this object: caches of opened personal data compare it."""

    def key_for(self, subject: UUID, *, create: bool) -> bytes | None:
        """The subject's key; None once erased (or, without `create`, never made)."""
        with self._lock:
            if subject in self._cache:
                self._cache.move_to_end(subject)
                return self._cache[subject]
        key = self._fetch(subject, create=create)
        if key is not None or create:  # "never made" may change; "erased" never does
            with self._lock:
                self._cache[subject] = key
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return key

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
            self.erasures += 1
        return erased

    def is_erased(self, subject: UUID) -> bool:
        return self.key_for(subject, create=False) is None and self._known(subject)

    @abstractmethod
    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None: ...

    @abstractmethod
    def _erase(self, subject: UUID) -> bool: ...

    @abstractmethod
    def _known(self, subject: UUID) -> bool: ...


class PostgresPersonalKeys(PersonalKeys):
    def __init__(self, server: PostgresServer, schema: str) -> None:
        super().__init__()
        self.server = server
        table = sql.Identifier(schema, "personal_keys")
        # One round trip: insert if absent, else read what is there (NULL once erased).
        self._get_or_create = sql.SQL(
            "WITH made AS (INSERT INTO {table} (subject_id, key) VALUES (%s, %s)"
            " ON CONFLICT (subject_id) DO NOTHING RETURNING key)"
            " SELECT key FROM made UNION ALL SELECT key FROM {table} WHERE subject_id = %s"
        ).format(table=table)
        self._get = sql.SQL("SELECT key FROM {table} WHERE subject_id = %s").format(table=table)
        self._erase_statement = sql.SQL(
            "UPDATE {table} SET key = NULL, erased_at = now()"
            " WHERE subject_id = %s AND key IS NOT NULL"
        ).format(table=table)

    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None:
        with self.server.connection() as conn:
            if create:
                row = conn.execute(
                    self._get_or_create, (subject, os.urandom(_KEY_BYTES), subject)
                ).fetchone()
            else:
                row = conn.execute(self._get, (subject,)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def _erase(self, subject: UUID) -> bool:
        with self.server.connection() as conn:
            return conn.execute(self._erase_statement, (subject,)).rowcount > 0

    def _known(self, subject: UUID) -> bool:
        with self.server.connection() as conn:
            return conn.execute(self._get, (subject,)).fetchone() is not None


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
