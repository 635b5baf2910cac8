"""HTTP entry points of verifiable history: the tenant's public key (public, so anyone can check
an export), the signed export itself, and the live store's own check.

Auditors and tenant admins download exports and read the check; everyone may read the key.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream

from infra.audit.export import EXPORT_MEDIA_TYPE, export_lines, export_range, tenant_stream
from infra.container import Ithaca
from infra.eventstore.chain_check import StreamCheck, check_stream
from infra.signing import SIGNATURE_ALGORITHM
from infra.web.tenant_api import PUBLIC, provide_actor, refusals, roles
from services.accounts.domain import Role
from services.schemas import FrozenCamelStruct
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "AuditController", "PublicKeyView"]

AUDIT_READERS = roles(Role.AUDITOR, Role.TENANT_ADMIN)


class PublicKeyView(FrozenCamelStruct):
    tenant: str
    """The tenant's slug."""
    algorithm: str
    key_id: str
    public_key: str
    """The raw 32-byte Ed25519 public key, base64."""


FromPosition = Annotated[int | None, QueryParameter(
    name="fromPosition", description="First stream position exported (default 1)")]
ToPosition = Annotated[int | None, QueryParameter(
    name="toPosition",
    description="Last stream position exported (default: the stream's head now)")]

_KEY_DESCRIPTION = (
    "The tenant's Ed25519 public key, for checking what Ithaca signs for this tenant: exports "
    "(`GET /api/v1/audit/export`, verified offline with `ithaca audit verify FILE "
    "--public-key <publicKey>`), the live store's checkpoints and erasure certificates. The "
    "private key is derived from a secret kept outside the database and is never stored. "
    "Fetch it over HTTPS from the tenant's own address; `keyId` (the first 16 hex digits of "
    "the SHA-256 of the raw key) names it inside every signed document. Needs no sign-in."
)
_EXPORT_DESCRIPTION = (
    "The tenant's stream (or the range asked for) as JSON Lines: one event per line (position, "
    "time, type, topic, aggregate id and version, actor, payload, hash), each line's SHA-256 "
    "covering the line before it, then a manifest signed with the tenant's Ed25519 key. Streamed; "
    "verify it offline with `ithaca audit verify FILE --public-key <key>` (the format is "
    "documented in docs/audit.md). Auditors and tenant admins."
)


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]  # noqa: RUF012 - Litestar's declared class attribute

    @get("/public-key", opt=PUBLIC, sync_to_thread=False,
         summary="The tenant's public signing key (Ed25519)", description=_KEY_DESCRIPTION,
         responses=refusals(404))
    def public_key(self, ithaca: NamedDependency[Ithaca],
                   tenant: NamedDependency[TenantRecord]) -> PublicKeyView:
        key = ithaca.signing_keys.for_tenant(tenant.id).public
        return PublicKeyView(tenant=tenant.slug, algorithm=SIGNATURE_ALGORITHM,
                             key_id=key.key_id, public_key=key.base64)

    @get("/export", opt=AUDIT_READERS, sync_to_thread=True,
         summary="A signed, hash-chained export of the tenant's events (JSON Lines)",
         description=_EXPORT_DESCRIPTION, responses={
             200: ResponseSpec(str, media_type=EXPORT_MEDIA_TYPE,
                               description="One event per line, the signed manifest last"),
             **refusals(400, 401, 403, 422),
         })
    def export(
        self, request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
        tenant: NamedDependency[TenantRecord], from_position: FromPosition = None,
        to_position: ToPosition = None,
    ) -> Stream:
        return export_stream(request, ithaca, tenant, from_position, to_position)

    @get("/verification", opt=AUDIT_READERS, sync_to_thread=True,
         summary="The live store's tamper check: hash chain and signed checkpoints",
         description="Recomputes the hash chain over every stored event of the tenant and "
                     "compares it with the recorded hashes and the signed checkpoints; names "
                     "the first position that no longer holds (changed, deleted, inserted or "
                     "reordered). Auditors and tenant admins.",
         responses=refusals(401, 403))
    def verification(self, ithaca: NamedDependency[Ithaca],
                     tenant: NamedDependency[TenantRecord]) -> StreamCheck:
        return check_stream(tenant_stream(ithaca, tenant),
                            ithaca.signing_keys.for_tenant(tenant.id).public)


def export_stream(
    request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord,
    from_position: int | None, to_position: int | None,
) -> Stream:
    """The export as a download; the range is checked before the first byte is sent, so a bad
    one is a 422 and not a broken download. Shared by the API and the auditor's page."""
    stream = tenant_stream(ithaca, tenant)
    span = export_range(stream, from_position, to_position)
    key = ithaca.signing_keys.for_tenant(tenant.id)
    filename = f"{tenant.slug}-events-{span.from_position}-{span.to_position}.jsonl"
    lines = export_lines(stream, tenant, key, span, exported_by=str(provide_actor(request)))
    return Stream(lines, media_type=EXPORT_MEDIA_TYPE,
                  headers={"Content-Disposition": f'attachment; filename="{filename}"'})


ROUTES: list[Any] = [AuditController]
