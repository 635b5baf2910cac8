"""Members' mail: derived once from events into an outbox beside each tenant's stream, rendered
in the member's language and the tenant's brand when sent, and sent over SMTP with retries.

    outbox    queueing, claiming and settling mail on either backend
    message   the branded, localised message (text and HTML parts)
    smtp      delivery over SMTP, as configured in `Settings`
    mailer    `Mailer`: deriving, sending, the dispatcher thread (`run_once` for tests)
    sink      an SMTP server that keeps what it receives (`ithaca mail-sink`, tests)

The outbox table is defined in `infra.eventstore.tables` and created with each stream.
"""
