"""The mail outbox table of a stream: one row per mail, keyed by the event that asked for it and
the kind of mail, so deriving mail twice from the same event queues it once.

It holds no personal data: the recipient's address, name and language are read from their
member record when the mail is sent, so erasing a person leaves nothing here to erase.
"""

from __future__ import annotations

__all__ = ["MAIL_OUTBOX_TABLES_POSTGRES", "MAIL_OUTBOX_TABLES_SQLITE"]

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
