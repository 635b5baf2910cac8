"""The notifications context's own messages: proofs that a number or an address is the member's.

    NotificationSettings.PhoneGiven               -> phone_code (SMS only, to the number given)
    NotificationSettings.AddressConfirmationAsked -> address_confirmation (mail, to the address
                                                     that refused mail before)

The code and the link's token are derived when sent, never stored; each is moot once the number
is verified (or replaced, removed) or the address confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.notifications.application import (
    ADDRESS_CONFIRMATION_LIFETIME,
    PHONE_CODE_LIFETIME,
    Notifications,
)
from services.notifications.domain import NotificationSettings
from services.notifications.values import Category

if TYPE_CHECKING:  # accounts depends on this context (its mail's category)
    from services.accounts.domain import Member

__all__ = ["ADDRESS_CONFIRMATION", "PHONE_CODE", "PROOFS", "Proofs"]

PHONE_CODE = "phone_code"
ADDRESS_CONFIRMATION = "address_confirmation"

_TEXT = NC_("mail", "%(code)s is your %(product)s code. It works for %(minutes)s minutes.")
_CONFIRMATION = {
    "subject": NC_("mail", "Does mail from %(product)s reach you?"),
    "greeting": NC_("mail", "Hello %(name)s,"),
    "body": NC_("mail", "Mail we sent to this address was refused, so we stopped writing to it. "
                        "You asked us to try again: open the link below and we will send your "
                        "notifications here again."),
    "action": NC_("mail", "Yes, this address works"),
    "expiry": NC_("mail", "The link works for %(days)s days."),
}


class Proofs:
    topics: tuple[str, ...] = (
        get_topic(NotificationSettings.PhoneGiven),
        get_topic(NotificationSettings.AddressConfirmationAsked),
    )
    kinds: Mapping[str, Category | None] = {
        PHONE_CODE: Category.ACCOUNT, ADDRESS_CONFIRMATION: Category.ACCOUNT,
    }
    texts: Mapping[str, Mapping[str, str]] = {
        PHONE_CODE: {"subject": _TEXT, "short": _TEXT}, ADDRESS_CONFIRMATION: _CONFIRMATION,
    }

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, NotificationSettings.PhoneGiven):
            return [DueWork(notification_id=notification_id, kind=PHONE_CODE,
                            member_id=event.member_id,
                            payload={"askedAt": event.asked_at.isoformat()})]
        if isinstance(event, NotificationSettings.AddressConfirmationAsked):
            return [DueWork(notification_id=notification_id, kind=ADDRESS_CONFIRMATION,
                            member_id=event.member_id,
                            payload={"askedAt": event.at.isoformat()})]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        member = context.member(work.member_id)
        if member is None:
            return None
        if work.kind == ADDRESS_CONFIRMATION:
            return _confirmation(work, member, context)
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


def _confirmation(work: ClaimedWork, member: Member, context: WorkContext) -> Notification | None:
    notifications = context.application(Notifications)
    settings = notifications.settings_of(member.id)
    asked_at = datetime.fromisoformat(work.payload["askedAt"])
    if (not settings.refused_address_digest or settings.confirmation_asked_at != asked_at
            or context.now >= asked_at + ADDRESS_CONFIRMATION_LIFETIME):
        return None
    locale = interface_locale(member.locale)
    values = {"product": context.tenant.branding.product_name, "name": member.name,
              "days": str(ADDRESS_CONFIRMATION_LIFETIME.days)}
    words = {part: translated(locale, "mail", text) % values
             for part, text in _CONFIRMATION.items()}
    token = notifications.address_confirmation_token(member.id, asked_at)
    content = MailContent(
        locale=locale, subject=words["subject"], greeting=words["greeting"],
        paragraphs=(words["body"],), action_label=words["action"],
        action_url=context.link(f"/confirm-address?token={token}"),
        small_print=(words["expiry"],),
    )
    return Notification(content=content, email_only=True, proves_address=True)


PROOFS = Proofs()
