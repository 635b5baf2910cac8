"""The audit trail page (`/audit/trail`): staff actions and auditors' reads, newest first, with
the API's filters in a GET form (so a view can be bookmarked) and a link to older entries.

Auditors and tenant admins, as `GET /api/v1/audit/trail`; the same query (`trail_page`) answers
both. Members who acted or read are shown by name (staff names are no secret to auditors);
operators and the CLI by their `kind:id`. Opening the page is itself an auditor's read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.forms import refusals
from infra.web.pages.rendering import page_context, render
from infra.web.tenant_api import application
from projections.audit_trail.controllers import TRAIL_ROLES, trail_page
from projections.audit_trail.projection import AUDIT_TRAIL
from projections.audit_trail.queries import KNOWN_ACTIONS
from projections.reading import open_read_model
from projections.tables import Row
from services.accounts.application import Accounts
from services.errors import NotFoundError
from tenants.directory import TenantRecord

__all__ = ["PAGES"]

FILTERS = ("actor", "kind", "action", "subject", "correlationId", "from", "to")
"""The filters the form offers, named as the API names them (`limit` and `before` page)."""


class _ActorNames:
    """`member:<id>` as the member's name, each looked up once; other actors as they are."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.known: dict[str, str] = {}

    def __call__(self, kind: str, actor_id: str) -> str:
        shown = f"{kind}:{actor_id}"
        if kind != "member":
            return shown
        if shown not in self.known:
            try:
                self.known[shown] = self.accounts.get_member(UUID(actor_id)).name
            except (NotFoundError, ValueError):
                self.known[shown] = shown
        return self.known[shown]


@get("/audit/trail", opt=TRAIL_ROLES, sync_to_thread=True,
     dependencies={"accounts": application(Accounts)})
def audit_trail(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
) -> Template:
    values = {name: value.strip() for name in FILTERS
              if (value := str(request.query_params.get(name) or "")).strip()}
    given: dict[str, str | None] = {**values, "before": request.query_params.get("before")}
    with refusals(request) as refused:
        page = trail_page(ithaca, tenant, open_read_model(ithaca, tenant, AUDIT_TRAIL), given)
    context: dict[str, Any] = {"values": values, "actions": KNOWN_ACTIONS, "entries": [],
                               "position": None, "older": None}
    if refused:
        return render(request, "audit/trail.html", errors=refused.beside(FILTERS), **context,
                      status_code=refused.status_code)
    name = _ActorNames(accounts)
    entries: list[Row] = [{**row, "who": name(row["actor_kind"], row["actor_id"])}
                          for row in page.entries]
    older = None
    if page.next_before is not None:
        older = page_context(request).url(
            "/audit/trail?" + urlencode({**values, "before": page.next_before}))
    return render(request, "audit/trail.html", errors={}, **{
        **context, "entries": entries, "position": page.position, "older": older})


PAGES: list[ControllerRouterHandler] = [audit_trail]
