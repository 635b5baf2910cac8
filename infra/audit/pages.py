"""The auditor's home page (`/audit`): whether the live store still holds (its hash chain and
signed checkpoints), the tenant's public key and how to verify an export offline, a form to
download a signed export of a range of positions, and the ways into replay, comparison and the
audit trail. Auditors and tenant admins; the download is `/audit/export`, the same export the
API streams (`GET /api/v1/audit/export`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Stream, Template
from litestar.types import ControllerRouterHandler

from infra.audit.controllers import export_stream
from infra.audit.export import tenant_stream
from infra.container import Ithaca
from infra.eventstore.chain_check import check_stream
from infra.signing import SIGNATURE_ALGORITHM
from infra.web.pages.forms import refusals
from infra.web.pages.rendering import FormErrors, render
from infra.web.tenant_api import roles
from services.accounts.domain import Role
from services.errors import InvalidInputError
from tenants.directory import TenantRecord

__all__ = ["PAGES"]

AUDIT_READERS = roles(Role.AUDITOR, Role.TENANT_ADMIN)
RANGE_FIELDS = ("fromPosition", "toPosition")


def _home(request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord, *,
          values: dict[str, str] | None = None, errors: FormErrors | None = None,
          status_code: int = 200) -> Template:
    key = ithaca.signing_keys.for_tenant(tenant.id).public
    check = check_stream(tenant_stream(ithaca, tenant), key)
    return render(request, "audit/home.html", check=check, key=key,
                  algorithm=SIGNATURE_ALGORITHM, values=values or {}, errors=errors or {},
                  status_code=status_code)


@get("/audit", opt=AUDIT_READERS, sync_to_thread=True)
def audit_home(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord],
) -> Template:
    return _home(request, ithaca, tenant)


@get("/audit/export", opt=AUDIT_READERS, sync_to_thread=True)
def download_export(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord],
) -> Stream | Template:
    """The export of the range in the form; a bad range shows the form again, explained."""
    values = {name: str(request.query_params.get(name) or "").strip() for name in RANGE_FIELDS}
    with refusals(request) as refused:
        positions = [_position(name, values[name]) for name in RANGE_FIELDS]
        return export_stream(request, ithaca, tenant, *positions)
    return _home(request, ithaca, tenant, values=values, errors=refused.beside(RANGE_FIELDS),
                 status_code=refused.status_code)


def _position(field: str, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInputError("must be a stream position, a whole number from 1", field=field)
    return int(text)


PAGES: list[ControllerRouterHandler] = [audit_home, download_export]
