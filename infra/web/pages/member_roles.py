"""The tenant admin's members and their roles: `/settings/members` lists the members with their
roles in words, `/settings/members/{id}/roles` changes one member's roles with a reason, as
`PUT /api/v1/members/{id}/roles` does (`Accounts.change_roles`: an admin changes only members
they outrank; the reason goes to the audit trail).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.pages.role_names import ROLE_PURPOSES
from infra.web.tenant_api import application, roles
from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.projection import MEMBERS as DASHBOARD_MEMBERS
from projections.reading import open_read_model
from services.accounts.application import Accounts
from services.accounts.domain import Member, Role
from services.accounts.schemas import ChangeRoles
from services.actor import Actor
from services.errors import NotFoundError
from tenants.directory import TenantRecord

__all__ = ["LIST_LIMIT", "PAGES", "listed_members"]

ADMIN = roles(Role.TENANT_ADMIN)
ACCOUNTS = {"accounts": application(Accounts)}
LIST_LIMIT = 200


def listed_members(ithaca: Ithaca, tenant: TenantRecord, accounts: Accounts
                   ) -> tuple[list[Member], int, bool]:
    """The newest members (from the `dashboards` read model's member rows) by name, the
    position they were read at, and whether there are more."""
    model = open_read_model(ithaca, tenant, DASHBOARDS)
    position = model.position
    rows = model.store.rows(DASHBOARD_MEMBERS, order_by="joined_month DESC, member_id",
                            limit=LIST_LIMIT + 1)
    members: list[Member] = []
    for row in rows[:LIST_LIMIT]:
        try:
            members.append(accounts.get_member(row["member_id"]))
        except NotFoundError:
            continue
    members.sort(key=lambda member: member.name.casefold())
    return members, position, len(rows) > LIST_LIMIT


@get("/settings/members", opt=ADMIN, sync_to_thread=True, dependencies=ACCOUNTS)
def members(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
    saved: FromQuery[str] = "",
) -> Template:
    listed, position, more = listed_members(ithaca, tenant, accounts)
    return render(request, "tenant_admin/members.html", members=listed, position=position,
                  more=more, saved=saved)


def _roles_page(request: Request[Any, Any, Any], member: Member, values: dict[str, Any],
                errors: FormErrors, status_code: int = 200) -> Template:
    page = page_context(request)
    options = [(role.value, page.role_name(role), page.gettext(ROLE_PURPOSES[role]))
               for role in Role]
    return render(request, "tenant_admin/member_roles.html", member=member, options=options,
                  values=values, errors=errors, status_code=status_code)


@get("/settings/members/{member_id:uuid}/roles", opt=ADMIN, sync_to_thread=True,
     dependencies=ACCOUNTS)
def roles_form(
    request: Request[Any, Any, Any], member_id: FromPath[UUID],
    accounts: NamedDependency[Accounts],
) -> Template:
    member = accounts.get_member(member_id)
    return _roles_page(request, member, {"roles": [role.value for role in member.roles]}, {})


@post("/settings/members/{member_id:uuid}/roles", opt=ADMIN, sync_to_thread=True,
      dependencies=ACCOUNTS)
def change_roles(
    request: Request[Any, Any, Any], member_id: FromPath[UUID], data: FormBody,
    accounts: NamedDependency[Accounts], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    member = accounts.get_member(member_id)
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, ChangeRoles, lists=("roles",))
        accounts.change_roles(member_id, form.roles, form.reason, actor)
    if refused:
        chosen = values.get("roles", [])
        kept = {**keep(values), "roles": chosen if isinstance(chosen, list) else [chosen]}
        return _roles_page(request, member, kept, refused.beside(["roles", "reason"]),
                           status_code=refused.status_code)
    return Redirect(page_context(request).url(f"/settings/members?saved={member_id}"))


PAGES: list[ControllerRouterHandler] = [members, roles_form, change_roles]
