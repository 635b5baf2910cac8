"""`Mailer`: turns tenants' events into mail, exactly once, and sends it, with retries.

For one tenant, `run_once` does two things:

* queue: reads the tenant's stream after the mailer's tracking position (only the topics mail
  sources care about), derives mail from the events, and writes the new outbox rows and the new
  position in one transaction (see `outbox`): an event's mail is queued once, however often
  this runs, in however many processes;
* deliver: claims the mail that is due, composes each (member's language, tenant's brand, link
  token minted now) and sends it over SMTP. A failure is retried with exponential backoff
  (30 s doubling up to an hour) until `mail_max_attempts`; a mail the server refuses for good is
  failed at once; a mail no longer needed is dropped.

The web app runs one dispatcher thread per process (`start`/`stop` in its lifespan): commands
that ask for mail `kick` their tenant, which is served at once; a sweep of every tenant every
`mail_sweep_seconds` (and at start) sends what is due otherwise: retries, mail queued before a
restart, mail queued by the CLI or another process. One thread, one tenant at a time, bounded
batches: mail never competes with requests for more than one connection.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.logging import get_logger
from infra.mail.message import compose_message
from infra.mail.outbox import DueMail, MailStatus, Outbox, QueuedMail
from infra.mail.smtp import SmtpConnection, is_permanent
from infra.mail.sources import MailContext, MailSource
from infra.settings import Settings
from tenants.directory import TenantRecord

__all__ = ["Mailer", "backoff"]

READ_BATCH = 500
SEND_BATCH = 50
LEASE = timedelta(minutes=15)
"""How long a claimed mail is left to its sender before another may try it (a crash)."""
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)

_log = get_logger("ithaca.mail")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_RETRY)


class _MailerReader(StreamApplication):
    """Reads and decodes a tenant's events for the mailer."""

    name = "mailer"


class Mailer:
    def __init__(
        self, ithaca: Ithaca, settings: Settings | None = None,
        sources: Sequence[MailSource] | None = None,
    ) -> None:
        self.ithaca = ithaca
        self.settings = settings or ithaca.settings
        self.sources = list(
            sources if sources is not None
            else [source for feature in ithaca.features for source in feature.mail])
        self._topics = sorted({topic for source in self.sources for topic in source.topics})
        self._by_kind = {kind: source for source in self.sources for kind in source.kinds}
        self.clock = ithaca.clock
        self._running = threading.Lock()
        self._wake = threading.Condition()
        self._kicked: set[str] = set()
        self._stopping = False
        self._thread: threading.Thread | None = None

    # Driving it -----------------------------------------------------------------------------

    def run_once(self, slugs: Iterable[str] | None = None) -> int:
        """Queues and sends the mail of these tenants (default: every tenant); returns how many
        were sent. A tenant that fails is logged and skipped; the others go on."""
        with self._running:
            if slugs is None:
                tenants = self.ithaca.directory.all()
            else:
                found = (self.ithaca.directory.by_slug(slug) for slug in set(slugs))
                tenants = [tenant for tenant in found if tenant is not None]
            sent = 0
            for tenant in tenants:
                if tenant.suspended:
                    continue  # its members cannot use the links; the mail waits
                try:
                    self.queue(tenant)
                    sent += self.deliver(tenant)
                except Exception:
                    _log.exception("mail_run_failed", tenant=tenant.slug)
            return sent

    def kick(self, slug: str) -> None:
        """Asks the dispatcher to serve this tenant now (a command just asked for mail)."""
        with self._wake:
            self._kicked.add(slug)
            self._wake.notify()

    def start(self) -> None:
        with self._wake:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="ithaca-mailer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=self.settings.mail_timeout + 5)

    def outbox(self, tenant: TenantRecord) -> Outbox:
        return Outbox.of(self._reader(tenant).stream)

    # The two steps --------------------------------------------------------------------------

    def queue(self, tenant: TenantRecord) -> int:
        """Derives mail from the tenant's events since the last time; returns how many."""
        reader = self._reader(tenant)
        outbox = Outbox.of(reader.stream)
        position, stop = outbox.position(), reader.position
        queued = 0
        while position < stop:
            notifications = reader.recorder.select_notifications(
                position, READ_BATCH, stop=stop, topics=self._topics, inclusive_of_start=False
            )
            mails: list[QueuedMail] = []
            for notification in notifications:
                event = reader.mapper.to_domain_event(notification)
                mails.extend(self._derive(event, notification.id))
            reached = notifications[-1].id if len(notifications) == READ_BATCH else stop
            outbox.queue(mails, reached, self.clock())
            queued += len(mails)
            position = reached
        return queued

    def deliver(self, tenant: TenantRecord) -> int:
        """Sends the tenant's mail that is due; returns how many were sent."""
        outbox = self.outbox(tenant)
        sent = 0
        with SmtpConnection(self.settings) as smtp:
            while True:
                now = self.clock()
                due = outbox.claim(now, now + LEASE, SEND_BATCH)
                context = MailContext(self.ithaca, tenant, self.settings, now)
                for mail in due:
                    sent += self._send(mail, context, outbox, smtp)
                if len(due) < SEND_BATCH:
                    return sent

    # ----------------------------------------------------------------------------------------

    def _reader(self, tenant: TenantRecord) -> _MailerReader:
        return self.ithaca.tenant_application(tenant, _MailerReader)

    def _derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[QueuedMail]:
        return [
            mail for source in self.sources for mail in source.derive(event, notification_id)
        ]

    def _send(
        self, mail: DueMail, context: MailContext, outbox: Outbox, smtp: SmtpConnection
    ) -> int:
        where = {"tenant": context.tenant.slug, "kind": mail.kind, "member": str(mail.member_id),
                 "attempt": mail.attempts}
        source = self._by_kind.get(mail.kind)
        if source is None:
            outbox.settle(mail, MailStatus.FAILED, context.now, "no source composes this kind")
            _log.error("mail_kind_unknown", **where)
            return 0
        composed = source.compose(mail, context)
        if composed is None:
            outbox.settle(mail, MailStatus.DROPPED, context.now)
            _log.info("mail_dropped", **where)
            return 0
        recipient, content = composed
        message = compose_message(content, recipient, context.tenant, self.settings)
        try:
            smtp.send(message)
        except (OSError, smtplib.SMTPException) as error:
            problem = f"{type(error).__name__}: {error}"[:500]
            if is_permanent(error) or mail.attempts >= self.settings.mail_max_attempts:
                outbox.settle(mail, MailStatus.FAILED, context.now, problem)
                _log.error("mail_failed", error=problem, **where)
            else:
                retry_at = context.now + backoff(mail.attempts)
                outbox.retry_at(mail, retry_at, problem)
                _log.warning("mail_retry_later", error=problem, retry_at=retry_at.isoformat(),
                             **where)
            return 0
        outbox.settle(mail, MailStatus.SENT, self.clock())
        _log.info("mail_sent", **where)
        return 1

    def _run(self) -> None:
        next_sweep = 0.0  # at start: mail queued before a restart goes out at once
        while True:
            with self._wake:
                while (not self._stopping and not self._kicked
                       and time.monotonic() < next_sweep):
                    self._wake.wait(next_sweep - time.monotonic())
                if self._stopping:
                    return
                kicked, self._kicked = self._kicked, set()
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.settings.mail_sweep_seconds
                    self.run_once()
                else:
                    self.run_once(kicked)
            except Exception:  # e.g. the platform database is down: try again next round
                _log.exception("mail_dispatch_failed")
