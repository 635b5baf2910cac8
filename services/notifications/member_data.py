"""What the member data download holds from notifications: the member's choices, their mobile
number, what the platform told them (each delivery) and their notification centre's lines."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from infra.delivery.records import DeliveryRecords, NotificationCentre
from services.member_data import MemberDataReader, MemberDataSection
from services.notifications.domain import NotificationSettings, default_settings
from services.notifications.values import Category, Channel

__all__ = ["SECTIONS"]



def _settings(app: MemberDataReader, member_id: UUID) -> dict[str, Any]:
    found = app.find(NotificationSettings.create_id(member_id), NotificationSettings)
    settings = found or default_settings(member_id)
    start, end = settings.quiet_hours.as_text()
    return {
        "choices": [
            {"category": category, "channel": channel,
             "frequency": settings.frequency(category, channel)}
            for category in Category if not category.essential for channel in Channel
        ],
        "quiet_hours": {"start": start, "end": end},
        "phone": settings.phone or None,
        "phone_verified": settings.phone_verified,
        "address_refused_mail": bool(settings.refused_address_digest),
    }


def _told(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
    return [
        {"kind": delivery.kind, "category": delivery.category, "channel": delivery.channel,
         "outcome": delivery.outcome, "at": delivery.at}
        for delivery in DeliveryRecords(app.stream).of_member(member_id, limit=100_000)
    ]


def _centre(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
    return [
        {"kind": line.kind, "line": line.line, "link": line.link, "created_at": line.created_at,
         "read": line.read}
        for line in NotificationCentre(app.stream).lines(member_id, limit=100_000)
    ]


SECTIONS = (
    MemberDataSection("notification_settings", _settings),
    MemberDataSection("notifications_sent", _told),
    MemberDataSection("notification_centre", _centre),
)
