"""Due-work sources told as stories on the fast tier: what a source derives from a tenant's new
events, and what carrying it out answers at a given moment, without the scheduler.

    tenant = embedded_tenant
    since = tenant.app(Meetings).recorder.max_notification_id() or 0
    ... commands ...
    [proposed] = derived(tenant, MEETING_MAIL, since, kind=PROPOSED)
    notification = carried_out(tenant, MEETING_MAIL, proposed)

The scheduler itself (exactly once, leases, delivery) is told in its own tests; these tell the
sources' rules: who is told, when, and when the news has gone stale.
"""

from __future__ import annotations

import msgspec

from infra.scheduling.work import ClaimedWork, DueWork, DueWorkSource, Notification, WorkContext
from services.accounts.application import Accounts
from tests.rules import EmbeddedTenant

__all__ = ["carried_out", "derived", "position"]


def position(tenant: EmbeddedTenant) -> int:
    """The tenant stream's last position: derive from what follows it."""
    return tenant.app(Accounts).recorder.max_notification_id() or 0


def derived(
    tenant: EmbeddedTenant, source: DueWorkSource, since: int = 0, *, kind: str | None = None
) -> list[DueWork]:
    """The work the source derives from the tenant's events after `since`, in stream order."""
    app = tenant.app(Accounts)
    works: list[DueWork] = []
    for notification in app.recorder.select_notifications(
        since + 1, 10_000, topics=list(source.topics)
    ):
        event = app.mapper.to_domain_event(notification)
        works.extend(source.derive(event, notification.id))
    return [work for work in works if kind is None or work.kind == kind]


def carried_out(
    tenant: EmbeddedTenant, source: DueWorkSource, work: DueWork
) -> Notification | None:
    """What carrying the work out answers now (the tenant's clock)."""
    context = WorkContext(ithaca=tenant.ithaca, tenant=tenant.record,
                          settings=tenant.ithaca.settings, now=tenant.clock())
    claimed = ClaimedWork(**msgspec.structs.asdict(work), attempts=1)
    return source.carry_out(claimed, context)
