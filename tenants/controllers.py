"""HTTP entry points of the tenants package.

`PlatformController` is the platform operators' API (`/platform/api/v1`, bearer token): it
provisions, rebrands, suspends and reinstates tenants and attaches their domains. Every command
answers with the tenant as the directory now shows it and the platform stream position reached.
`TENANT_ROUTES` are tenant-scoped: mounted behind the tenant middleware, at the root and under
`/t/{tenant_slug}`.

Handlers are sync (the event store is), so Litestar runs them in worker threads.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
import structlog
from litestar import Controller, Request, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, Parameter

from infra.container import Ithaca
from infra.web.errors import ErrorBody
from infra.web.tenant_api import PUBLIC
from services.actor import Actor
from services.audit_log.schemas import REASON_MAX
from tenants.directory import TenantRecord
from tenants.domain import hash_token
from tenants.middleware import PlatformHostMiddleware
from tenants.schemas import (
    AttachDomain,
    ProvisionTenant,
    RebrandTenant,
    ReinstateTenant,
    SuspendTenant,
    TenantInfo,
    TenantList,
    TenantView,
)

__all__ = [
    "OPERATOR_TOKEN_SCHEME", "TENANT_ROUTES", "PlatformController", "operator_dependencies",
    "tenant_info",
]

OPERATOR_TOKEN_SCHEME = "operatorToken"  # noqa: S105 - a name, not a secret
"""The OpenAPI security scheme of the platform API (HTTP bearer)."""

_BEARER = "bearer "


async def require_operator(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: the caller presents a current operator token; their name becomes the log's user."""
    header = connection.headers.get("authorization", "")
    if not header.lower().startswith(_BEARER) or not header[len(_BEARER):].strip():
        raise NotAuthorizedException(
            "an operator token is required: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    ithaca: Ithaca = connection.app.state.ithaca
    if ithaca.directory.is_stale():  # a token issued by another process
        await anyio.to_thread.run_sync(ithaca.directory.refresh_if_stale)
    name = ithaca.directory.operator_for_token_hash(hash_token(header[len(_BEARER):].strip()))
    if name is None:
        raise NotAuthorizedException(
            "the operator token is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    connection.scope["state"]["operator"] = name
    structlog.contextvars.bind_contextvars(user=f"operator:{name}")


def provide_operator_actor(request: Request[Any, Any, Any]) -> Actor:
    return Actor(
        kind="operator", id=request.state.operator, correlation_id=request.state.request_id
    )


def operator_dependencies() -> dict[str, Provide]:
    """Who is calling, as the platform API and the operator's pages ask for it: `actor`, the
    operator the guard admitted."""
    return {"actor": Provide(provide_operator_actor, sync_to_thread=False)}


def _refusals(*statuses: int) -> dict[int, ResponseSpec]:
    descriptions = {
        400: "Malformed body (unknown field, wrong type, broken constraint); names the field",
        401: "No valid operator token",
        404: "No such tenant",
        409: "Clashes with what is recorded (duplicate slug or domain, illegal transition)",
        422: "Breaks a rule (reserved slug, unknown locale or time zone, a domain that is an "
             "address or the platform's own, no proof of control yet); names the field",
        503: "The DNS did not answer; try again after Retry-After seconds",
    }
    return {
        status: ResponseSpec(ErrorBody, description=descriptions[status])
        for status in (401, *statuses)
    }


class PlatformController(Controller):
    path = "/platform/api/v1"
    tags = ["platform"]  # noqa: RUF012 - Litestar's declared class attribute
    middleware = [PlatformHostMiddleware()]  # noqa: RUF012
    guards = [require_operator]  # noqa: RUF012
    security = [{OPERATOR_TOKEN_SCHEME: []}]  # noqa: RUF012
    dependencies = operator_dependencies()

    @post("/tenants", sync_to_thread=True, summary="Provision a tenant",
          responses=_refusals(400, 409, 422))
    def provision_tenant(
        self, data: JSONBody[ProvisionTenant], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.provision_tenant(
            slug=data.slug, display_name=data.display_name, default_locale=data.default_locale,
            time_zone=data.time_zone, location=data.location, actor=actor, reason=data.reason,
        )
        return _view(ithaca, data.slug)

    @get("/tenants", sync_to_thread=True, summary="List tenants", responses=_refusals())
    def list_tenants(self, ithaca: NamedDependency[Ithaca]) -> TenantList:
        ithaca.directory.refresh_if_stale()
        position = ithaca.directory.position
        return TenantList(
            tenants=[TenantView.of(record, position) for record in ithaca.directory.all()],
            position=position,
        )

    @get("/tenants/{slug:str}", sync_to_thread=True, summary="Show a tenant",
         responses=_refusals(404))
    def get_tenant(self, slug: FromPath[str], ithaca: NamedDependency[Ithaca]) -> TenantView:
        ithaca.directory.refresh_if_stale()
        return _view(ithaca, slug)

    @put("/tenants/{slug:str}/branding", sync_to_thread=True, summary="Rebrand a tenant",
         responses=_refusals(400, 404, 422))
    def rebrand_tenant(
        self, slug: FromPath[str], data: JSONBody[RebrandTenant], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.rebrand_tenant(slug, data.branding(), actor, data.reason)
        return _view(ithaca, slug)

    @post("/tenants/{slug:str}/domains", sync_to_thread=True,
          summary="Claim a custom domain (active once proven)",
          description="Records a pending claim; the answer's `pendingDomains` says which TXT "
                      "record to publish before verifying. Claiming again changes nothing.",
          responses=_refusals(400, 404, 409, 422))
    def attach_domain(
        self, slug: FromPath[str], data: JSONBody[AttachDomain], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.attach_domain(slug, data.domain, actor, data.reason)
        return _view(ithaca, slug)

    @post("/tenants/{slug:str}/domains/{domain:str}/verification", status_code=200,
          sync_to_thread=True, summary="Prove control of a claimed custom domain",
          description="Looks up the TXT record `_ithaca-challenge.{domain}`; when it holds the "
                      "claim's challenge the domain becomes active (422 otherwise, saying what "
                      "to publish; 503 when the DNS does not answer).",
          responses=_refusals(404, 409, 422, 503))
    def verify_domain(
        self, slug: FromPath[str], domain: FromPath[str], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.verify_domain(slug, domain, actor)
        return _view(ithaca, slug)

    @delete("/tenants/{slug:str}/domains/{domain:str}", status_code=200, sync_to_thread=True,
            summary="Detach a custom domain (or withdraw its pending claim)",
            responses=_refusals(404, 409, 422))
    def detach_domain(
        self, slug: FromPath[str], domain: FromPath[str], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor], reason: Annotated[str, Parameter(
            max_length=REASON_MAX, required=False,
            description="Why (optional); recorded for auditors.")] = "",
    ) -> TenantView:
        ithaca.registry.detach_domain(slug, domain, actor, reason)
        return _view(ithaca, slug)

    @post("/tenants/{slug:str}/suspension", status_code=200, sync_to_thread=True,
          summary="Suspend a tenant", responses=_refusals(400, 404, 409))
    def suspend_tenant(
        self, slug: FromPath[str], data: JSONBody[SuspendTenant], ithaca: NamedDependency[Ithaca],
        actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.suspend_tenant(slug, data.reason, actor)
        return _view(ithaca, slug)

    @delete("/tenants/{slug:str}/suspension", status_code=200, sync_to_thread=True,
            summary="Reinstate a suspended tenant", responses=_refusals(400, 404, 409))
    def reinstate_tenant(
        self, slug: FromPath[str], data: JSONBody[ReinstateTenant],
        ithaca: NamedDependency[Ithaca], actor: NamedDependency[Actor],
    ) -> TenantView:
        ithaca.registry.reinstate_tenant(slug, data.reason, actor)
        return _view(ithaca, slug)


def _view(ithaca: Ithaca, slug: str) -> TenantView:
    # The registry refreshed the directory when it saved, so the view includes the command.
    return TenantView.of(ithaca.tenant(slug), ithaca.directory.position)


@get("/api/v1/tenant", tags=["tenant"], summary="The tenant this address belongs to", opt=PUBLIC,
     sync_to_thread=False, responses={
         403: ResponseSpec(ErrorBody, description="The tenant is suspended"),
         404: ResponseSpec(ErrorBody, description="No tenant at this host or slug"),
     })
def tenant_info(tenant: NamedDependency[TenantRecord]) -> TenantInfo:
    return TenantInfo.of(tenant)


TENANT_ROUTES = [tenant_info]
