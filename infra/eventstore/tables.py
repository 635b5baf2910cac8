"""The tables kept beside each stream's events, for both backends: created with the stream (by
`PostgresServer` for a schema, by `SQLiteStorage` for a file) and used by the modules that own
them. This module imports nothing, so the storage and the modules that use the tables can both
import it.

    personal_keys       one key per person whose personal data is sealed (`personal`)
    event_hashes,
    chain_checkpoints   the tamper-evident hash chain and its signed checkpoints (`chain`)
    due_work            one row per piece of work an event asked for (a notification, a
                        reminder, an expiry), keyed by the event, the kind and the member, so
                        deriving it twice queues it once (`infra.scheduling.due_work`); it holds
                        ids and instants, no personal data: words are composed when it is due
    deliveries          what the platform told whom: one row per piece of work and channel,
                        with its outcome (`infra.delivery.record`)
    notification_centre the in-app notifications: their line and link (personal: erasure
                        deletes a member's rows)
    An earlier release's `mail_outbox` (keyed without the member) is moved into `due_work`.
"""

from __future__ import annotations

__all__ = [
    "CHAIN_TABLES_POSTGRES",
    "CHAIN_TABLES_SQLITE",
    "DUE_WORK_TABLES_POSTGRES",
    "DUE_WORK_TABLES_SQLITE",
    "MAIL_OUTBOX_MIGRATION_POSTGRES",
    "MAIL_OUTBOX_MIGRATION_SQLITE",
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

_DUE_WORK_COLUMNS = (
    "notification_id, kind, member_id, payload, status, attempts, next_attempt_at, settled_at,"
    " last_error"
)

_DONE_WAS_SENT = "CASE status WHEN 'sent' THEN 'done' ELSE status END"

DUE_WORK_TABLES_POSTGRES = (
    "CREATE TABLE IF NOT EXISTS {schema}.due_work ("
    " notification_id bigint NOT NULL,"
    " kind text NOT NULL,"
    " member_id uuid NOT NULL,"
    " payload text NOT NULL,"
    " batch text NOT NULL DEFAULT '',"
    " status text NOT NULL DEFAULT 'pending',"
    " attempts integer NOT NULL DEFAULT 0,"
    " due_at timestamptz NOT NULL,"
    " next_attempt_at timestamptz NOT NULL,"
    " settled_at timestamptz,"
    " last_error text NOT NULL DEFAULT '',"
    " PRIMARY KEY (notification_id, kind, member_id))",
    "CREATE INDEX IF NOT EXISTS due_work_due ON {schema}.due_work (next_attempt_at)"
    " WHERE status = 'pending'",
    "CREATE UNIQUE INDEX IF NOT EXISTS due_work_batch ON {schema}.due_work (batch)"
    " WHERE status = 'pending' AND batch <> ''",
    "CREATE INDEX IF NOT EXISTS due_work_member ON {schema}.due_work (member_id)",
    "CREATE TABLE IF NOT EXISTS {schema}.deliveries ("
    " notification_id bigint NOT NULL,"
    " kind text NOT NULL,"
    " member_id uuid NOT NULL,"
    " channel text NOT NULL,"
    " category text NOT NULL,"
    " outcome text NOT NULL,"
    " at timestamptz NOT NULL,"
    " detail text NOT NULL DEFAULT '',"
    " PRIMARY KEY (notification_id, kind, member_id, channel))",
    "CREATE INDEX IF NOT EXISTS deliveries_member ON {schema}.deliveries (member_id, at)",
    "CREATE TABLE IF NOT EXISTS {schema}.notification_centre ("
    " notification_id bigint NOT NULL,"
    " kind text NOT NULL,"
    " member_id uuid NOT NULL,"
    " category text NOT NULL,"
    " line text NOT NULL,"
    " link text NOT NULL,"
    " about text NOT NULL DEFAULT '',"
    " created_at timestamptz NOT NULL,"
    " read_at timestamptz,"
    " PRIMARY KEY (notification_id, kind, member_id))",
    "CREATE INDEX IF NOT EXISTS notification_centre_member"
    " ON {schema}.notification_centre (member_id, created_at)",
)

def _sqlite(statement: str) -> str:
    return (
        statement.replace("{schema}.", "").replace("bigint", "INTEGER").replace("uuid", "TEXT")
        .replace("timestamptz", "INTEGER").replace("integer", "INTEGER").replace("text", "TEXT")
    )


# Times are microseconds since the epoch (UTC): they compare as numbers.
DUE_WORK_TABLES_SQLITE = tuple(_sqlite(statement) for statement in DUE_WORK_TABLES_POSTGRES)

MAIL_OUTBOX_MIGRATION_POSTGRES = (
    f"INSERT INTO {{schema}}.due_work ({_DUE_WORK_COLUMNS}, due_at)"
    f" SELECT {_DUE_WORK_COLUMNS.replace('status', _DONE_WAS_SENT)}, next_attempt_at"
    " FROM {schema}.mail_outbox WHERE true"  # SQLite: an upsert's SELECT needs a WHERE
    " ON CONFLICT DO NOTHING",
    "DROP TABLE {schema}.mail_outbox",
)
"""Moves an earlier release's `mail_outbox` (keyed without the member) into `due_work`; run by
the storage only where that table still exists."""
MAIL_OUTBOX_MIGRATION_SQLITE = tuple(_sqlite(s) for s in MAIL_OUTBOX_MIGRATION_POSTGRES)
