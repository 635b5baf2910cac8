"""HTTP entry points of delivery for the tenant's staff: every kind of notification previewed
in every language and channel under the tenant's brand (tenant admins), and what the platform
told whom (tenant and programme admins; auditors read both, and each read is recorded as an
`AuditorRead` by the API's guard)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from infra.container import Ithaca
from infra.delivery.deliveries import DeliveriesView, deliveries_view
from infra.delivery.preview import (
    KindPreview,
    NotificationKind,
    notification_kinds,
    tenant_preview,
)
from infra.web.tenant_api import refusals, roles
from services.accounts.domain import Role
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "NotificationAdminController"]

PREVIEWERS = roles(Role.TENANT_ADMIN)
"""Who words the programme's mail (its settings and nudges) sees how every kind reads."""
STAFF = roles(Role.TENANT_ADMIN, Role.PROGRAMME_ADMIN)


class NotificationAdminController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]  # noqa: RUF012 - Litestar's declared class attribute

    @get("/kinds", opt=PREVIEWERS, sync_to_thread=False,
         summary="Every kind of notification members may get, with its category and the "
                 "feature that tells it",
         responses=refusals(401, 403))
    def kinds(self, ithaca: NamedDependency[Ithaca]) -> list[NotificationKind]:
        return notification_kinds(ithaca.features)

    @get("/preview", opt=PREVIEWERS, sync_to_thread=True,
         summary="One kind in one language as each channel carries it, under the tenant's "
                 "brand and in its own words (a nudge's), filled with sample values: the "
                 "e-mail (subject, text and HTML as sent), the SMS with its segments, the "
                 "notification centre's line",
         responses=refusals(400, 401, 403, 422))
    def preview(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        kind: Annotated[str, QueryParameter(description="A kind, as /kinds lists them")],
        locale: Annotated[str, QueryParameter(description="en, es, fr, ar or id")],
    ) -> KindPreview:
        return tenant_preview(ithaca, tenant, kind, locale)

    @get("/deliveries", opt=STAFF, sync_to_thread=True,
         summary="What the platform told whom, newest first (one member's with memberId), and "
                 "the tenant's deliveries per channel and outcome; never an address or number",
         responses=refusals(400, 401, 403, 404))
    def deliveries(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        member_id: Annotated[UUID | None, QueryParameter(
            name="memberId", description="Only this member's")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500, description="At most this many")]
        = 100,
    ) -> DeliveriesView:
        return deliveries_view(ithaca, tenant, member_id, limit)


ROUTES: list[Any] = [NotificationAdminController]
