"""The tenant admin's pages: the tenant's settings.

`/settings` is the overview; `/settings/branding` edits the brand (product name, logo, colours,
support address) with a live preview swapped in by HTMX as the admin types
(`/settings/branding/preview`, whose colours come from a style sheet, `preview.css`, since the
Content-Security-Policy allows no inline style); `/settings/domains` claims custom domains, shows
the DNS record that proves each pending claim, verifies it and detaches domains (a claimed domain
answers only once proven); `/settings/languages` chooses the tenant's default language;
`/settings/programme` the programme's rules. Brand, domains and language are the tenant
registry's commands (as in the platform API), recorded with the tenant admin as their actor; the
programme's are `Programme`'s.
Each form takes an optional reason, recorded with the change for the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.brand_colours import brand_variables
from infra.web.pages.forms import FormBody, error_of, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import application, roles
from services.accounts.domain import Role
from services.actor import Actor
from services.audit_log.schemas import REASON_MAX
from services.errors import InvalidInputError, IthacaError
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from services.programme.schemas import ChangeProgrammeSettings
from tenants.directory import TenantRecord
from tenants.domain import (
    COLOUR_PATTERN,
    DEFAULT_ACCENT_COLOUR,
    DEFAULT_PRIMARY_COLOUR,
    INTERFACE_LOCALES,
    Branding,
)
from tenants.schemas import AttachDomain

__all__ = ["PAGES"]


ADMIN = roles(Role.TENANT_ADMIN)
PROGRAMME = {"programme": application(Programme)}
_COLOUR = re.compile(COLOUR_PATTERN)
_LIST_SEPARATORS = re.compile(r"[,\s]+")


# Overview ------------------------------------------------------------------------------------


@get("/settings", opt=ADMIN, sync_to_thread=False)
def overview(request: Request[Any, Any, Any], tenant: NamedDependency[TenantRecord]) -> Template:
    return render(request, "tenant_admin/overview.html", tenant=tenant)


# Branding ------------------------------------------------------------------------------------


def _branding_values(branding: Branding) -> dict[str, Any]:
    return {
        "productName": branding.product_name, "logoUrl": branding.logo_url,
        "primaryColour": branding.primary_colour, "accentColour": branding.accent_colour,
        "supportEmail": branding.support_email,
    }


def _read_branding(request: Request[Any, Any, Any], values: dict[str, Any]) -> Branding:
    """The submitted brand, checked as the registry will check it (`Branding.validated`)."""
    known = {name: values[name] for name in _branding_values(Branding(product_name="")) if
             name in values}
    return read_form(request, known, Branding).validated()


def _reason(values: dict[str, Any]) -> str:
    """The optional reason typed beside a settings form, for the audit trail."""
    reason = str(values.get("reason") or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidInputError("must be at most %(most)s characters", field="reason",
                                values={"most": REASON_MAX})
    return reason


def _colour(value: object, fallback: str) -> str:
    """Only a `#rrggbb` colour reaches a style sheet; anything else is the fallback."""
    return value if isinstance(value, str) and _COLOUR.match(value) else fallback


@get("/settings/branding", opt=ADMIN, sync_to_thread=False)
def branding_form(
    request: Request[Any, Any, Any], tenant: NamedDependency[TenantRecord],
    saved: FromQuery[bool] = False,
) -> Template:
    values = _branding_values(tenant.branding)
    return render(request, "tenant_admin/branding.html", values=values, errors={}, saved=saved,
                  preview=_preview(values, tenant.branding))


@post("/settings/branding", opt=ADMIN, sync_to_thread=True)
def change_branding(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    errors: FormErrors
    with refusals(request) as refused:
        branding, reason = _read_branding(request, values), _reason(values)
        ithaca.registry.rebrand_tenant(tenant.slug, branding, actor, reason)
    if not refused:
        return Redirect(page_context(request).url("/settings/branding?saved=true"))
    errors, status = refused.errors, refused.status_code
    return render(request, "tenant_admin/branding.html", values=keep(values), errors=errors,
                  saved=False, preview=_preview(values, tenant.branding), status_code=status)


def _preview(values: dict[str, Any], current: Branding) -> dict[str, str]:
    return {
        "productName": str(values.get("productName") or current.product_name),
        "logoUrl": str(values.get("logoUrl") or ""),
        "primary": _colour(values.get("primaryColour"), current.primary_colour),
        "accent": _colour(values.get("accentColour"), current.accent_colour),
    }


@post("/settings/branding/preview", opt=ADMIN, sync_to_thread=False)
def branding_preview(
    request: Request[Any, Any, Any], data: FormBody, tenant: NamedDependency[TenantRecord],
) -> Template:
    """The preview of the brand as typed, not saved: swapped in by HTMX."""
    values = submitted(data)
    with refusals(request) as refused:
        _read_branding(request, values)
    errors = refused.errors
    return render(request, "tenant_admin/partials/brand_preview.html",
                  preview=_preview(values, tenant.branding), errors=errors)


@get("/settings/branding/preview.css", opt=ADMIN, sync_to_thread=False, media_type="text/css",
     cache_control=None)
def branding_preview_stylesheet(
    primary: FromQuery[str] = DEFAULT_PRIMARY_COLOUR,
    accent: FromQuery[str] = DEFAULT_ACCENT_COLOUR,
) -> Response[str]:
    """The preview's colours as CSS variables scoped to `.brand-preview`."""
    variables = brand_variables(_colour(primary, DEFAULT_PRIMARY_COLOUR),
                                _colour(accent, DEFAULT_ACCENT_COLOUR))
    css = f".brand-preview {{\n  {variables}\n}}\n"
    return Response(css, media_type="text/css")


