"""How the pages are mounted, and what secures them (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from infra.settings import Settings
from infra.web.csrf import CSRF_COOKIE, CSRF_HEADER, SessionBoundCsrf
from infra.web.malformed import refuse_unreadable_path
from infra.web.pages import operator
from infra.web.pages.guard import SignInRequiredError, authorize_page
from infra.web.pages.rendering import template_config
from infra.web.pages.static import KEPT, STATIC_DIRECTORY
from infra.web.tenant_api import caller_dependencies
from tenants.controllers import operator_dependencies
from tenants.middleware import TENANT_SLUG_PARAMETER, PlatformHostMiddleware, TenantMiddleware

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_EXEMPT",
    "csrf_config",
    "operator_router",
    "page_routers",
    "static_files",
    "template_config",
]


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
]
CSRF_EXEMPT = {"exclude_from_csrf": True}
"""The `opt` of routers the CSRF middleware leaves alone (the JSON APIs, health, metrics)."""

def _sign_in_first(request: Request[Any, Any, Any], error: SignInRequiredError) -> Response[Any]:
    return Redirect(error.sign_in_url)


def page_routers(pages: Sequence[ControllerRouterHandler]) -> list[Router]:
    """The tenant pages the features declare, at the root and under `/t/{slug}`."""
    return [
        Router(
            path=path, route_handlers=list(pages),
            middleware=[TenantMiddleware(), SessionBoundCsrf()],
            guards=[authorize_page], dependencies=caller_dependencies(),
            response_headers=SECURITY_HEADERS,
            exception_handlers={SignInRequiredError: _sign_in_first},
            include_in_schema=False,
        )
        for path in ("/", f"/t/{{{TENANT_SLUG_PARAMETER}:str}}")
    ]


def operator_router() -> Router:
    """The platform operator's pages, on the platform's own address only (no tenant; on any
    other host a 404 like an unknown path); behind the operator's sign-in
    (`operator.authorize_operator`), with CSRF tokens like every page."""
    return Router(path="/platform", route_handlers=operator.PAGES,
                  middleware=[PlatformHostMiddleware(), SessionBoundCsrf()],
                  guards=[operator.authorize_operator], dependencies=operator_dependencies(),
                  response_headers=SECURITY_HEADERS,
                  exception_handlers={SignInRequiredError: _sign_in_first},
                  include_in_schema=False)


def static_files() -> Router:
    return create_static_files_router(
        path="/static", directories=[STATIC_DIRECTORY], include_in_schema=False,
        opt=CSRF_EXEMPT, cache_control=KEPT, guards=[refuse_unreadable_path],
    )


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.web_secret(), cookie_name=CSRF_COOKIE, cookie_secure=True,
        cookie_httponly=True, cookie_samesite="lax", header_name=CSRF_HEADER,
    )
