"""What every tenant-scoped endpoint shares: who may call it, who is calling, which services.

Every tenant route declares its roles in `opt` with `roles(...)` (or `PUBLIC`); the plugin refuses
to start with a tenant route that declares nothing. One guard, `authorize`, enforces them:
it finds the session from `Authorization: Bearer <token>` (API clients) or the session cookie
(pages), refuses suspended members, and lets auditors read (GET) everything and write nothing.
Every GET of a caller holding the auditor role is recorded as an `AuditorRead` in the tenant's
stream (`record_auditor_read`; the pages' guard does the same), so the audit trail says who
looked at what.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import anyio.to_thread
import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler
from litestar.openapi import ResponseSpec

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.web.csrf import require_api_token
from infra.web.errors import ErrorBody
from infra.web.requests import request_id_of
from services.accounts.application import Accounts, Caller, NotSignedInError
from services.accounts.domain import Role
from services.actor import Actor
from services.audit_log.application import AuditLog
from services.errors import ForbiddenError
from tenants.directory import TenantRecord
from tenants.middleware import TENANT_SLUG_PARAMETER

__all__ = [
    "ANSWERS_CREDENTIAL",
    "ANY_MEMBER",
    "MEMBER_TOKEN_SCHEME",
    "PUBLIC",
    "ROLES_OPT",
    "SESSION_COOKIE",
    "application",
    "authorize",
    "caller_dependencies",
    "provide_actor",
    "provide_caller",
    "record_auditor_read",
    "refusals",
    "roles",
]

ROLES_OPT: Final = "roles"
ANY_MEMBER: Final = "member"
"""Any signed-in member of the tenant, whatever their roles."""
PUBLIC: Final[dict[str, tuple[str, ...]]] = {ROLES_OPT: ()}
"""No sign-in needed (sign-up, sign-in, password reset)."""
ANSWERS_CREDENTIAL: Final = "answers_credential"
"""In a route's `opt`: its answer carries a credential (a session token), so it is never kept
for an `Idempotency-Key` (the key is not used there) and is sent with `Cache-Control: no-store`."""
SESSION_COOKIE: Final = "ithaca_session"
MEMBER_TOKEN_SCHEME: Final = "memberToken"  # noqa: S105 - a name, not a secret
IDEMPOTENCY_HEADER: Final = "idempotency-key"
_BEARER = "bearer "

AppT = TypeVar("AppT", bound=StreamApplication)


def roles(*allowed: Role | str) -> dict[str, tuple[str, ...]]:
    """The `opt` of a route only members holding one of `allowed` may call (or `ANY_MEMBER`)."""
    return {ROLES_OPT: tuple(str(role) for role in allowed)}


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    if header.lower().startswith(_BEARER):
        return header[len(_BEARER):].strip() or None
    return connection.cookies.get(SESSION_COOKIE) or None


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    # Every route of ours declares its roles (checked at start-up); preflights need none.
    allowed: tuple[str, ...] = handler.opt.get(ROLES_OPT, ())
    if not allowed:
        return
    token = session_token(connection)
    if token is None:
        raise NotSignedInError("sign in first: Authorization: Bearer <token> or a session cookie")
    if not connection.headers.get("authorization", "").lower().startswith(_BEARER):
        require_api_token(connection)  # signed in by the cookie: see infra.web.csrf
    ithaca: Ithaca = connection.app.state.ithaca
    tenant: TenantRecord = connection.scope["state"]["tenant"]
    accounts = ithaca.tenant_application(tenant, Accounts)
    caller = await anyio.to_thread.run_sync(accounts.authenticate, token)
    connection.scope["state"]["caller"] = caller
    structlog.contextvars.bind_contextvars(user=f"member:{caller.member_id}")
    reading = connection.scope.get("method") == "GET"
    if not (ANY_MEMBER in allowed or caller.has(*(Role(role) for role in allowed))
            or (Role.AUDITOR in caller.roles and reading)):
        raise ForbiddenError(
            "this needs the role %(roles)s", field="role", values={"roles": " or ".join(allowed)}
        )
    if reading and Role.AUDITOR in caller.roles:
        await record_auditor_read(connection, ithaca, tenant, caller)


async def record_auditor_read(
    connection: ASGIConnection[Any, Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord,
    caller: Caller,
) -> None:
    """Appends one `AuditorRead` for this request: the path as the tenant sees it (without a
    `/t/{slug}` prefix), its query string, the request id as correlation id. Called by the API's
    and the pages' guards once the reader is admitted, for callers holding the auditor role."""
    path = connection.url.path
    slug = connection.path_params.get(TENANT_SLUG_PARAMETER)
    if slug and path.startswith(f"/t/{slug}"):
        path = path[len(f"/t/{slug}"):] or "/"
    actor = caller.actor(correlation_id=request_id_of(connection.scope))
    audit_log = ithaca.tenant_application(tenant, AuditLog)
    method = str(connection.scope.get("method", "GET"))
    query = connection.url.query
    await anyio.to_thread.run_sync(lambda: audit_log.record_read(method, path, query, actor))


def provide_caller(request: Request[Any, Any, Any]) -> Caller:
    """The member the guard admitted. The pages' guard sets it on every page, None for a
    visitor, so a PUBLIC page may ask for `Caller | None`; a PUBLIC API route never asks."""
    caller: Caller = request.state.caller
    return caller


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The actor of a command: the caller if signed in, else the anonymous visitor."""
    caller: Caller | None = request.state.get("caller")
    correlation_id: str = request.state.get("request_id", "")
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if caller is None:
        return Actor(kind="visitor", id="anonymous", correlation_id=correlation_id,
                     idempotency_key=key)
    return caller.actor(correlation_id=correlation_id, idempotency_key=key)


def caller_dependencies() -> dict[str, Provide]:
    """Who is calling, as every tenant handler asks for it, API and pages alike: `caller` (the
    signed-in member the guard found; on a page, None for a visitor) and `actor` (who a command
    is recorded as)."""
    return {
        "caller": Provide(provide_caller, sync_to_thread=False),
        "actor": Provide(provide_actor, sync_to_thread=False),
    }


def application(app_class: type[AppT]) -> Provide:
    """A dependency giving the request's tenant's instance of an application service."""

    def provide(request: Request[Any, Any, Any]) -> AppT:
        ithaca: Ithaca = request.app.state.ithaca
        return ithaca.tenant_application(request.state.tenant, app_class)

    provide.__name__ = f"provide_{app_class.__name__.lower()}"
    return Provide(provide, sync_to_thread=False)


_REFUSALS = {
    400: "Malformed body (unknown field, wrong type, broken constraint); names the field",
    401: "Not signed in, or the session is unknown, expired or ended",
    403: "The caller lacks the role, or the account is suspended",
    404: "No such record in this tenant",
    409: "Clashes with what is recorded (duplicate, illegal transition, capacity); names it",
    422: "Breaks a rule (unknown code, out of range); names the field",
}


def refusals(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the error answers a route can give (all `ErrorBody`)."""
    return {status: ResponseSpec(ErrorBody, description=_REFUSALS[status]) for status in statuses}


def declared_roles(handler: BaseRouteHandler) -> tuple[str, ...] | None:
    value: tuple[str, ...] | None = handler.opt.get(ROLES_OPT)
    return value

