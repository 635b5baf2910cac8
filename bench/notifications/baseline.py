"""The baseline: the sink's own rate for raw SMTP sends of a reminder's bytes.

The message is a reminder as the deliverer writes it (the same words, brand, parts and
unsubscribe headers, so the same size), flattened once; each sender holds one `smtplib`
session and sends those bytes again and again. What is left is the SMTP dialogue and the sink's
own work per mail: the ceiling of any sender of that mail to that sink.
"""

from __future__ import annotations

import contextlib
import email.policy
import smtplib
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

from bench.notifications.reminders import REMINDER, MeetingReminders
from infra.container import Ithaca
from infra.mail.message import Recipient, compose_message
from infra.scheduling.work import ClaimedWork, WorkContext
from infra.settings import Settings
from services.notifications.application import Notifications
from services.notifications.values import Category

__all__ = ["raw_sends", "reminder_bytes"]


def reminder_bytes(ithaca: Ithaca, settings: Settings, slug: str, member_id: UUID) -> bytes:
    """A reminder to this member, as it leaves (see `infra.delivery.deliverer`)."""
    now = datetime.now(UTC)
    context = WorkContext(ithaca, ithaca.tenant(slug), settings, now)
    work = ClaimedWork(notification_id=0, kind=REMINDER, member_id=member_id, due_at=now,
                       attempts=1)
    notification = MeetingReminders().carry_out(work, context)
    member = context.member(member_id)
    assert notification is not None
    assert member is not None
    message = compose_message(
        notification.content, Recipient(name=member.name, address=member.email),
        context.tenant, settings)
    token = context.application(Notifications).unsubscribe_link_token(
        member.id, str(Category.MEETINGS), now)
    message["List-Unsubscribe"] = f"<{context.link(f'/unsubscribe?token={token}')}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message.as_bytes(policy=email.policy.SMTP)  # CRLF line ends, as smtplib sends it


def raw_sends(settings: Settings, data: bytes, recipient: str, count: int, senders: int) -> float:
    """Sends `count` copies of `data` over `senders` concurrent sessions; answers mails/s."""
    share = [count // senders + (1 if n < count % senders else 0) for n in range(senders)]
    ready = threading.Barrier(senders + 1)
    failures: list[BaseException] = []

    def send(copies: int) -> None:
        try:
            with smtplib.SMTP(settings.mail_host, settings.mail_port, timeout=60) as smtp:
                ready.wait()
                for _ in range(copies):
                    smtp.sendmail(settings.mail_from, [recipient], data)
        except (OSError, smtplib.SMTPException, threading.BrokenBarrierError) as failure:
            failures.append(failure)
            ready.abort()

    threads = [threading.Thread(target=send, args=(copies,)) for copies in share]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a sender failed: raised below
        ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return count / (time.perf_counter() - started)
