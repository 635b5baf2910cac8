"""What a bounded context tells the mailer: which of its events ask for mail, and how to write it.

A `MailSource` derives `QueuedMail` from an event (the kind, the member it goes to, what its
link needs) and, when the mail is sent, composes it from current records: the member's address
and language as they are then, the tenant's brand as it is then. It may answer None: the mail is
no longer needed (already verified, link expired, person erased) and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.mail.message import MailContent, Recipient, tenant_link
from infra.mail.outbox import DueMail, QueuedMail
from infra.settings import Settings
from tenants.directory import TenantRecord

__all__ = ["MailContext", "MailSource"]

AppT = TypeVar("AppT", bound=StreamApplication)


@dataclass(frozen=True)
class MailContext:
    """What composing one tenant's mail may look at."""

    ithaca: Ithaca
    tenant: TenantRecord
    settings: Settings
    now: datetime

    def application(self, app_class: type[AppT]) -> AppT:
        return self.ithaca.tenant_application(self.tenant, app_class)

    def link(self, path: str) -> str:
        return tenant_link(self.tenant, self.settings, path)


class MailSource(Protocol):
    topics: tuple[str, ...]
    """Topics of the events that may ask for mail."""
    kinds: tuple[str, ...]
    """The kinds of mail it derives (and composes)."""

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[QueuedMail]:
        ...

    def compose(
        self, mail: DueMail, context: MailContext
    ) -> tuple[Recipient, MailContent] | None:
        ...
