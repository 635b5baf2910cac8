"""What the platform told whom, as tenant admins and auditors read it: each delivery (member,
kind, category, channel, outcome, time), newest first, and how many deliveries each channel
had per outcome. Never an address or a number: the member's name says who."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from infra.container import Ithaca
from infra.delivery.records import DeliveryRecords
from infra.delivery.status import notification_counts
from services.accounts.application import Accounts
from services.accounts.domain import Member
from services.notifications.values import Category, Channel
from tenants.directory import TenantRecord

__all__ = ["DeliveriesView", "DeliveryRow", "deliveries_view"]


class DeliveryRow(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    member_id: UUID
    member_name: str
    """As the member's record says now (an erased member's is the erased marker)."""
    kind: str
    category: Category
    channel: Channel
    outcome: str
    """sent, failed, refused, held_back, off, no_number, held, digested, capped."""
    at: datetime


class DeliveriesView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    deliveries: list[DeliveryRow]
    counts: dict[str, dict[str, int]]
    """The tenant's deliveries per channel, per outcome (every member)."""


def deliveries_view(
    ithaca: Ithaca, tenant: TenantRecord, member_id: UUID | None, limit: int,
) -> DeliveriesView:
    """The latest deliveries (to one member when `member_id` is given: a member unknown here,
    another tenant's included, is refused as not found, naming `memberId`)."""
    accounts = ithaca.tenant_application(tenant, Accounts)
    records = DeliveryRecords(ithaca.tenant_stream(tenant))
    if member_id is not None:
        accounts.get_member(member_id)
        deliveries = records.of_member(member_id, limit)
    else:
        deliveries = records.recent(limit)
    names: dict[UUID, str] = {}
    for delivery in deliveries:
        if delivery.member_id not in names:
            member = accounts.find(delivery.member_id, Member)
            names[delivery.member_id] = member.name if member is not None else ""
    return DeliveriesView(
        deliveries=[
            DeliveryRow(member_id=each.member_id, member_name=names[each.member_id],
                        kind=each.kind, category=each.category, channel=each.channel,
                        outcome=str(each.outcome), at=each.at)
            for each in deliveries
        ],
        counts=notification_counts(ithaca, tenant).deliveries,
    )
