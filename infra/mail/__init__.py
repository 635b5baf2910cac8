"""Members' mail: derived once from events into an outbox beside each tenant's stream, rendered
in the member's language and the tenant's brand when sent, and sent over SMTP with retries.

    schema    the outbox table (created with each stream)
    outbox    queueing, claiming and settling mail on either backend
    message   the branded, localised message (text and HTML parts)
    smtp      delivery over SMTP, as configured in `Settings`
    mailer    `Mailer`: deriving, sending, the dispatcher thread (`run_once` for tests)
    sink      an SMTP server that keeps what it receives (`ithaca mail-sink`, tests)

This module imports nothing, so the event store can create the outbox table without a cycle.
"""
