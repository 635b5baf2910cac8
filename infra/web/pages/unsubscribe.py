"""Unsubscribing from a mail's link, and confirming an address that refused mail, without
signing in.

Opening the link changes nothing (mail scanners open links): the page says what will stop and
offers a button. The button, and a mail client's one-click unsubscribe (RFC 8058: a POST to the
same address with the body `List-Unsubscribe=One-Click`, sent without cookies), post to
`/unsubscribe?token=...`; the signed token is what authorises it, so that POST needs no CSRF
token and reads no body. Only the token's category stops, and only its e-mail (a digest's link:
every category that digest brought); account and security mail goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import error_of
from infra.web.pages.rendering import render
from infra.web.pages.site import CSRF_EXEMPT
from infra.web.tenant_api import PUBLIC, application
from services.actor import Actor
from services.errors import IthacaError
from services.notifications.application import Notifications
from services.notifications.values import Category

__all__ = ["PAGES"]

_NOTIFICATIONS = {"notifications": application(Notifications)}
_TEMPLATE = "notifications/unsubscribe.html"


def _page(
    request: Request[Any, Any, Any], answer: Callable[[], list[Category]], *, asking: str,
) -> Template:
    """The page, naming the categories `answer` gives (what will stop, or what stopped), or
    why the link does not work; `asking` is the token the button posts (none once done)."""
    try:
        categories = answer()
    except IthacaError as refused:
        return render(request, _TEMPLATE, token="", stops=[], errors=error_of(request, refused),
                      done=False, status_code=refused.status_code)
    return render(request, _TEMPLATE, token=asking, stops=[str(c) for c in categories],
                  errors={}, done=not asking)


@get("/unsubscribe", opt=PUBLIC, sync_to_thread=True, dependencies=_NOTIFICATIONS)
def unsubscribe_form(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    token: FromQuery[str] = "",
) -> Template:
    return _page(request, lambda: notifications.unsubscribe_stops(token)[1], asking=token)


@post("/unsubscribe", opt={**PUBLIC, **CSRF_EXEMPT}, sync_to_thread=True, status_code=200,
      dependencies=_NOTIFICATIONS)
def unsubscribe(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    actor: NamedDependency[Actor], token: FromQuery[str] = "",
) -> Template:
    return _page(request, lambda: notifications.unsubscribe(token, actor)[1], asking="")


_CONFIRM_TEMPLATE = "notifications/confirm_address.html"


@get("/confirm-address", opt=PUBLIC, sync_to_thread=True)
def confirm_address_form(request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
    """Opening the link changes nothing (mail scanners open links): the button confirms."""
    return render(request, _CONFIRM_TEMPLATE, token=token, errors={}, done=False)


@post("/confirm-address", opt={**PUBLIC, **CSRF_EXEMPT}, sync_to_thread=True, status_code=200,
      dependencies=_NOTIFICATIONS)
def confirm_address(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    actor: NamedDependency[Actor], token: FromQuery[str] = "",
) -> Template:
    try:
        notifications.confirm_address_by_link(token, actor)
    except IthacaError as refused:
        return render(request, _CONFIRM_TEMPLATE, token="", errors=error_of(request, refused),
                      done=False, status_code=refused.status_code)
    return render(request, _CONFIRM_TEMPLATE, token="", errors={}, done=True)


PAGES: list[ControllerRouterHandler] = [
    unsubscribe_form, unsubscribe, confirm_address_form, confirm_address,
]
