"""Digests: a member who asked for a category's mail daily or weekly gets one mail listing what
was held for it, at 08:00 in their own zone (weekly: on Mondays).

Holding a notification (`Deliverer`) schedules the member's next digest as work of its own,
batched per member and frequency: however many notifications are held, one digest is pending.
When it falls due the scheduler hands it here: the held lines are listed in one mail and marked
digested; with nothing held (the member turned digests off meanwhile) nothing is sent.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from infra.mail.message import MailContent
from infra.scheduling.beside import Writes
from infra.scheduling.due_work import DueWorkTable
from infra.scheduling.work import DueWork, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.notifications.application import Notifications
from services.notifications.domain import NotificationSettings
from services.notifications.values import Frequency

__all__ = ["DIGEST_KINDS", "DigestWork", "next_digest_at", "schedule_digest"]

DIGEST_KINDS = {"digest_daily": Frequency.DAILY, "digest_weekly": Frequency.WEEKLY}
_KIND_OF = {frequency: kind for kind, frequency in DIGEST_KINDS.items()}
DIGEST_TIME = time(8, 0)

_WORDS = {
    Frequency.DAILY: NC_("mail", "Your day on %(product)s"),
    Frequency.WEEKLY: NC_("mail", "Your week on %(product)s"),
}
_GREETING = NC_("mail", "Hello %(name)s,")
_INTRO = NC_("mail", "Here is what happened since our last summary:")
_ACTION = NC_("mail", "Open my notifications")
_WHY = NC_("mail", "You get these summaries because you chose them in your notification "
                   "settings; you can change that there at any time.")


def next_digest_at(now: datetime, frequency: Frequency, context: WorkContext,
                   member: NotificationSettings) -> datetime:
    zone = context.zone_of(member.member_id)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), DIGEST_TIME, tzinfo=zone)
    if at <= local:
        at += timedelta(days=1)
    if frequency is Frequency.WEEKLY:
        at += timedelta(days=(7 - at.weekday()) % 7)  # the next Monday
    return at


def schedule_digest(
    held: DueWork, frequency: Frequency, member: NotificationSettings, context: WorkContext,
    writes: Writes,
) -> None:
    """Queues the member's next digest in `writes`, with the record of what it holds."""
    kind = _KIND_OF[frequency]
    table = DueWorkTable(context.application(Notifications).stream)
    table.add([DueWork(
        notification_id=held.notification_id, kind=kind, member_id=member.member_id,
        due_at=next_digest_at(context.now, frequency, context, member),
        batch=f"{kind}:{member.member_id}",
    )], context.now, writes)


class DigestWork:
    """Composes a digest from the lines held for it (None: nothing held)."""

    @staticmethod
    def content(
        lines: list[tuple[str, str]], frequency: Frequency, name: str, locale_choice: str,
        context: WorkContext,
    ) -> MailContent | None:
        if not lines:
            return None
        locale = interface_locale(locale_choice)
        values = {"product": context.tenant.branding.product_name, "name": name}
        return MailContent(
            locale=locale,
            subject=translated(locale, "mail", _WORDS[frequency]) % values,
            greeting=translated(locale, "mail", _GREETING) % values,
            paragraphs=(translated(locale, "mail", _INTRO),
                        *(f"• {line} — {link}" for line, link in lines)),
            action_label=translated(locale, "mail", _ACTION),
            action_url=context.link("/notifications"),
            small_print=(translated(locale, "mail", _WHY),),
        )
