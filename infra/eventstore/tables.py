"""The tables kept beside each stream's events, for both backends: created with the stream (by
`PostgresServer` for a schema, by `SQLiteStorage` for a file) and used by the modules that own
them. This module imports nothing, so the storage and the modules that use the tables can both
import it.

    personal_keys       one key per person whose personal data is sealed (`personal`)
    event_hashes,
    chain_checkpoints   the tamper-evident hash chain and its signed checkpoints (`chain`)
    mail_outbox         one row per mail, keyed by the event that asked for it and the kind of
                        mail, so deriving mail twice from the same event queues it once
                        (`infra.mail.outbox`); it holds no personal data: the recipient's
                        address, name and language are read from their member record when the
                        mail is sent, so erasing a person leaves nothing here to erase
"""

from __future__ import annotations

__all__ = [
    "CHAIN_TABLES_POSTGRES",
    "CHAIN_TABLES_SQLITE",
    "MAIL_OUTBOX_TABLES_POSTGRES",
    "MAIL_OUTBOX_TABLES_SQLITE",
    "PERSONAL_KEYS_TABLE_POSTGRES",
    "PERSONAL_KEYS_TABLE_SQLITE",
]

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

CHAIN_TABLES_POSTGRES = (
    "CREATE TABLE IF NOT EXISTS {schema}.event_hashes ("
    " position bigint PRIMARY KEY,"
    " hash bytea NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {schema}.chain_checkpoints ("
    " sequence bigint PRIMARY KEY,"
    " position bigint NOT NULL,"
    " head_hash bytea NOT NULL,"
    " signed_at timestamptz NOT NULL,"
    " key_id text NOT NULL,"
    " signature bytea NOT NULL)",
)
# signed_at: microseconds since the epoch (UTC), so the signed value round-trips exactly.
CHAIN_TABLES_SQLITE = (
    "CREATE TABLE IF NOT EXISTS event_hashes ("
    " position INTEGER PRIMARY KEY,"
    " hash BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS chain_checkpoints ("
    " sequence INTEGER PRIMARY KEY,"
    " position INTEGER NOT NULL,"
    " head_hash BLOB NOT NULL,"
    " signed_at INTEGER NOT NULL,"
    " key_id TEXT NOT NULL,"
    " signature BLOB NOT NULL)",
)

MAIL_OUTBOX_TABLES_POSTGRES = (
    "CREATE TABLE IF NOT EXISTS {schema}.mail_outbox ("
    " notification_id bigint NOT NULL,"
    " kind text NOT NULL,"
    " member_id uuid NOT NULL,"
    " payload text NOT NULL,"
    " status text NOT NULL DEFAULT 'pending',"
    " attempts integer NOT NULL DEFAULT 0,"
    " next_attempt_at timestamptz NOT NULL,"
    " settled_at timestamptz,"
    " last_error text NOT NULL DEFAULT '',"
    " PRIMARY KEY (notification_id, kind))",
    "CREATE INDEX IF NOT EXISTS mail_outbox_due ON {schema}.mail_outbox (next_attempt_at)"
    " WHERE status = 'pending'",
)

# Times are microseconds since the epoch (UTC): they compare as numbers.
MAIL_OUTBOX_TABLES_SQLITE = (
    "CREATE TABLE IF NOT EXISTS mail_outbox ("
    " notification_id INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " member_id TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER NOT NULL,"
    " settled_at INTEGER,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (notification_id, kind))",
    "CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox (next_attempt_at)"
    " WHERE status = 'pending'",
)
