"""Notifications: a member's choices (how often, on which channel, when not), their mobile
number for SMS, what the platform learnt of their address, and their notification centre.

Every change is an event on the member's `NotificationSettings`; a member who never chose
anything has none and gets the defaults. Unsubscribing from a mail's link needs no sign-in: the
link's signed token names the member and the category. The number's verification code is
derived from the stream's secret and the moment the number was given (never stored); after
`PHONE_CODE_LIFETIME` a new code must be asked for.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.phone import normalise_phone
from infra.settings import Settings
from services.actor import Actor
from services.application import TenantApplication
from services.errors import ConflictError, InvalidInputError
from services.notifications.domain import NotificationSettings, default_settings
from services.notifications.values import (
    Category,
    Channel,
    Frequency,
    QuietHours,
    frequencies_for,
    is_centre_key,
)
from services.tokens import CONFIRM_ADDRESS, UNSUBSCRIBE, LinkToken

__all__ = [
    "ADDRESS_CONFIRMATION_LIFETIME",
    "PHONE_CODE_LIFETIME",
    "UNSUBSCRIBE_LINK_LIFETIME",
    "Notifications",
    "address_digest",
]

PHONE_CODE_LIFETIME = timedelta(minutes=30)
UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=365)
ADDRESS_CONFIRMATION_LIFETIME = timedelta(days=7)


def address_digest(address: str) -> str:
    """What is recorded of an address that refused mail: a digest, never the address."""
    return hashlib.sha256(f"refused-address|{address.strip().lower()}".encode()).hexdigest()


class Notifications(TenantApplication):
    name = "notifications"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)

    # Queries --------------------------------------------------------------------------------

    def settings_of(self, member_id: UUID) -> NotificationSettings:
        """The member's settings (the defaults, unsaved, if they never chose anything)."""
        found = self.find(NotificationSettings.create_id(member_id), NotificationSettings)
        return found or default_settings(member_id)

    def unsubscribe_link_token(self, member_id: UUID, stops: str, now: datetime) -> str:
        """The token of a mail's one-click unsubscribe link; `stops` names what it turns off:
        a category's mail, or (a digest's link) every category sent in that digest."""
        return self.tokens.sign(LinkToken(
            purpose=UNSUBSCRIBE, member_id=member_id, expires_at=now + UNSUBSCRIBE_LINK_LIFETIME,
            nonce=stops,
        ))

    def phone_code(self, settings: NotificationSettings) -> str:
        if not settings.phone or settings.phone_asked_at is None:
            return ""
        return self.tokens.phone_code(
            settings.member_id, settings.phone, settings.phone_asked_at)

    # Commands -------------------------------------------------------------------------------

    def choose(
        self, member_id: UUID, choices: Sequence[tuple[Category, Channel, Frequency]],
        actor: Actor, via: str = "settings",
    ) -> int:
        """Sets how often the member is told of each category on each channel."""
        for index, (category, channel, frequency) in enumerate(choices):
            if category.essential:
                raise InvalidInputError(
                    "account and security mail cannot be turned off",
                    field=f"preferences[{index}].category")
            if frequency not in frequencies_for(channel):
                raise InvalidInputError(
                    "this channel is told at once or not at all (digests are mail)",
                    field=f"preferences[{index}].frequency")

        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            for category, channel, frequency in choices:
                if settings.chosen.get((category, channel)) != frequency:
                    settings.choose(category, channel, frequency, via, actor)
            return self.record(settings)

        return self.retrying(command)

    def choose_quiet_hours(self, member_id: UUID, start: str, end: str, actor: Actor) -> int:
        hours = QuietHours.parse(start, end)

        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            if settings.quiet_hours != hours:
                settings.choose_quiet_hours(hours, actor)
            return self.record(settings)

        return self.retrying(command)

    def unsubscribe_stops(self, token_text: str) -> tuple[UUID, list[Category]]:
        """What a mail's unsubscribe link would stop, without stopping it (the page that asks
        first): whose mail, and which categories. A 422 naming `token` for a link that is not
        ours or has expired."""
        token = self.tokens.open(token_text, UNSUBSCRIBE, self.clock())
        settings = self.settings_of(token.member_id)
        if token.nonce in (Frequency.DAILY, Frequency.WEEKLY):
            stopped = [category for category in Category if not category.essential
                       and settings.frequency(category, Channel.EMAIL) == token.nonce]
        elif token.nonce in set(Category) and not Category(token.nonce).essential:
            stopped = [Category(token.nonce)]
        else:
            raise InvalidInputError("this link is not valid; ask for a new one", field="token")
        return token.member_id, stopped

    def unsubscribe(self, token_text: str, actor: Actor) -> tuple[UUID, list[Category]]:
        """A mail's one-click unsubscribe: that category's mail stops (a digest's link: every
        category sent in that digest). Answers whose, and which categories."""
        member_id, stopped = self.unsubscribe_stops(token_text)
        self.choose(member_id, [(c, Channel.EMAIL, Frequency.OFF) for c in stopped],
                    actor, via="unsubscribe_link")
        return member_id, stopped

    def note_refused_address(self, member_id: UUID, address: str, actor: Actor) -> int:
        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            digest = address_digest(address)
            if not settings.refuses(digest):
                settings.note_refused_address(digest, self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def ask_address_confirmation(self, member_id: UUID, actor: Actor) -> int:
        """Sends the member a link proving their address works again (after it refused mail):
        the one mail that still goes to it."""
        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            if not settings.refused_address_digest:
                raise ConflictError("mail to your address has not been refused", field="email")
            settings.ask_address_confirmation(self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def address_confirmation_token(self, member_id: UUID, asked_at: datetime) -> str:
        return self.tokens.sign(LinkToken(
            purpose=CONFIRM_ADDRESS, member_id=member_id,
            expires_at=asked_at + ADDRESS_CONFIRMATION_LIFETIME,
        ))

    def confirm_address_by_link(self, token_text: str, actor: Actor) -> int:
        """The member opened the link the confirmation mail carried: mail goes to them again."""
        token = self.tokens.open(token_text, CONFIRM_ADDRESS, self.clock())
        return self.confirm_address(token.member_id, actor)

    def confirm_address(self, member_id: UUID, actor: Actor) -> int:
        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            if settings.refused_address_digest:
                settings.confirm_address(self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def give_phone(self, member_id: UUID, raw: str, region: str | None, actor: Actor) -> int:
        """Records the number (to be verified by the code sent to it)."""
        phone = normalise_phone(raw, region)

        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            settings.give_phone(phone, self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def verify_phone(self, member_id: UUID, code: str, actor: Actor) -> int:
        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            now = self.clock()
            expected = self.phone_code(settings)
            if settings.phone_verified:
                return self.position
            if not expected or settings.phone_asked_at is None:
                raise InvalidInputError("give a mobile number first", field="phone")
            if now >= settings.phone_asked_at + PHONE_CODE_LIFETIME:
                raise InvalidInputError("this code has expired; ask for a new one", field="code")
            if not hmac.compare_digest(code.strip(), expected):
                raise InvalidInputError("this code is not the one we sent", field="code")
            settings.verify_phone(now, actor)
            return self.record(settings)

        return self.retrying(command)

    def remove_phone(self, member_id: UUID, actor: Actor) -> int:
        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            if settings.phone:
                settings.remove_phone(self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def note_read(self, member_id: UUID, keys: list[str], actor: Actor) -> int:
        """Records that the member read these centre lines (all of them: an empty list)."""
        for index, key in enumerate(keys):
            if not is_centre_key(key):
                raise InvalidInputError("not a notification's key", field=f"keys[{index}]")

        def command() -> int:
            settings = self._settings_to_change(member_id, actor)
            settings.read(keys, self.clock(), actor)
            return self.record(settings)

        return self.retrying(command)

    def _settings_to_change(self, member_id: UUID, actor: Actor) -> NotificationSettings:
        found = self.find(NotificationSettings.create_id(member_id), NotificationSettings)
        return found or NotificationSettings(member_id=member_id, actor=actor)

