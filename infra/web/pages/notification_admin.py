"""The staff's notification pages: the tenant admin's preview of every kind of notification in
every language and channel under the tenant's brand (`/admin/notifications/preview`; the
e-mail's HTML is its own document, `.../preview/mail`, shown in a sandboxed frame with a policy
that lets its inline styles apply and nothing run), and what the platform told whom
(`/admin/notifications/deliveries`, tenant and programme admins), each kind named in the
reader's language (`infra.delivery.kind_names`). Auditors read both; the pages' guard records
each read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.delivery.deliveries import deliveries_view
from infra.delivery.kind_names import kind_name
from infra.delivery.preview import KindPreview, notification_kinds, tenant_preview
from infra.web.notification_api import PREVIEWERS, STAFF
from infra.web.pages.rendering import page_context, render
from services.errors import InvalidInputError, NotFoundError
from tenants.directory import TenantRecord
from tenants.domain import INTERFACE_LOCALES

__all__ = ["PAGES"]

MAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'"
)
"""The previewed mail's own document: its inline styles apply (as in a mail client), nothing
runs, and only this site's preview page may frame it."""
DELIVERIES_SHOWN = 200


def _chosen(
    request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord, kind: str,
    locale: str,
) -> KindPreview:
    kinds = notification_kinds(ithaca.features)
    own_locale = page_context(request).locale
    return tenant_preview(ithaca, tenant, kind or kinds[0].kind,
                          locale or (own_locale if own_locale in INTERFACE_LOCALES else "en"))


@get("/admin/notifications/preview", opt=PREVIEWERS, sync_to_thread=True)
def preview_page(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], kind: FromQuery[str] = "",
    locale: FromQuery[str] = "",
) -> Template:
    try:
        shown: KindPreview | None = _chosen(request, ithaca, tenant, kind, locale)
        problem = None
    except InvalidInputError as refused:
        shown, problem = None, refused
    kinds = notification_kinds(ithaca.features)
    reader = page_context(request).locale
    return render(
        request, "notification_admin/preview.html", kinds=kinds,
        kind_names={each.kind: kind_name(each.kind, reader) for each in kinds},
        locales=INTERFACE_LOCALES, shown=shown, kind=kind, locale=locale,
        problem=page_context(request).gettext(problem.template) % problem.values
        if problem else "", status_code=problem.status_code if problem else 200)


@get("/admin/notifications/preview/mail", opt=PREVIEWERS, sync_to_thread=True,
     media_type="text/html",
     response_headers={"Content-Security-Policy": MAIL_PREVIEW_POLICY})
def preview_mail(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], kind: FromQuery[str] = "",
    locale: FromQuery[str] = "",
) -> Response[str]:
    shown = _chosen(request, ithaca, tenant, kind, locale)
    return Response(shown.html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": MAIL_PREVIEW_POLICY})


@get("/admin/notifications/deliveries", opt=STAFF, sync_to_thread=True)
def deliveries_page(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], member_id: FromQuery[str] = "",
) -> Template:
    given = member_id.strip()
    chosen: UUID | None = None
    if given:
        try:
            chosen = UUID(given)
        except ValueError:
            raise NotFoundError("no member %(id)s", field="memberId",
                                values={"id": given}) from None
    view = deliveries_view(ithaca, tenant, chosen, DELIVERIES_SHOWN)
    reader = page_context(request).locale
    return render(request, "notification_admin/deliveries.html", view=view, member_id=given,
                  kind_names={row.kind: kind_name(row.kind, reader) for row in view.deliveries})


PAGES: list[ControllerRouterHandler] = [preview_page, preview_mail, deliveries_page]
