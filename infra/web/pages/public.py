"""The programme's public pages: landing, sign-up, sign-in and out, password reset, e-mail
verification, the language switcher, and the brand's style sheet."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from infra.web.i18n import LOCALE_COOKIE
from infra.web.pages.brand_colours import brand_variables
from infra.web.pages.forms import (
    FormBody,
    FormInvalidError,
    error_of,
    keep,
    read_form,
    refusals,
    submitted,
)
from infra.web.pages.handlers import safe_next
from infra.web.pages.rendering import page_context, render
from infra.web.tenant_api import ANY_MEMBER, PUBLIC, application, roles
from services.accounts.application import Accounts, Caller
from services.accounts.cookies import expired_session_cookie, set_session_cookie
from services.accounts.domain import Role, SessionKind
from services.accounts.schemas import ConfirmPasswordReset, RequestPasswordReset, SignIn, SignUp
from services.accounts.throttling import sign_in_limits
from services.actor import Actor
from services.errors import IthacaError
from tenants.directory import TenantRecord
from tenants.domain import INTERFACE_LOCALES

__all__ = ["PUBLIC_PAGES"]

ACCOUNTS = {"accounts": application(Accounts)}


@get("/home", opt=roles(ANY_MEMBER), sync_to_thread=False)
def home(request: Request[Any, Any, Any]) -> Redirect:
    """Where a member lands after signing in: the first page of their main role."""
    page = page_context(request)
    for role, path in _HOMES:
        if page.has_role(role):
            return Redirect(page.url(path))
    return Redirect(page.url("/"))


_HOMES = (
    (Role.PROGRAMME_ADMIN, "/admin"), (Role.TENANT_ADMIN, "/settings"),
    (Role.AUDITOR, "/admin/dashboard"), (Role.ENTREPRENEUR, "/mentors"),
    (Role.MENTOR, "/requests"),
)


@get("/", opt=PUBLIC, sync_to_thread=False, name="landing")
def landing(request: Request[Any, Any, Any]) -> Template:
    return render(request, "public/landing.html")


@get("/sign-up", opt=PUBLIC, sync_to_thread=False)
def sign_up_form(
    request: Request[Any, Any, Any], role: FromQuery[str] = "entrepreneur"
) -> Template:
    return render(request, "public/sign_up.html", values={"roles": [role]}, errors={})


@post("/sign-up", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def sign_up(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    actor: NamedDependency[Actor], tenant: NamedDependency[TenantRecord],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, SignUp, lists=("roles",))
        accounts.sign_up(
            email=form.email, name=form.name, password=form.password, roles=form.roles,
            locale=form.locale or page_context(request).locale, actor=actor)
    if refused:
        return render(request, "public/sign_up.html", values=keep(values),
                      errors=refused.errors, status_code=refused.status_code)
    try:
        signed_in = accounts.sign_in(
            email=form.email, password=form.password, kind=SessionKind.COOKIE, actor=actor)
    except IthacaError:
        # The address already had an account, whose owner has been told by mail: the page
        # points there, as the sign-up's answer says nothing of who is a member.
        return render(request, "public/check_mail.html", email=form.email)
    response: Response[Any] = Redirect(page_context(request).url("/onboarding"))
    return set_session_cookie(response, signed_in)


@get("/sign-in", opt=PUBLIC, sync_to_thread=False)
def sign_in_form(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None,
) -> Template:
    return render(request, "public/sign_in.html", values={"next": next or ""}, errors={})


@post("/sign-in", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def sign_in(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    target = safe_next(values.pop("next", None))
    try:
        form = read_form(request, values, SignIn)
        signed_in = accounts.sign_in(
            email=form.email, password=form.password, kind=SessionKind.COOKIE, actor=actor,
            client_address=request.client.host if request.client else "",
            limits=sign_in_limits(request.app.state.ithaca))
    except FormInvalidError as invalid:
        return render(request, "public/sign_in.html", values={**keep(values), "next": target},
                      errors=invalid.errors, status_code=400)
    except IthacaError as refused:  # not `refusals`: this refusal names no field
        # One message for a wrong address or password: it says nothing about who has an account.
        errors = error_of(request, refused)
        errors = {"form": next(iter(errors.values()))}
        headers = ({"Retry-After": str(refused.retry_after_seconds)}
                   if refused.retry_after_seconds else None)
        template = render(request, "public/sign_in.html", values={**keep(values), "next": target},
                          errors=errors, status_code=refused.status_code)
        if headers:
            template.headers.update(headers)
        return template
    response: Response[Any] = Redirect(target or page_context(request).url("/home"))
    return set_session_cookie(response, signed_in)


@post("/sign-out", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=ACCOUNTS)
def sign_out(
    request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any]:
    accounts.sign_out(caller.session_id, actor)
    response: Response[Any] = Redirect(page_context(request).url("/"))
    response.set_cookie(expired_session_cookie())
    return response


@get("/forgot-password", opt=PUBLIC, sync_to_thread=False)
def forgot_password_form(request: Request[Any, Any, Any]) -> Template:
    return render(request, "public/forgot_password.html", values={}, errors={}, sent=False)


@post("/forgot-password", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def forgot_password(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    actor: NamedDependency[Actor], tenant: NamedDependency[TenantRecord],
) -> Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, RequestPasswordReset)
        accounts.request_password_reset(form.email, actor)
    if refused:
        return render(request, "public/forgot_password.html", values=values,
                      errors=refused.errors, sent=False, status_code=refused.status_code)
    # The same answer whether or not an account has the address.
    return render(request, "public/forgot_password.html", values={}, errors={}, sent=True)


@get("/reset-password", opt=PUBLIC, sync_to_thread=False)
def reset_password_form(request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
    return render(request, "public/reset_password.html", values={"token": token}, errors={},
                  done=False)


@post("/reset-password", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def reset_password(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    actor: NamedDependency[Actor],
) -> Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, ConfirmPasswordReset)
        accounts.reset_password(form.token, form.password, actor)
    if refused:
        return render(request, "public/reset_password.html", values=keep(values),
                      errors=refused.errors, done=False, status_code=refused.status_code)
    return render(request, "public/reset_password.html", values={}, errors={}, done=True)


@get("/verify-email", opt=PUBLIC, sync_to_thread=False)
def verify_email_form(request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
    # Opening the link changes nothing (mail scanners open links); the button confirms.
    return render(request, "public/verify_email.html", token=token, errors={}, done=False)


@post("/verify-email", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def verify_email(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    actor: NamedDependency[Actor],
) -> Template:
    token = str(submitted(data).get("token", ""))
    try:
        accounts.verify_email(token, actor)
    except IthacaError as refused:
        return render(request, "public/verify_email.html", token=token,
                      errors=error_of(request, refused), done=False,
                      status_code=refused.status_code)
    return render(request, "public/verify_email.html", token="", errors={}, done=True)


@post("/language", opt=PUBLIC, sync_to_thread=True, dependencies=ACCOUNTS)
def choose_language(
    request: Request[Any, Any, Any], data: FormBody, accounts: NamedDependency[Accounts],
    caller: NamedDependency[Caller | None], actor: NamedDependency[Actor],
) -> Response[Any]:
    """The language switcher: a member's choice is theirs everywhere (and in their mail), a
    visitor's is kept in a cookie."""
    values = submitted(data)
    locale = str(values.get("locale", ""))
    back = safe_next(str(values.get("next", ""))) or page_context(request).url("/")
    response: Response[Any] = Redirect(back)
    if locale not in INTERFACE_LOCALES:
        return response
    if caller is not None:
        accounts.change_locale(caller.member_id, locale, actor)
    response.set_cookie(Cookie(key=LOCALE_COOKIE, value=locale, path="/", secure=True,
                               httponly=True, samesite="lax", max_age=365 * 24 * 3600))
    return response


@get("/brand.css", opt=PUBLIC, sync_to_thread=False, media_type="text/css",
     cache_control=None)
def brand_stylesheet(request: Request[Any, Any, Any]) -> Template:
    """The tenant's colours as CSS variables: a file, so the Content-Security-Policy needs no
    inline styles."""
    branding = request.state.tenant.branding
    return render(request, "brand.css", variables=brand_variables(
        branding.primary_colour, branding.accent_colour))


PUBLIC_PAGES = [
    landing, home, sign_up_form, sign_up, sign_in_form, sign_in, sign_out, forgot_password_form,
    forgot_password, reset_password_form, reset_password, verify_email_form, verify_email,
    choose_language, brand_stylesheet,
]
