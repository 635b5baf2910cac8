"""Branded error pages (404, 403, 500, ...) for browsers.

`infra.web.errors` answers every refusal; when the client prefers HTML it asks this module for
the page. The brand is the tenant's when the request names one (by host or `/t/{slug}`, even on
a path with no route), else the platform's; the language is negotiated as for any page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Template

from infra.translations import N_
from infra.web.i18n import LOCALE_COOKIE, Formatter, negotiate_locale
from infra.web.pages.rendering import PageContext
from services.errors import IthacaError
from tenants.directory import TenantRecord

__all__ = ["error_page"]

_COULD_NOT = N_("The request could not be handled. Go back and try again.")
_IN_WORDS = {
    401: N_("Sign in to see this page."),
    403: N_("This was refused. If you followed a link or sent a form, reload the page and try "
            "again."),
    404: N_("There is no page at this address. The link may be mistyped or out of date."),
    405: N_("This page cannot be used that way. Go back and try again."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests in a short time. Wait a moment and try again."),
}


def error_page(
    request: Request[Any, Any, Any], status: int, problem: str,
    headers: dict[str, str] | None = None, refusal: IthacaError | None = None,
) -> Response[Any]:
    page: PageContext = request.state.get("page") or _context_for(request)
    if refusal is not None:
        words = page.gettext(refusal.template)
        problem = words % refusal.values if refusal.values else words
    else:  # the framework's own words ("no route for GET ..."), meant for API clients
        problem = page.gettext(_IN_WORDS.get(status, _COULD_NOT))
    return Template(
        template_name="errors/error.html", status_code=status, headers=headers,
        context={"page": page, "status": status, "problem": problem},
    )


def _context_for(request: Request[Any, Any, Any]) -> PageContext:
    tenant = request.state.get("tenant") or _tenant_named(request)
    locale = negotiate_locale(
        member=None, chosen=request.cookies.get(LOCALE_COOKIE),
        accept_language=request.headers.get("accept-language", ""),
        default=tenant.default_locale if tenant else "en",
    )
    path = request.url.path
    base = "/".join(path.split("/")[:3]) if path.startswith("/t/") else ""
    return PageContext(tenant=tenant, caller=None, locale=locale, base=base,
                       format=Formatter(locale, tenant.time_zone if tenant else "UTC"))


def _tenant_named(request: Request[Any, Any, Any]) -> TenantRecord | None:
    ithaca = getattr(request.app.state, "ithaca", None)
    if ithaca is None:
        return None
    path = request.url.path
    if path.startswith("/t/"):
        record: TenantRecord | None = ithaca.directory.by_slug(path.split("/")[2])
        return record
    return ithaca.directory.by_host(request.url.hostname or "")  # type: ignore[no-any-return]
