"""The actions on a tenant recorded in the platform stream, as audit-trail entries.

Provisioning, suspension and reinstatement (operators, `ithaca tenants ...`), and the brand,
custom domains and default language (operators or the tenant's own admins) are commands of the
tenant registry, so their events are the `Tenant` aggregate's in the platform stream, not in the
tenant's. A tenant has a handful of them, read straight from its aggregate's events when the
trail is asked for (no read model to keep): `Tenant.Provisioned`, `Rebranded`,
`DefaultLocaleChanged`, `DomainAttached` (without proof), `DomainChallengeIssued` (a claim),
`DomainVerified`, `DomainChallengeWithdrawn`, `DomainDetached`, `Suspended`, `Reinstated`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from projections.audit_trail.projection import EntryKind, action_name
from projections.tables import Row
from services.actor import Actor
from tenants.directory import TenantRecord
from tenants.domain import Tenant
from tenants.registry import TenantRegistry

__all__ = ["PLATFORM_ACTIONS", "platform_actions"]

PLATFORM_ACTIONS: dict[type, Callable[[Any], dict[str, Any] | None]] = {
    Tenant.Provisioned: lambda e: {"slug": e.slug, "displayName": e.display_name,
                                   "location": e.location},
    Tenant.Rebranded: lambda e: {"branding": msgspec.to_builtins(e.branding)},
    Tenant.DefaultLocaleChanged: lambda e: {"locale": e.locale},
    Tenant.DomainAttached: lambda e: {"domain": e.domain},
    Tenant.DomainDetached: lambda e: {"domain": e.domain},
    Tenant.DomainChallengeIssued: lambda e: {"domain": e.domain, "challenge": e.challenge},
    Tenant.DomainVerified: lambda e: {"domain": e.domain},
    Tenant.DomainChallengeWithdrawn: lambda e: {"domain": e.domain},
    Tenant.Suspended: lambda e: None,
    Tenant.Reinstated: lambda e: None,
}
"""The tenant's events in the platform stream that the trail shows, with their details."""


def platform_actions(registry: TenantRegistry, tenant: TenantRecord) -> list[Row]:
    """The tenant's platform-stream actions as trail rows, oldest first. They have no position
    in the tenant's stream (`position` is None); `version` is the event's in its aggregate."""
    rows: list[Row] = []
    for stored in registry.events.get(tenant.id):
        event: Any = stored
        details = PLATFORM_ACTIONS.get(type(event))
        if details is None:
            continue
        actor: Actor = event.actor
        rows.append({
            "position": None, "version": event.originator_version, "at": event.timestamp,
            "kind": EntryKind.ACTION.value, "actor_kind": actor.kind, "actor_id": actor.id,
            "action": action_name(type(event)), "subject_kind": "Tenant",
            "subject_id": tenant.id, "reason": getattr(event, "reason", "") or "",
            "correlation_id": actor.correlation_id, "path": None, "query": None,
            "details": details(event),
        })
    return rows
