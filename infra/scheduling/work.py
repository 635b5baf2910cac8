"""What a feature tells the scheduler: which events ask for work, when it falls due, and what
carrying it out does (record an event, tell a member something, or both).

A `DueWorkSource` derives `DueWork` from an event: a kind, the member it concerns, the instant
it falls due (at once when None) and what it needs later (`payload`: ids and instants, never
personal data). When the work falls due the scheduler hands it back to its source's
`carry_out`, which looks at current records and answers the `Notification` to deliver, or None
when there is nothing to tell (the request was answered meanwhile, the meeting moved, the
member left). A kind whose category is None is an action (a request's expiry): `carry_out`
records what is due and tells nobody itself; the events it records may ask for notifications
in turn.

Work with the same `batch` key that is still pending is one piece of work: the first queued
stands and later ones are absorbed into it (three messages in a row, one notification).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from eventsourcing.domain import DomainEventProtocol

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.mail.message import MailContent, tenant_link
from infra.scheduling.beside import Writes
from infra.settings import Settings
from services.accounts.application import Accounts
from services.accounts.domain import Member
from services.notifications.application import Notifications
from services.notifications.domain import NotificationSettings
from services.notifications.values import Category
from services.personal_data import ERASED_TEXT
from services.profiles.application import Profiles
from tenants.directory import TenantRecord

__all__ = [
    "Attachment",
    "ClaimedWork",
    "DeliveryPostponedError",
    "DueWork",
    "DueWorkSource",
    "Notification",
    "QuietHoursError",
    "Teller",
    "WorkContext",
]

AppT = TypeVar("AppT", bound=StreamApplication)


class DueWork(msgspec.Struct, frozen=True, kw_only=True):
    notification_id: int
    """The stream position of the event that asked for it."""
    kind: str
    member_id: UUID
    """Who is to be told (for an action: the member it concerns)."""
    due_at: datetime | None = None
    payload: dict[str, str] = {}
    batch: str = ""


class ClaimedWork(DueWork, frozen=True, kw_only=True):
    attempts: int
    """Attempts so far, this one included."""


class Attachment(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    """`maintype/subtype`, with parameters (`text/calendar; method=REQUEST`)."""
    data: bytes


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """What to tell one member, in their language: the mail's words (its subject is also the
    notification centre's line and the start of the SMS), and files to attach to the mail."""

    content: MailContent
    short: str = ""
    """The SMS text, without the link (which is added); empty: the subject."""
    attachments: tuple[Attachment, ...] = ()
    about: tuple[UUID, ...] = ()
    """Other members whose personal data (a name) the words carry: when one of them is
    erased, the copies kept of these words (the centre's line, a digest's) go too."""
    email_only: bool = False
    """Its link carries a token (a password reset): it goes by e-mail only, never into the
    notification centre or an SMS."""
    proves_address: bool = False
    """Asks the member to prove their address works again: sent to it although it refused
    mail before (the only mail that is)."""
    verifies_phone: bool = False
    """The code that proves a mobile number: it goes by SMS only, to the number just given
    (not yet verified)."""

    @property
    def sms_text(self) -> str:
        return self.short or self.content.subject


@dataclass(frozen=True)
class WorkContext:
    """What carrying out one claimed batch of a tenant's work may look at. A member, their zone
    and their notification settings are looked up once per batch (a batch lives for moments;
    pieces of it about one member would otherwise load them again and again)."""

    ithaca: Ithaca
    tenant: TenantRecord
    settings: Settings
    now: datetime
    _members: dict[UUID, Member | None] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _zones: dict[UUID, ZoneInfo] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _choices: dict[UUID, NotificationSettings] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def application(self, app_class: type[AppT]) -> AppT:
        return self.ithaca.tenant_application(self.tenant, app_class)

    def link(self, path: str) -> str:
        return tenant_link(self.tenant, self.settings, path)

    def member(self, member_id: UUID) -> Member | None:
        """The member as they are now, or None when they can no longer be told anything
        (unknown, erased)."""
        if member_id not in self._members:
            member = self.application(Accounts).find(member_id, Member)
            unreachable = member is None or member.erased or member.email == ERASED_TEXT
            self._members[member_id] = None if unreachable else member
        return self._members[member_id]

    def choices_of(self, member_id: UUID) -> NotificationSettings:
        """The member's notification settings (`choices_changed` after changing them)."""
        if member_id not in self._choices:
            self._choices[member_id] = self.application(Notifications).settings_of(member_id)
        return self._choices[member_id]

    def choices_changed(self, member_id: UUID) -> None:
        self._choices.pop(member_id, None)

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tenant.time_zone)

    def zone_of(self, member_id: UUID) -> ZoneInfo:
        """The member's own time zone (their profile's), else the tenant's."""
        if member_id not in self._zones:
            profiles = self.application(Profiles)
            profile = (profiles.find_mentor_profile(member_id)
                       or profiles.find_entrepreneur_profile(member_id))
            self._zones[member_id] = (
                ZoneInfo(profile.time_zone) if profile is not None else self.zone())
        return self._zones[member_id]


class DeliveryPostponedError(Exception):
    """A channel is down or slow: try this work again later."""


class QuietHoursError(Exception):
    """Not now: the member's quiet hours last until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class Teller(Protocol):
    """Tells members what work asks them to be told (`infra.delivery.Deliverer`): answers False
    when nobody could be told; raises `QuietHoursError` or `DeliveryPostponedError`."""

    own_kinds: Mapping[str, object]
    """Kinds of work it queues and carries out itself (digests)."""

    def deliver(
        self, work: DueWork, category: Category, notification: Notification,
        context: WorkContext, writes: Writes,
    ) -> bool:
        """Keeps its records of what it told in `writes`, committed when the work settles."""

    def carry_out_own(self, work: ClaimedWork, context: WorkContext, writes: Writes) -> bool: ...


class DueWorkSource(Protocol):
    topics: tuple[str, ...]
    """Topics of the events that may ask for work."""
    kinds: Mapping[str, Category | None]
    """The kinds of work it derives, each with the category of notification it is (None: an
    action, which tells nobody itself)."""
    texts: Mapping[str, Mapping[str, str]]
    """Each kind's words in English as the catalogues hold them (context "mail"), part by part
    (subject, greeting, body, action, why...), placeholders unfilled: what the tenant admin's
    preview shows (`infra.delivery.preview`). An action has none; a key `kind:variant` words a
    kind another way (one side of a relationship)."""

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        ...

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        ...
