"""Delivery: `ithaca notifications status`, the copies of personal data that due work,
delivery records and the notification centre keep (erasure clears them), and the staff's
preview of every notification and record of what was told whom (API and pages)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from infra.container import Ithaca
from infra.delivery.commands import notifications
from infra.delivery.records import DeliveryRecords, NotificationCentre
from infra.feature import Command, Feature
from infra.scheduling.due_work import DueWorkTable
from infra.web.notification_api import ROUTES
from infra.web.pages import notification_admin
from tenants.directory import TenantRecord


class _DueWorkCopies:
    """Pending work names its member, and an error text may quote their address: an erased
    member's pending work is dropped and error texts cleared."""

    tables: tuple[str, ...] = ("due_work",)

    def forget(self, ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, now: datetime) -> int:
        return DueWorkTable(ithaca.tenant_stream(tenant)).forget(member_id, now)


class _DeliveryCopies:
    """The lines held for a digest and the notification centre's lines speak of the member."""

    tables: tuple[str, ...] = ("deliveries", "notification_centre")

    def forget(self, ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, now: datetime) -> int:
        stream = ithaca.tenant_stream(tenant)
        return DeliveryRecords(stream).forget(member_id) + NotificationCentre(stream).forget(
            member_id)


FEATURE = Feature(
    name="delivery", commands=(Command(notifications),), api=ROUTES,
    pages=notification_admin.PAGES,
    personal_stores=(_DueWorkCopies(), _DeliveryCopies()),
)
