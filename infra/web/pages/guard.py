"""Who may open a page, and what the page knows of its reader.

Pages declare their roles as API routes do (`opt=roles(...)` or `PUBLIC`, from
`infra.web.tenant_api`), and the same rules hold: a member needs one of the roles, auditors may
read (GET) any page and submit none, and each page an auditor opens is recorded as an
`AuditorRead` (as their API reads are: `infra.web.tenant_api.record_auditor_read`). What
differs is the answer to a visitor who is not signed in: the sign-in page, which brings them
back afterwards (`?next=`), instead of a 401. Pages read the session cookie only; bearer tokens
are for API clients.

The guard also builds the `PageContext` every template gets: the tenant, the member, the
locale (`infra.web.i18n.negotiate_locale`), their time zone (their profile's, else the
tenant's) and their unread notifications (the header's count).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import anyio.to_thread
import structlog
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from infra.container import Ithaca
from infra.delivery.records import NotificationCentre
from infra.web.i18n import LOCALE_COOKIE, Formatter, negotiate_locale
from infra.web.pages.rendering import PageContext
from infra.web.tenant_api import ANY_MEMBER, ROLES_OPT, SESSION_COOKIE, record_auditor_read
from services.accounts.application import Accounts, Caller, NotSignedInError
from services.accounts.domain import Role
from services.errors import ForbiddenError
from services.profiles.application import Profiles
from tenants.directory import TenantRecord
from tenants.middleware import TENANT_SLUG_PARAMETER

__all__ = ["SignInRequiredError", "authorize_page"]


class SignInRequiredError(Exception):
    """The page needs a signed-in member; answered by a redirect to the sign-in page."""

    def __init__(self, sign_in_url: str) -> None:
        super().__init__(sign_in_url)
        self.sign_in_url = sign_in_url


async def authorize_page(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    ithaca: Ithaca = connection.app.state.ithaca
    tenant: TenantRecord = connection.scope["state"]["tenant"]
    token = connection.cookies.get(SESSION_COOKIE)
    caller, time_zone, unread = await anyio.to_thread.run_sync(_reader, ithaca, tenant, token)
    slug = connection.path_params.get(TENANT_SLUG_PARAMETER)
    base = f"/t/{slug}" if slug else ""
    locale = negotiate_locale(
        member=caller.locale if caller else None,
        chosen=connection.cookies.get(LOCALE_COOKIE),
        accept_language=connection.headers.get("accept-language", ""),
        default=tenant.default_locale,
    )
    connection.scope["state"]["caller"] = caller
    connection.scope["state"]["page"] = PageContext(
        tenant=tenant, caller=caller, locale=locale, base=base,
        format=Formatter(locale, time_zone or tenant.time_zone), unread_notifications=unread,
    )
    allowed: tuple[str, ...] = handler.opt.get(ROLES_OPT, ())
    if not allowed:
        return
    if caller is None:
        target = connection.url.path + (f"?{connection.url.query}" if connection.url.query else "")
        raise SignInRequiredError(f"{base}/sign-in?next={quote(target, safe='')}")
    structlog.contextvars.bind_contextvars(user=f"member:{caller.member_id}")
    reading = connection.scope.get("method") == "GET"
    if not (ANY_MEMBER in allowed or caller.has(*(Role(role) for role in allowed))
            or (Role.AUDITOR in caller.roles and reading)):
        raise ForbiddenError("this page needs the role %(roles)s", field="role",
                             values={"roles": " or ".join(allowed)})
    if reading and Role.AUDITOR in caller.roles:
        await record_auditor_read(connection, ithaca, tenant, caller)


def _reader(
    ithaca: Ithaca, tenant: TenantRecord, token: str | None
) -> tuple[Caller | None, str | None, int]:
    """The signed-in member (None for a visitor or an ended session), their time zone and how
    many of their notifications are unread (one count, for the header of every page)."""
    if not token:
        return None, None, 0
    try:
        caller = ithaca.tenant_application(tenant, Accounts).authenticate(token)
    except NotSignedInError:
        return None, None, 0
    profiles = ithaca.tenant_application(tenant, Profiles)
    profile = (profiles.find_mentor_profile(caller.member_id)
               or profiles.find_entrepreneur_profile(caller.member_id))
    unread = NotificationCentre(ithaca.tenant_stream(tenant)).unread(caller.member_id)
    return caller, profile.time_zone if profile else None, unread
