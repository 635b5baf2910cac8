"""HTTP entry point of the audit trail: `GET /api/v1/audit/trail`, for auditors and tenant
admins. Every filter is optional; a bad one is a 422 naming it. Reading it is itself recorded
(an auditor's read), as every auditor's GET is."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.tenant_api import refusals, roles
from projections.audit_trail.platform import platform_actions
from projections.audit_trail.projection import AUDIT_TRAIL
from projections.audit_trail.queries import MAX_LIMIT, TrailFilters, TrailPage, read_trail
from projections.audit_trail.schemas import Trail, TrailEntry
from projections.reading import ReadModel, read_model
from services.accounts.domain import Role
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "audit_trail", "trail_page"]

TRAIL_ROLES = roles(Role.AUDITOR, Role.TENANT_ADMIN)


def _filter(description: str, name: str | None = None) -> Any:
    if name is None:
        return QueryParameter(required=False, description=description)
    return QueryParameter(name=name, required=False, description=description)


def trail_page(ithaca: Ithaca, tenant: TenantRecord, model: ReadModel[Any],
               given: dict[str, str | None]) -> TrailPage:
    """A page of the tenant's trail for the filters as a query string gives them."""
    filters = TrailFilters.parse(given)
    position = model.position
    return read_trail(model.store, position, filters, platform_actions(ithaca.registry, tenant))


@get("/api/v1/audit/trail", opt=TRAIL_ROLES, sync_to_thread=True, tags=["audit"],
     summary="Staff actions and auditors' reads, newest first, with filters",
     description=(
         "Every admin, moderator and operator action on the tenant (with actor, reason and "
         "correlation id) and every auditor's read (path and query). Operator actions come from "
         "the platform stream (`stream: platform`, no position). Page with `before`: the "
         "`nextBefore` of the previous page.\n\n"
         "Filter by who with `?actor=kind:id` (`member:<id>`, `operator:<name>`, `cli:<user>`)."),
     responses=refusals(401, 403, 422),
     dependencies={"trail": read_model(AUDIT_TRAIL)})
def audit_trail(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], trail: NamedDependency[ReadModel[Any]],
    kind: Annotated[str | None, _filter("action or read")] = None,
    action: Annotated[str | None, _filter("An event type, e.g. Member.Suspended")] = None,
    subject: Annotated[str | None, _filter("A record's id")] = None,
    correlation_id: Annotated[str | None, _filter(
        "A request's id (X-Request-ID)", "correlationId")] = None,
    since: Annotated[str | None, _filter(
        "From this ISO date or date-time on (UTC unless it says)", "from")] = None,
    until: Annotated[str | None, _filter(
        "Up to this ISO date (inclusive) or before this date-time", "to")] = None,
    limit: Annotated[str | None, _filter(f"Entries per page, 1 to {MAX_LIMIT}")] = None,
    before: Annotated[str | None, _filter("Older than this position: `nextBefore`")] = None,
) -> Trail:
    page = trail_page(ithaca, tenant, trail, {
        # `actor` is read here: the name is the command actor's dependency on these routes.
        "actor": request.query_params.get("actor"), "kind": kind, "action": action,
        "subject": subject, "correlationId": correlation_id, "from": since, "to": until,
        "limit": limit, "before": before,
    })
    return Trail(entries=[TrailEntry.of(row) for row in page.entries],
                 next_before=page.next_before, position=page.position)


ROUTES: list[ControllerRouterHandler] = [audit_trail]
