"""A member's notification settings, as an aggregate of their own (id derived from theirs).

It records what the member chose (per category and channel, quiet hours, an unsubscribe from a
mail's link), what the platform found out (an address that refused mail), the mobile number
they gave for SMS (sealed: personal data) and when they proved it theirs, and which in-app
notifications they have read. The verification code is never recorded: it is derived from the
stream's secret and the moment it was asked for (see `application`).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.notifications.values import (
    DEFAULT_QUIET_HOURS,
    Category,
    Channel,
    Frequency,
    QuietHours,
    default_frequency,
)
from services.personal_data import PersonalText

__all__ = ["NotificationSettings", "default_settings"]

_NAMESPACE = UUID("3f1c2b7a-8d4e-4f60-9a15-c2e7b0d94a31")


class NotificationSettings(Aggregate):
    class Opened(Aggregate.Created):
        member_id: UUID
        actor: Actor

    class FrequencyChosen(Aggregate.Event):
        category: Category
        channel: Channel
        frequency: Frequency
        via: str
        """"settings" (the member's page or the API) or "unsubscribe_link" (a mail's link)."""
        actor: Actor

    class QuietHoursChosen(Aggregate.Event):
        start: str
        end: str
        actor: Actor

    class AddressRefused(Aggregate.Event):
        """Mail to the member's address was refused for good (it bounced)."""

        address_digest: str
        at: datetime
        actor: Actor

    class AddressConfirmationAsked(Aggregate.Event):
        """The member asked for a mail proving their address works again."""

        member_id: UUID
        at: datetime
        actor: Actor

    class AddressConfirmed(Aggregate.Event):
        """The member proved the address works again: mail may be sent to it."""

        at: datetime
        actor: Actor

    class PhoneGiven(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "member_id"
        member_id: UUID
        phone: PersonalText
        """E.164."""
        asked_at: datetime
        actor: Actor

    class PhoneVerified(Aggregate.Event):
        """The member typed the code sent to the number: SMS may be sent to it (opt-in)."""

        at: datetime
        actor: Actor

    class PhoneRemoved(Aggregate.Event):
        at: datetime
        actor: Actor

    class Read(Aggregate.Event):
        """The member read these in-app notifications (keys as the centre names them)."""

        keys: list[str]
        at: datetime
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"notification-settings/{member_id}")

    @event(Opened)
    def __init__(self, member_id: UUID, actor: Actor) -> None:
        self.member_id = member_id
        self.chosen: dict[tuple[Category, Channel], Frequency] = {}
        self.quiet_hours = DEFAULT_QUIET_HOURS
        self.refused_address_digest = ""
        self.confirmation_asked_at: datetime | None = None
        self.phone = ""
        self.phone_asked_at: datetime | None = None
        self.phone_verified = False

    def frequency(self, category: Category, channel: Channel) -> Frequency:
        if category.essential and channel is not Channel.SMS:
            return Frequency.INSTANT
        if channel is Channel.SMS and not self.phone_verified:
            return Frequency.OFF
        return self.chosen.get((category, channel), default_frequency(category, channel))

    def refuses(self, address_digest: str) -> bool:
        """Whether mail to this address is held back: it bounced and was not confirmed since."""
        return bool(self.refused_address_digest) and self.refused_address_digest == address_digest

    @event(FrequencyChosen)
    def choose(
        self, category: Category, channel: Channel, frequency: Frequency, via: str, actor: Actor
    ) -> None:
        self.chosen[(category, channel)] = frequency

    def choose_quiet_hours(self, hours: QuietHours, actor: Actor) -> None:
        start, end = hours.as_text()
        self._choose_quiet_hours(start=start, end=end, actor=actor)

    @event(QuietHoursChosen)
    def _choose_quiet_hours(self, start: str, end: str, actor: Actor) -> None:
        self.quiet_hours = QuietHours.parse(start, end)

    @event(AddressRefused)
    def note_refused_address(self, address_digest: str, at: datetime, actor: Actor) -> None:
        self.refused_address_digest = address_digest

    def ask_address_confirmation(self, at: datetime, actor: Actor) -> None:
        self._ask_address_confirmation(member_id=self.member_id, at=at, actor=actor)

    @event(AddressConfirmationAsked)
    def _ask_address_confirmation(self, member_id: UUID, at: datetime, actor: Actor) -> None:
        self.confirmation_asked_at = at

    @event(AddressConfirmed)
    def confirm_address(self, at: datetime, actor: Actor) -> None:
        self.refused_address_digest = ""

    def give_phone(self, phone: str, asked_at: datetime, actor: Actor) -> None:
        self._give_phone(member_id=self.member_id, phone=phone, asked_at=asked_at, actor=actor)

    @event(PhoneGiven)
    def _give_phone(self, member_id: UUID, phone: str, asked_at: datetime, actor: Actor) -> None:
        self.phone, self.phone_asked_at, self.phone_verified = phone, asked_at, False

    @event(PhoneVerified)
    def verify_phone(self, at: datetime, actor: Actor) -> None:
        self.phone_verified = True

    @event(PhoneRemoved)
    def remove_phone(self, at: datetime, actor: Actor) -> None:
        self.phone, self.phone_asked_at, self.phone_verified = "", None, False

    @event(Read)
    def read(self, keys: list[str], at: datetime, actor: Actor) -> None:
        pass  # the centre's table keeps what is read; the event is the record of it


_DEFAULTS = Actor(kind="system", id="notification-defaults")


def default_settings(member_id: UUID) -> NotificationSettings:
    """The settings of a member who never chose anything: the defaults, never saved."""
    return NotificationSettings(member_id=member_id, actor=_DEFAULTS)
