"""Tenant resolution: which tenant a tenant-scoped request is for.

A request names its tenant by the `/t/{slug}` path prefix (the tenant routes are mounted twice,
once under that prefix and once at the root, because Litestar routes before app middleware runs
and a middleware cannot strip a prefix), else by its `Host`: `{slug}.{base domain}` or a custom
domain attached to the tenant. The resolved `TenantRecord` goes into the scope's state (handlers
ask for it as the `tenant` dependency) and its slug into the log context.

Lookups are in memory. The directory is caught up (off the event loop) only when it is older than
`tenant_cache_seconds`; changes made through this process are applied at once by the registry, so
a suspension is enforced from the very next request. An unknown tenant is a 404 naming what was
looked up; a suspended one is a 403. Platform routes (`/platform/...`, health, metrics, schema)
are not mounted behind this middleware and need no tenant.

The platform's own routes (the operator pages and the platform API) go through
`PlatformHostMiddleware`: on any host but the platform's (the bare base domain, localhost, a
loopback address, `ITHACA_PLATFORM_HOSTS`) they answer exactly like a path that does not exist,
so a tenant's domain or subdomain never shows that a platform stands behind it.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import structlog
from litestar import Litestar, Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from infra.web.errors import error_response
from services.errors import ForbiddenError, IthacaError, NotFoundError
from tenants.directory import TenantDirectory, TenantRecord

__all__ = [
    "TENANT_SLUG_PARAMETER",
    "PlatformHostMiddleware",
    "TenantMiddleware",
    "provide_tenant",
    "resolve_tenant",
]

TENANT_SLUG_PARAMETER = "tenant_slug"
BRAND_STYLESHEET = "/brand.css"


def resolve_tenant(directory: TenantDirectory, *, slug: str | None, host: str,
                   allow_suspended: bool = False) -> TenantRecord:
    """The tenant a request names, or the refusal to answer with."""
    if slug is not None:
        record = directory.by_slug(slug)
        if record is None:
            raise NotFoundError("no tenant with slug '%(slug)s'", field="slug",
                                values={"slug": slug})
    else:
        record = directory.by_host(host)
        if record is None:
            if directory.is_platform_host(host):
                raise NotFoundError(
                    "no tenant at '%(host)s': it is the platform's own address; tenants answer "
                    "on {slug}.%(base)s or their own domains", field="host",
                    values={"host": host, "base": directory.base_domain},
                )
            raise NotFoundError("no tenant at host '%(host)s'", field="host",
                                values={"host": host})
    if record.suspended and not allow_suspended:
        raise ForbiddenError(
            "%(name)s (%(slug)s) is suspended; please contact the programme's operator",
            field="tenant", values={"name": record.display_name, "slug": record.slug},
        )
    return record


class TenantMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        directory: TenantDirectory = Litestar.from_scope(scope).state.ithaca.directory
        if directory.is_stale():
            await anyio.to_thread.run_sync(directory.refresh_if_stale)
        slug = scope["path_params"].get(TENANT_SLUG_PARAMETER)
        host = Headers.from_scope(scope).get("host", "")
        try:
            # A suspended tenant's pages say so under its own brand: its colours stay served.
            record = resolve_tenant(directory, slug=slug, host=host,
                                    allow_suspended=scope["path"].endswith(BRAND_STYLESHEET))
        except IthacaError as refusal:
            request: Request[Any, Any, Any] = Request(scope, receive)
            response = error_response(request, refusal.status_code, refusal.problem,
                                      refusal.field, refusal=refusal)
            await response.to_asgi_response(app=None, request=request)(scope, receive, send)
            return
        scope["state"]["tenant"] = record
        structlog.contextvars.bind_contextvars(tenant=record.slug)
        await next_app(scope, receive, send)


class PlatformHostMiddleware(ASGIMiddleware):
    """Lets the platform's own routes answer only on the platform's hosts; elsewhere they answer
    as unknown paths do (404). A middleware rather than a guard: it runs before the CSRF
    middleware, which would otherwise set its cookie on the refusal, unlike on an unknown path."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        directory: TenantDirectory = Litestar.from_scope(scope).state.ithaca.directory
        if not directory.is_platform_host(Headers.from_scope(scope).get("host", "")):
            raise NotFoundException
        await next_app(scope, receive, send)


def provide_tenant(request: Request[Any, Any, Any]) -> TenantRecord:
    """The `tenant` dependency of tenant-scoped handlers."""
    record: TenantRecord = request.state.tenant
    return record
