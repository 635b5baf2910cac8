"""The platform operator's pages, at `/platform` on the platform's own address (no tenant).

An operator signs in by pasting their operator token (`ithaca operator add`); it is checked as
the platform API checks its bearer token (`tenants.controllers.require_operator`) and kept in a
Secure, HttpOnly, SameSite=Strict cookie (`ithaca_operator`, path `/platform`). The guard
(`authorize_operator`) sends anyone without a current token to the sign-in page and builds the
`PageContext` the templates need (no tenant, no member; `operator` is the operator's name, and
`base` is `/platform` so `page.url()` stays on these pages). Then: the list of tenants,
provisioning one (with its brand), and suspending or reinstating one, with the operator as the
commands' actor.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

import structlog
from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.bootstrap import Ithaca
from infra.web.i18n import LOCALE_COOKIE, Formatter, negotiate_locale, translations_for
from infra.web.pages.forms import keep, read_form, refusals, submitted
from infra.web.pages.guard import SignInRequiredError
from infra.web.pages.handlers import in_thread, ithaca_of, safe_next
from infra.web.pages.rendering import FormErrors, PageContext, page_context, render
from services.actor import Actor
from tenants.domain import INTERFACE_LOCALES, Branding, hash_token
from tenants.schemas import ProvisionTenant, ReinstateTenant, SuspendTenant

__all__ = ["OPERATOR_COOKIE", "PAGES", "authorize_operator"]


OPERATOR_COOKIE: Final = "ithaca_operator"
BASE: Final = "/platform"
_OPEN: Final = {"operator_open": True}
"""The `opt` of the pages anyone may open (sign-in, the language switcher)."""
_BRANDING_FIELDS = ("productName", "logoUrl", "primaryColour", "accentColour", "supportEmail")


def _operator_named(ithaca: Ithaca, token: str) -> str | None:
    ithaca.directory.refresh_if_stale()  # a token issued by another process
    return ithaca.directory.operator_for_token_hash(hash_token(token.strip()))


async def authorize_operator(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    ithaca: Ithaca = connection.app.state.ithaca
    token = connection.cookies.get(OPERATOR_COOKIE, "")
    name = await in_thread(lambda: _operator_named(ithaca, token)) if token else None
    locale = negotiate_locale(
        member=None, chosen=connection.cookies.get(LOCALE_COOKIE),
        accept_language=connection.headers.get("accept-language", ""), default="en",
    )
    connection.scope["state"]["operator"] = name
    connection.scope["state"]["page"] = PageContext(
        tenant=None, caller=None, locale=locale, base=BASE, format=Formatter(locale, "UTC"),
        operator=name,
    )
    if name is not None:
        structlog.contextvars.bind_contextvars(user=f"operator:{name}")
    if name is None and not handler.opt.get("operator_open"):
        target = connection.url.path + (f"?{connection.url.query}" if connection.url.query else "")
        raise SignInRequiredError(f"{BASE}/sign-in?next={quote(target, safe='')}")


def _actor(request: Request[Any, Any, Any]) -> Actor:
    return Actor(kind="operator", id=request.state.operator,
                 correlation_id=request.state.get("request_id", ""))


def _back_to(target: object) -> str | None:
    return safe_next(target, within=BASE + "/")


# Signing in and out ---------------------------------------------------------------------------


@get("/", sync_to_thread=False)
def start(request: Request[Any, Any, Any]) -> Redirect:
    return Redirect(page_context(request).url("/tenants"))


@get("/sign-in", opt=_OPEN, sync_to_thread=False)
def sign_in_form(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None,
) -> Template:
    return render(request, "operator/sign_in.html", values={"next": _back_to(next) or ""},
                  errors={})


@post("/sign-in", opt=_OPEN)
async def sign_in(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    target = _back_to(values.get("next"))
    token = str(values.get("token", "")).strip()
    name = await in_thread(lambda: _operator_named(ithaca_of(request), token)) if token else None
    if name is None:
        gettext = translations_for(page_context(request).locale).gettext
        problem = (gettext("The operator token is unknown or revoked.") if token
                   else gettext("This field is required."))
        return render(request, "operator/sign_in.html", values={"next": target or ""},
                      errors={"token": problem}, status_code=400 if not token else 401)
    response: Response[Any] = Redirect(target or page_context(request).url("/tenants"))
    response.set_cookie(Cookie(key=OPERATOR_COOKIE, value=token, path=BASE, secure=True,
                               httponly=True, samesite="strict", max_age=12 * 3600))
    return response


@post("/sign-out")
async def sign_out(request: Request[Any, Any, Any]) -> Response[Any]:
    response: Response[Any] = Redirect(page_context(request).url("/sign-in"))
    response.set_cookie(Cookie(key=OPERATOR_COOKIE, value="", path=BASE, secure=True,
                               httponly=True, samesite="strict", max_age=0))
    return response


@post("/language", opt=_OPEN)
async def choose_language(request: Request[Any, Any, Any]) -> Response[Any]:
    """The footer's language switcher on these pages: kept in the same cookie as a visitor's."""
    values = await submitted(request)
    locale = str(values.get("locale", ""))
    response: Response[Any] = Redirect(_back_to(values.get("next"))
                                       or page_context(request).url("/tenants"))
    if locale in INTERFACE_LOCALES:
        response.set_cookie(Cookie(key=LOCALE_COOKIE, value=locale, path="/", secure=True,
                                   httponly=True, samesite="lax", max_age=365 * 24 * 3600))
    return response


# Tenants --------------------------------------------------------------------------------------


def _tenants_page(request: Request[Any, Any, Any], errors: dict[str, FormErrors] | None = None,
                  status_code: int = 200) -> Template:
    return render(request, "operator/tenants.html", tenants=ithaca_of(request).directory.all(),
                  errors=errors or {}, status_code=status_code)


@get("/tenants", sync_to_thread=True)
def tenants(request: Request[Any, Any, Any]) -> Template:
    ithaca_of(request).directory.refresh_if_stale()
    return _tenants_page(request)


def _new_values() -> dict[str, Any]:
    default = Branding(product_name="")
    return {"defaultLocale": "en", "timeZone": "UTC", "location": "main",
            "primaryColour": default.primary_colour, "accentColour": default.accent_colour}


def _new_page(request: Request[Any, Any, Any], values: dict[str, Any], errors: FormErrors,
              status_code: int = 200) -> Template:
    return render(request, "operator/new_tenant.html", values=values, errors=errors,
                  locales=INTERFACE_LOCALES, locations=list(ithaca_of(request).registry.locations),
                  status_code=status_code)


@get("/tenants/new", sync_to_thread=False)
def new_tenant_form(request: Request[Any, Any, Any]) -> Template:
    return _new_page(request, _new_values(), {})


@post("/tenants/new")
async def provision_tenant(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    tenant_fields = {name: value for name, value in values.items()
                     if name not in _BRANDING_FIELDS}
    brand_fields = {name: value for name, value in values.items() if name in _BRANDING_FIELDS}
    errors: FormErrors
    with refusals(request) as refused:
        data = read_form(request, tenant_fields, ProvisionTenant)
        brand_fields.setdefault("productName", "")
        if not brand_fields["productName"]:
            brand_fields["productName"] = data.display_name
        branding = read_form(request, brand_fields, Branding).validated()
        ithaca, actor = ithaca_of(request), _actor(request)

        def provision() -> None:
            ithaca.registry.provision_tenant(
                slug=data.slug, display_name=data.display_name,
                default_locale=data.default_locale, time_zone=data.time_zone,
                location=data.location, actor=actor)
            if branding != Branding(product_name=data.display_name.strip()):
                ithaca.registry.rebrand_tenant(data.slug, branding, actor)

        await in_thread(provision)
    if not refused:
        return Redirect(page_context(request).url("/tenants"))
    errors, status = refused.errors, refused.status_code
    return _new_page(request, keep(values), errors, status)


async def _change_status(
    request: Request[Any, Any, Any], slug: str, struct: type[SuspendTenant | ReinstateTenant],
) -> Response[Any] | Template:
    values = await submitted(request)
    ithaca, actor = ithaca_of(request), _actor(request)
    with refusals(request) as refused:
        data = read_form(request, {"reason": values.get("reason", "")}, struct)
        if isinstance(data, SuspendTenant):
            await in_thread(lambda: ithaca.registry.suspend_tenant(slug, data.reason, actor))
        else:
            await in_thread(lambda: ithaca.registry.reinstate_tenant(slug, data.reason, actor))
    if refused:
        return _tenants_page(request, {slug: refused.errors}, refused.status_code)
    return Redirect(page_context(request).url("/tenants"))


@post("/tenants/{slug:str}/suspend")
async def suspend_tenant(request: Request[Any, Any, Any], slug: FromPath[str]
                         ) -> Response[Any] | Template:
    return await _change_status(request, slug, SuspendTenant)


@post("/tenants/{slug:str}/reinstate")
async def reinstate_tenant(request: Request[Any, Any, Any], slug: FromPath[str]
                           ) -> Response[Any] | Template:
    return await _change_status(request, slug, ReinstateTenant)


PAGES: list[ControllerRouterHandler] = [
    start, sign_in_form, sign_in, sign_out, choose_language, tenants, new_tenant_form,
    provision_tenant, suspend_tenant, reinstate_tenant,
]
