"""Wire shapes of the notifications API: the member's notification centre, their settings and
their mobile number. One Struct per operation; unknown fields are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from infra.phone import mask_phone
from services.notifications.domain import NotificationSettings
from services.notifications.values import Category, Channel, Frequency, frequencies_for
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "CentreLineView",
    "ChooseSettings",
    "GivePhone",
    "MarkRead",
    "MarkedRead",
    "NotificationCentreView",
    "PhoneView",
    "Preference",
    "PreferenceView",
    "QuietHoursChoice",
    "QuietHoursView",
    "SettingsView",
    "VerifyPhone",
]

ClockTime = Annotated[str, Meta(
    max_length=5, description="A time of day, HH:MM on the 24-hour clock, in the member's zone",
    examples=["21:00"],
)]


class CentreLineView(CamelStruct):
    key: Annotated[str, Meta(
        description="Names the line when marking it read", examples=["42-request_received"])]
    kind: str
    category: Category
    line: Annotated[str, Meta(examples=["Ana asked you to mentor her"])]
    link: Annotated[str, Meta(examples=["https://acme.ithaca.example/requests"])]
    created_at: datetime
    read: bool
    open_link: Annotated[str, Meta(
        description="The link to follow when the member opens the line: it marks the line "
                    "read and goes on to `link`'s page (empty when the line links nowhere)",
        examples=["https://acme.ithaca.example/notifications/open?key=42-request_received"
                  "&to=%2Frequests"])] = ""


class NotificationCentreView(CamelStruct):
    """The member's in-app notifications, newest first."""

    notifications: list[CentreLineView]
    unread_count: int


class MarkRead(CamelBody):
    keys: Annotated[list[Annotated[str, Meta(max_length=200)]], Meta(
        max_length=500, description="The lines read; none: every line",
        examples=[["42-request_received"]],
    )] = []  # noqa: RUF012 - msgspec copies a mutable default per instance


class MarkedRead(CamelStruct):
    marked: Annotated[int, Meta(description="How many lines were unread and now are read")]
    unread_count: int
    position: int


class PreferenceView(CamelStruct):
    category: Category
    channel: Channel
    frequency: Frequency
    allowed: list[Frequency]
    """The frequencies this channel offers (digests are mail only)."""


class QuietHoursView(CamelStruct):
    start: ClockTime
    end: ClockTime


class PhoneView(CamelStruct):
    number: Annotated[str, Meta(
        description="Masked: the country code and the last two digits", examples=["+44 •••• ••89"],
    )]
    verified: bool
    """Texts are sent only to a verified number."""


class SettingsView(CamelStruct):
    """How often the member is told of each category on each channel (account and security
    mail cannot be turned off, so it is not listed), when not, and their number for SMS."""

    preferences: list[PreferenceView]
    quiet_hours: QuietHoursView
    phone: PhoneView | None

    @staticmethod
    def of(settings: NotificationSettings) -> SettingsView:
        start, end = settings.quiet_hours.as_text()
        phone = (PhoneView(number=mask_phone(settings.phone), verified=settings.phone_verified)
                 if settings.phone else None)
        return SettingsView(
            preferences=[
                PreferenceView(
                    category=category, channel=channel,
                    frequency=settings.frequency(category, channel),
                    allowed=list(frequencies_for(channel)),
                )
                for category in Category if not category.essential for channel in Channel
            ],
            quiet_hours=QuietHoursView(start=start, end=end),
            phone=phone,
        )


class Preference(CamelBody):
    category: Annotated[Category, Meta(examples=["requests"])]
    channel: Annotated[Channel, Meta(examples=["email"])]
    frequency: Annotated[Frequency, Meta(
        description="daily and weekly are e-mail digests; SMS and in-app are instant or off",
        examples=["daily"],
    )]


class QuietHoursChoice(CamelBody):
    start: ClockTime
    end: ClockTime


class ChooseSettings(CamelBody):
    preferences: Annotated[list[Preference], Meta(
        max_length=100, description="Only the choices to change; the others stay",
        examples=[[{"category": "messages", "channel": "email", "frequency": "daily"}]],
    )] = []  # noqa: RUF012 - msgspec copies a mutable default per instance
    quiet_hours: QuietHoursChoice | None = None


class GivePhone(CamelBody):
    phone: Annotated[str, Meta(
        min_length=1, max_length=40, description="With its country code, or in `region`'s plan",
        examples=["+254 712 345678"],
    )]
    region: Annotated[str, Meta(
        pattern="^[A-Za-z]{2}$", description="ISO 3166 country code that reads a number typed "
        "without its country code", examples=["KE"],
    )] | None = None


class VerifyPhone(CamelBody):
    code: Annotated[str, Meta(
        min_length=1, max_length=12, description="The six digits texted to the number",
        examples=["042917"],
    )]
