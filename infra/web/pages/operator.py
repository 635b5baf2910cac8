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

import anyio.to_thread
import structlog
from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.i18n import LOCALE_COOKIE, Formatter, negotiate_locale, translations_for
from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.guard import SignInRequiredError
from infra.web.pages.handlers import safe_next
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
    name = await anyio.to_thread.run_sync(_operator_named, ithaca, token) if token else None
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


@post("/sign-in", opt=_OPEN, sync_to_thread=True)
def sign_in(request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca]
            ) -> Response[Any] | Template:
    values = submitted(data)
    target = _back_to(values.get("next"))
    token = str(values.get("token", "")).strip()
    name = _operator_named(ithaca, token) if token else None
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


@post("/sign-out", sync_to_thread=False)
def sign_out(request: Request[Any, Any, Any]) -> Response[Any]:
    response: Response[Any] = Redirect(page_context(request).url("/sign-in"))
    response.set_cookie(Cookie(key=OPERATOR_COOKIE, value="", path=BASE, secure=True,
                               httponly=True, samesite="strict", max_age=0))
    return response


@post("/language", opt=_OPEN, sync_to_thread=False)
def choose_language(request: Request[Any, Any, Any], data: FormBody) -> Response[Any]:
    """The footer's language switcher on these pages: kept in the same cookie as a visitor's."""
    values = submitted(data)
    locale = str(values.get("locale", ""))
    response: Response[Any] = Redirect(_back_to(values.get("next"))
                                       or page_context(request).url("/tenants"))
    if locale in INTERFACE_LOCALES:
        response.set_cookie(Cookie(key=LOCALE_COOKIE, value=locale, path="/", secure=True,
                                   httponly=True, samesite="lax", max_age=365 * 24 * 3600))
    return response


# Tenants --------------------------------------------------------------------------------------


def _tenants_page(request: Request[Any, Any, Any], ithaca: Ithaca,
                  errors: dict[str, FormErrors] | None = None, status_code: int = 200
                  ) -> Template:
    return render(request, "operator/tenants.html", tenants=ithaca.directory.all(),
                  errors=errors or {}, status_code=status_code)


@get("/tenants", sync_to_thread=True)
def tenants(request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca]) -> Template:
    ithaca.directory.refresh_if_stale()
    return _tenants_page(request, ithaca)


def _new_values() -> dict[str, Any]:
    default = Branding(product_name="")
    return {"defaultLocale": "en", "timeZone": "UTC", "location": "main",
            "primaryColour": default.primary_colour, "accentColour": default.accent_colour}


def _new_page(request: Request[Any, Any, Any], ithaca: Ithaca, values: dict[str, Any],
              errors: FormErrors, status_code: int = 200) -> Template:
    return render(request, "operator/new_tenant.html", values=values, errors=errors,
                  locales=INTERFACE_LOCALES, locations=list(ithaca.registry.locations),
                  status_code=status_code)


@get("/tenants/new", sync_to_thread=False)
def new_tenant_form(request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca]
                    ) -> Template:
    return _new_page(request, ithaca, _new_values(), {})


@post("/tenants/new", sync_to_thread=True)
def provision_tenant(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    tenant_fields = {name: value for name, value in values.items()
                     if name not in _BRANDING_FIELDS}
    brand_fields = {name: value for name, value in values.items() if name in _BRANDING_FIELDS}
    with refusals(request) as refused:
        form = read_form(request, tenant_fields, ProvisionTenant)
        brand_fields.setdefault("productName", "")
        if not brand_fields["productName"]:
            brand_fields["productName"] = form.display_name
        branding = read_form(request, brand_fields, Branding).validated()
        ithaca.registry.provision_tenant(
            slug=form.slug, display_name=form.display_name, default_locale=form.default_locale,
            time_zone=form.time_zone, location=form.location, actor=actor)
        if branding != Branding(product_name=form.display_name.strip()):
            ithaca.registry.rebrand_tenant(form.slug, branding, actor)
    if not refused:
        return Redirect(page_context(request).url("/tenants"))
    return _new_page(request, ithaca, keep(values), refused.errors, refused.status_code)


def _status_step(struct: type[SuspendTenant | ReinstateTenant]) -> ControllerRouterHandler:
    """Suspend or reinstate a tenant, with a reason."""
    verb = "suspend" if struct is SuspendTenant else "reinstate"

    @post(f"/tenants/{{slug:str}}/{verb}", sync_to_thread=True, name=f"operator-tenant-{verb}")
    def step(
        request: Request[Any, Any, Any], slug: FromPath[str], data: FormBody,
        ithaca: NamedDependency[Ithaca], actor: NamedDependency[Actor],
    ) -> Response[Any] | Template:
        values = submitted(data)
        with refusals(request) as refused:
            form = read_form(request, {"reason": values.get("reason", "")}, struct)
            if isinstance(form, SuspendTenant):
                ithaca.registry.suspend_tenant(slug, form.reason, actor)
            else:
                ithaca.registry.reinstate_tenant(slug, form.reason, actor)
        if refused:
            return _tenants_page(request, ithaca, {slug: refused.errors}, refused.status_code)
        return Redirect(page_context(request).url("/tenants"))

    return step


PAGES: list[ControllerRouterHandler] = [
    start, sign_in_form, sign_in, sign_out, choose_language, tenants, new_tenant_form,
    provision_tenant, _status_step(SuspendTenant), _status_step(ReinstateTenant),
]
