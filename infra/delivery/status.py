"""How many pieces of work and deliveries are in each state, per tenant (the CLI's status and
the Prometheus metrics)."""

from __future__ import annotations

from collections import defaultdict

import msgspec

from infra.container import Ithaca
from infra.delivery.records import DeliveryRecords
from infra.scheduling.due_work import DueWorkTable
from tenants.directory import TenantRecord

__all__ = ["NotificationCounts", "notification_counts"]


class NotificationCounts(msgspec.Struct, frozen=True, kw_only=True):
    tenant: str
    work: dict[str, int]
    """Per status (pending = queued, done, dropped, failed), every kind together."""
    deliveries: dict[str, dict[str, int]]
    """Per channel, per outcome."""


def notification_counts(ithaca: Ithaca, tenant: TenantRecord) -> NotificationCounts:
    stream = ithaca.tenant_stream(tenant)
    work: dict[str, int] = defaultdict(int)
    for (_kind, status), count in DueWorkTable(stream).statuses().items():
        work[str(status)] += count
    deliveries: dict[str, dict[str, int]] = defaultdict(dict)
    for (channel, outcome), count in DeliveryRecords(stream).counts().items():
        deliveries[str(channel)][str(outcome)] = count
    return NotificationCounts(tenant=tenant.slug, work=dict(work), deliveries=dict(deliveries))
