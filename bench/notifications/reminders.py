"""The bench's own kind of due work: a meeting reminder that tells one member "your session
starts soon", and the feature that registers it (passed to `bootstrap` beside Ithaca's own).

It is a real `DueWorkSource` in every respect the scheduler and the deliverer see (a MEETINGS
notification: quiet hours, the unsubscribe link, the notification centre, e-mail and SMS all
apply), except that its rows are written directly (`reminder_rows`) instead of derived from
events. Its mail's plain text carries the instant it fell due (`DUE_LINE`), so the sink's side
can time its arrival against it. The words are the bench's and reach nobody, so they are not in
the catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from infra.feature import Feature
from infra.mail.message import MailContent
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import interface_locale
from services.notifications.values import Category

__all__ = ["BENCH_FEATURE", "DUE_LINE", "REMINDER", "due_in_line", "reminder_rows"]

REMINDER = "bench_meeting_reminder"
DUE_LINE = "bench-due: "
"""Starts the line of the mail's text that gives the instant the reminder fell due."""


_TEXTS: dict[str, str] = {
    "subject": "Your mentoring session starts in one hour",
    "greeting": "Hello %(name)s,",
    "body": "Your mentoring session starts in one hour. The agenda and the video link are on "
            "the meeting's page.",
    "action": "Open the meeting",
    "short": "Your mentoring session starts in 1 hour",
}


class MeetingReminders:
    """Tells the member a session starts soon; nothing once they are gone (erased, unknown)."""

    topics: tuple[str, ...] = ()
    kinds: Mapping[str, Category | None] = {REMINDER: Category.MEETINGS}
    texts: Mapping[str, Mapping[str, str]] = {REMINDER: _TEXTS}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        return []  # its rows are written directly, see `reminder_rows`

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        member = context.member(work.member_id)
        if member is None or work.due_at is None:
            return None
        content = MailContent(
            locale=interface_locale(member.locale),
            subject=_TEXTS["subject"],
            greeting=_TEXTS["greeting"] % {"name": member.name},
            paragraphs=(_TEXTS["body"], f"{DUE_LINE}{work.due_at.isoformat()}"),
            action_label=_TEXTS["action"],
            action_url=context.link("/meetings"),
        )
        return Notification(content=content, short=_TEXTS["short"])


def reminder_rows(
    members: list[UUID], due_instants: list[datetime], first_id: int
) -> list[DueWork]:
    """One reminder per instant, to the members in turn. `first_id` numbers them (the key a
    derived row takes from its event's position; these come from no event)."""
    return [
        DueWork(notification_id=first_id + number, kind=REMINDER,
                member_id=members[number % len(members)], due_at=due_at)
        for number, due_at in enumerate(due_instants)
    ]


def due_in_line(line: str) -> datetime | None:
    """The instant a line of a reminder's text says it fell due, if it is that line."""
    if not line.startswith(DUE_LINE):
        return None
    return datetime.fromisoformat(line[len(DUE_LINE):].strip())


BENCH_FEATURE = Feature(name="bench_reminders", due_work=(MeetingReminders(),))
