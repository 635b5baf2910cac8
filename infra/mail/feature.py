"""Mail: the outbox every feature's mail goes through, and `ithaca mail-sink` for development.
The mail itself is declared by the features that derive it (`Feature.mail`)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from infra.container import Ithaca
from infra.feature import Command, Feature
from infra.mail.commands import mail_sink
from infra.mail.outbox import Outbox
from tenants.directory import TenantRecord


class _OutboxCopies:
    """Queued mail names its member, and an error text may quote their address: an erased
    member's pending mail is dropped and error texts cleared."""

    tables: tuple[str, ...] = ("mail_outbox",)

    def forget(self, ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, now: datetime) -> int:
        return Outbox.of(ithaca.tenant_stream(tenant)).forget(member_id, now)


FEATURE = Feature(
    name="mail", commands=(Command(mail_sink),), personal_stores=(_OutboxCopies(),),
)