# Domains -------------------------------------------------------------------------------------


@get("/settings/domains", opt=ADMIN, sync_to_thread=False)
def domains(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord],
) -> Template:
    return _domains_page(request, ithaca, tenant, {}, {})


def _domains_page(request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord,
                  values: dict[str, Any], errors: FormErrors, status_code: int = 200
                  ) -> Template:
    return render(request, "tenant_admin/domains.html", domains=tenant.domains,
                  pending_domains=tenant.pending_domains, values=values, errors=errors,
                  base_domain=ithaca.directory.base_domain, status_code=status_code)


@post("/settings/domains", opt=ADMIN, sync_to_thread=True)
def attach_domain(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, AttachDomain)
        ithaca.registry.attach_domain(tenant.slug, form.domain, actor, form.reason)
    if refused:
        return _domains_page(request, ithaca, tenant, keep(values), refused.errors,
                             refused.status_code)
    return Redirect(page_context(request).url("/settings/domains"))


def _domain_step(
    request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord,
    step: Callable[[], object],
) -> Response[Any] | Template:
    """A button on a domain (verify, detach): back to the list, or the list with the refusal
    at the top."""
    try:
        step()
    except IthacaError as refused:
        errors = error_of(request, refused)
        return _domains_page(request, ithaca, tenant, {}, {"form": next(iter(errors.values()))},
                             refused.status_code)
    return Redirect(page_context(request).url("/settings/domains"))


@post("/settings/domains/verify", opt=ADMIN, sync_to_thread=True)
def verify_domain(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    domain = str(submitted(data).get("domain", ""))
    return _domain_step(request, ithaca, tenant,
                        lambda: ithaca.registry.verify_domain(tenant.slug, domain, actor))


@post("/settings/domains/detach", opt=ADMIN, sync_to_thread=True)
def detach_domain(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    domain = str(values.get("domain", ""))
    return _domain_step(request, ithaca, tenant, lambda: ithaca.registry.detach_domain(
        tenant.slug, domain, actor, _reason(values)))


# Languages -----------------------------------------------------------------------------------


@get("/settings/languages", opt=ADMIN, sync_to_thread=False)
def languages(
    request: Request[Any, Any, Any], tenant: NamedDependency[TenantRecord],
    saved: FromQuery[bool] = False,
) -> Template:
    return render(request, "tenant_admin/languages.html", locales=INTERFACE_LOCALES,
                  values={"defaultLocale": tenant.default_locale}, errors={}, saved=saved)


@post("/settings/languages", opt=ADMIN, sync_to_thread=True)
def change_languages(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    locale = str(values.get("defaultLocale", ""))
    with refusals(request) as refused:
        ithaca.registry.change_default_locale(tenant.slug, locale, actor, _reason(values))
    if refused:
        return render(request, "tenant_admin/languages.html", locales=INTERFACE_LOCALES,
                      values=keep(values), errors=refused.errors, saved=False,
                      status_code=refused.status_code)
    return Redirect(page_context(request).url("/settings/languages?saved=true"))


# Programme -----------------------------------------------------------------------------------


def _programme_values(settings: ProgrammeSettings) -> dict[str, Any]:
    return {
        "requestExpiryDays": str(settings.request_expiry_days),
        "maxOpenRequests": str(settings.max_open_requests),
        "followUpMonths": ", ".join(str(months) for months in settings.follow_up_months),
        "languageFilter": settings.language_filter,
        "corporate": settings.corporate,
        "programmes": "\n".join(settings.programmes),
    }


def _split(value: object) -> list[str]:
    return [item for item in _LIST_SEPARATORS.split(str(value or "")) if item]


@get("/settings/programme", opt=ADMIN, sync_to_thread=True, dependencies=PROGRAMME)
def programme_settings(
    request: Request[Any, Any, Any], programme: NamedDependency[Programme],
    saved: FromQuery[bool] = False,
) -> Template:
    values = _programme_values(programme.get_settings())
    return render(request, "tenant_admin/programme.html", values=values, errors={}, saved=saved)


@post("/settings/programme", opt=ADMIN, sync_to_thread=True, dependencies=PROGRAMME)
def change_programme_settings(
    request: Request[Any, Any, Any], data: FormBody, programme: NamedDependency[Programme],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    shaped: dict[str, Any] = {
        "requestExpiryDays": values.get("requestExpiryDays", ""),
        "maxOpenRequests": values.get("maxOpenRequests", ""),
        "followUpMonths": _split(values.get("followUpMonths")),
        "languageFilter": "languageFilter" in values,
        "corporate": "corporate" in values,
        "programmes": _split(values.get("programmes")),
        "reason": values.get("reason", ""),
    }
    errors: FormErrors
    with refusals(request) as refused:
        form = read_form(request, shaped, ChangeProgrammeSettings)
        programme.change_settings(form.to_domain(), actor, form.reason)
    if not refused:
        return Redirect(page_context(request).url("/settings/programme?saved=true"))
    errors, status = refused.errors, refused.status_code
    # `followUpMonths[1]` -> the field `followUpMonths`.
    errors = {name.split("[", 1)[0]: problem for name, problem in errors.items()}
    kept = {**keep(values), "languageFilter": shaped["languageFilter"],
            "corporate": shaped["corporate"]}
    return render(request, "tenant_admin/programme.html", values=kept, errors=errors,
                  saved=False, status_code=status)


PAGES: list[ControllerRouterHandler] = [
    overview, branding_form, change_branding, branding_preview, branding_preview_stylesheet,
    domains, attach_domain, verify_domain, detach_domain, languages, change_languages,
    programme_settings, change_programme_settings,
]
