"""`Deliverer`: tells one member one notification, on each channel they chose, with restraint.

In order: nobody is told who can no longer be (erased, unknown; suspended, except account mail);
outside account mail, quiet hours in the member's own zone defer the notification to their end,
and nudges (`Category.TIPS`) over `nudges_per_week` are not sent. Then each channel, skipping
those already recorded for this piece of work (a retry after a crash):

* the notification centre: a line and a link;
* e-mail: at once, or held for the member's daily or weekly digest (`digest`), or not at all;
  not to an address that refused mail and was not confirmed since; with a one-click
  unsubscribe (List-Unsubscribe, RFC 8058) in everything but account mail;
* SMS: to a verified number the member opted in with, if a gateway is configured.

Each outcome is recorded (`DeliveryRecords`). A channel that is down raises
`DeliveryPostponedError` after recording what did go out: the scheduler retries with backoff.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from uuid import UUID

from infra.delivery.digests import DIGEST_KINDS, DigestWork, schedule_digest
from infra.delivery.records import DeliveryRecords, NotificationCentre, Outcome
from infra.delivery.sms import (
    SmsGateway,
    SmsRefusedError,
    SmsUnavailableError,
    fit_with_link,
    sms_gateway,
)
from infra.logging import get_logger
from infra.mail.message import MailContent, Recipient, compose_message
from infra.mail.smtp import SmtpConnection, is_permanent
from infra.scheduling.beside import Writes
from infra.scheduling.work import (
    ClaimedWork,
    DeliveryPostponedError,
    DueWork,
    Notification,
    QuietHoursError,
    WorkContext,
)
from infra.settings import Settings
from services.accounts.domain import Member
from services.actor import Actor
from services.notifications.application import Notifications, address_digest
from services.notifications.domain import NotificationSettings
from services.notifications.values import Category, Channel, Frequency

__all__ = ["DELIVERY_ACTOR", "Deliverer", "DeliveryPostponedError", "QuietHoursError"]

DELIVERY_ACTOR = Actor(kind="system", id="delivery")
NUDGE_WINDOW = timedelta(days=7)

_log = get_logger("ithaca.delivery")


@contextmanager
def open_deliverer(settings: Settings) -> Iterator[Deliverer]:
    """A deliverer for one batch of work: its SMTP session is opened on first use, closed after."""
    with SmtpConnection(settings) as smtp:
        yield Deliverer(settings, smtp, sms_gateway(settings))


class Deliverer:
    own_kinds: Mapping[str, object] = DIGEST_KINDS

    def __init__(self, settings: Settings, smtp: SmtpConnection, sms: SmsGateway | None) -> None:
        self.settings, self.smtp, self.sms = settings, smtp, sms

    def deliver(
        self, work: DueWork, category: Category, notification: Notification,
        context: WorkContext, writes: Writes,
    ) -> bool:
        """Tells the member; answers False when nobody could be told (the work is dropped).
        Raises `QuietHoursError` in quiet hours, `DeliveryPostponedError` when a channel is
        down. What it told on each channel is kept in `writes`, recorded when the work
        settles."""
        member = context.member(work.member_id)
        if member is None or (member.suspended and not category.essential):
            return False
        notifications = context.application(Notifications)
        choices = context.choices_of(member.id)
        records = DeliveryRecords(notifications.stream)
        if not category.essential:
            self._refuse_quiet_hours(choices, context, member.id)
            if category is Category.TIPS and self._over_nudge_cap(records, member.id, context):
                records.record(writes, work, Channel.IN_APP, category, Outcome.CAPPED,
                               context.now)
                return True
        done = records.recorded(work)
        postponed: list[str] = []
        channels = tuple(Channel)
        if notification.email_only:
            channels = (Channel.EMAIL,)
        elif notification.verifies_phone:
            channels = (Channel.SMS,)
        told_outside = False
        for channel in channels:
            if channel in done:
                continue
            frequency = (Frequency.INSTANT if notification.verifies_phone
                         else choices.frequency(category, channel))
            if told_outside and channel is not Channel.IN_APP:
                # Recorded before the next channel goes out: a crash now repeats one channel.
                records.tables.commit(writes)
            try:
                outcome = self._tell(channel, frequency, work, category, notification,
                                     context, member, choices, writes)
            except DeliveryPostponedError as error:
                postponed.append(str(error))
                continue
            told_outside = told_outside or (
                channel is not Channel.IN_APP and outcome in (Outcome.SENT, Outcome.REFUSED))
            held = None
            if outcome is Outcome.HELD:
                held = (notification.content.subject, notification.content.action_url,
                        str(frequency))
            records.record(writes, work, channel, category, outcome, context.now, held=held,
                           about=_about(work, notification))
        if postponed:
            raise DeliveryPostponedError("; ".join(postponed))
        return True

    def _tell(
        self, channel: Channel, frequency: Frequency, work: DueWork, category: Category,
        notification: Notification, context: WorkContext, member: Member,
        choices: NotificationSettings, writes: Writes,
    ) -> Outcome:
        if frequency is Frequency.OFF:
            no_number = channel is Channel.SMS and not choices.phone
            return Outcome.NO_NUMBER if no_number else Outcome.OFF
        content = notification.content
        if channel is Channel.IN_APP:
            NotificationCentre.add(writes, work, category, content.subject,
                                   content.action_url, context.now,
                                   about=_about(work, notification))
            return Outcome.SENT
        if channel is Channel.SMS:
            return self._text(choices.phone, notification, content)
        if choices.refuses(address_digest(member.email)) and not notification.proves_address:
            return Outcome.HELD_BACK
        if frequency in (Frequency.DAILY, Frequency.WEEKLY):
            schedule_digest(work, frequency, choices, context, writes)
            return Outcome.HELD
        unsubscribe = None if category.essential else str(category)
        return self._mail(member, notification, context, unsubscribe)

    def carry_out_own(self, work: ClaimedWork, context: WorkContext, writes: Writes) -> bool:
        """A digest that fell due."""
        return self.send_digest(work, context, writes)

    def send_digest(self, work: DueWork, context: WorkContext, writes: Writes) -> bool:
        """Sends the member's digest of what was held for it; False when nothing was."""
        frequency = DIGEST_KINDS[work.kind]
        member = context.member(work.member_id)
        if member is None or member.suspended:
            return False
        choices = context.choices_of(member.id)
        records = DeliveryRecords(context.application(Notifications).stream)
        lines = records.held_for(member.id, str(frequency))
        content = DigestWork.content(
            [(line.line, line.link) for line in lines], frequency, member.name, member.locale,
            context)
        if content is None or choices.refuses(address_digest(member.email)):
            return False
        self._refuse_quiet_hours(choices, context, member.id)
        outcome = self._mail(member, Notification(content=content), context, str(frequency))
        records.mark_digested(writes, member.id, lines, context.now)
        records.record(writes, work, Channel.EMAIL, lines[0].category, outcome, context.now)
        return True

    def _mail(
        self, member: Member, notification: Notification, context: WorkContext,
        unsubscribe: str | None,
    ) -> Outcome:
        """Sends the mail now; a refused address is noted on the member's settings, so nothing
        more goes to it until it is confirmed again. `unsubscribe` names what the mail's
        one-click link turns off (a category, or a digest frequency); None: account mail."""
        message = self._message(member, notification, context, unsubscribe)
        try:
            self.smtp.send(message)
        except (OSError, smtplib.SMTPException) as error:
            problem = f"email: {type(error).__name__}: {error}"[:500]
            if not is_permanent(error):
                raise DeliveryPostponedError(problem) from error
            context.application(Notifications).note_refused_address(
                member.id, member.email, DELIVERY_ACTOR)
            context.choices_changed(member.id)
            _log.warning("mail_refused", tenant=context.tenant.slug, member=str(member.id))
            return Outcome.REFUSED
        return Outcome.SENT

    def _message(
        self, member: Member, notification: Notification, context: WorkContext,
        unsubscribe: str | None,
    ) -> EmailMessage:
        recipient = Recipient(name=member.name, address=member.email)
        message = compose_message(notification.content, recipient, context.tenant, self.settings)
        if unsubscribe is not None:
            token = context.application(Notifications).unsubscribe_link_token(
                member.id, unsubscribe, context.now)
            link = context.link(f"/unsubscribe?token={token}")
            message["List-Unsubscribe"] = f"<{link}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        for attachment in notification.attachments:
            maintype, _, subtype = attachment.content_type.partition(";")[0].partition("/")
            params = dict(
                part.strip().split("=", 1) for part in attachment.content_type.split(";")[1:]
                if "=" in part)
            message.add_attachment(
                attachment.data, maintype=maintype, subtype=subtype,
                filename=attachment.filename, params=params)
        return message

    def _text(self, phone: str, notification: Notification, content: MailContent) -> Outcome:
        if self.sms is None:
            return Outcome.OFF
        try:
            self.sms.send(phone, fit_with_link(notification.sms_text, content.action_url))
        except SmsRefusedError:
            return Outcome.REFUSED
        except SmsUnavailableError as error:
            raise DeliveryPostponedError(f"sms: {error}"[:500]) from error
        return Outcome.SENT

    @staticmethod
    def _refuse_quiet_hours(
        choices: NotificationSettings, context: WorkContext, member_id: UUID
    ) -> None:
        zone = context.zone_of(member_id)
        local = context.now.astimezone(zone)
        hours = choices.quiet_hours
        if not hours.covers(local.time().replace(tzinfo=None)):
            return
        end = local.replace(hour=hours.end.hour, minute=hours.end.minute, second=0,
                            microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        raise QuietHoursError(end)

    def _over_nudge_cap(
        self, records: DeliveryRecords, member_id: UUID, context: WorkContext
    ) -> bool:
        cap = self.settings.nudges_per_week
        return records.sent_since(member_id, Category.TIPS, context.now - NUDGE_WINDOW) >= cap


def _about(work: DueWork, notification: Notification) -> str:
    """The members the words may speak of: those the source names, and any id in the work's
    payload (the scheduler adds every id of the event that asked for it), so that erasing one
    of them removes the kept copies."""
    ids = {str(member_id) for member_id in notification.about}
    for value in work.payload.values():
        for word in value.split():
            try:
                ids.add(str(UUID(word)))
            except ValueError:
                continue
    return " ".join(sorted(ids))
