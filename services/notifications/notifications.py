"""The notifications context's own message: the code that proves a mobile number.

    NotificationSettings.PhoneGiven -> phone_code (SMS only, to the number given)

The code is derived when the SMS is sent (`Notifications.phone_code`), never stored; it is moot
once the number is verified, replaced or removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.notifications.application import PHONE_CODE_LIFETIME, Notifications
from services.notifications.domain import NotificationSettings
from services.notifications.values import Category

__all__ = ["PHONE_CODE", "PHONE_CODE_SOURCE", "PhoneCodeSource"]

PHONE_CODE = "phone_code"

_TEXT = NC_("mail", "%(code)s is your %(product)s code. It works for %(minutes)s minutes.")


class PhoneCodeSource:
    topics: tuple[str, ...] = (get_topic(NotificationSettings.PhoneGiven),)
    kinds: Mapping[str, Category | None] = {PHONE_CODE: Category.ACCOUNT}
    texts: Mapping[str, Mapping[str, str]] = {PHONE_CODE: {"subject": _TEXT, "short": _TEXT}}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if not isinstance(event, NotificationSettings.PhoneGiven):
            return []
        return [DueWork(notification_id=notification_id, kind=PHONE_CODE,
                        member_id=event.member_id,
                        payload={"askedAt": event.asked_at.isoformat()})]

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        member = context.member(work.member_id)
        if member is None:
            return None
        notifications = context.application(Notifications)
        settings = notifications.settings_of(member.id)
        asked_at = datetime.fromisoformat(work.payload["askedAt"])
        if (settings.phone_verified or settings.phone_asked_at != asked_at
                or context.now >= asked_at + PHONE_CODE_LIFETIME):
            return None
        locale = interface_locale(member.locale)
        text = translated(locale, "mail", _TEXT) % {
            "code": notifications.phone_code(settings),
            "product": context.tenant.branding.product_name,
            "minutes": str(int(PHONE_CODE_LIFETIME.total_seconds() // 60)),
        }
        content = MailContent(
            locale=locale, subject=text, greeting="", paragraphs=(), action_label="",
            action_url="",
        )
        return Notification(content=content, short=text, verifies_phone=True)


PHONE_CODE_SOURCE = PhoneCodeSource()
