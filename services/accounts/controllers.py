"""HTTP entry points of accounts: sign-up, sign-in/out, the caller's own account, roles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from infra.web.tenant_api import ANY_MEMBER, PUBLIC, application, refusals, roles
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role, SessionKind
from services.accounts.schemas import (
    ChangeRoles,
    MemberView,
    SessionStarted,
    SignedUp,
    SignIn,
    SignUp,
)
from services.actor import Actor
from services.schemas import Written
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "AccountsController"]


class AccountsController(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"accounts": application(Accounts)}  # noqa: RUF012

    @post("/accounts", opt=PUBLIC, sync_to_thread=True,
          summary="Sign up as an entrepreneur, a mentor or both", responses=refusals(400, 409, 422))
    def sign_up(
        self, data: JSONBody[SignUp], accounts: NamedDependency[Accounts],
        tenant: NamedDependency[TenantRecord], actor: NamedDependency[Actor],
    ) -> SignedUp:
        member, position = accounts.sign_up(
            email=data.email, name=data.name, password=data.password, roles=data.roles,
            locale=data.locale or tenant.default_locale, actor=actor,
        )
        return SignedUp(member_id=member.id, position=position)

    @post("/sessions", opt=PUBLIC, sync_to_thread=True, summary="Sign in; answers a bearer token",
          responses=refusals(400, 401, 403))
    def sign_in(
        self, data: JSONBody[SignIn], accounts: NamedDependency[Accounts],
        actor: NamedDependency[Actor],
    ) -> SessionStarted:
        signed_in = accounts.sign_in(
            email=data.email, password=data.password, kind=SessionKind.BEARER, actor=actor
        )
        return SessionStarted(
            member_id=signed_in.member_id, token=signed_in.token,
            expires_at=signed_in.expires_at, position=signed_in.position,
        )

    @delete("/sessions/current", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
            summary="Sign out (ends this session)", responses=refusals(401))
    def sign_out(
        self, accounts: NamedDependency[Accounts], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=accounts.sign_out(caller.session_id, actor))

    @get("/me", opt=roles(ANY_MEMBER), sync_to_thread=True, summary="My account",
         responses=refusals(401))
    def me(
        self, accounts: NamedDependency[Accounts], caller: NamedDependency[Caller]
    ) -> MemberView:
        return MemberView.of(accounts.get_member(caller.member_id))

    @get("/members/{member_id:uuid}", opt=roles(Role.TENANT_ADMIN, Role.PROGRAMME_ADMIN),
         sync_to_thread=True, summary="A member's account", responses=refusals(401, 403, 404))
    def get_member(
        self, member_id: FromPath[UUID], accounts: NamedDependency[Accounts]
    ) -> MemberView:
        return MemberView.of(accounts.get_member(member_id))

    @put("/members/{member_id:uuid}/roles", opt=roles(Role.TENANT_ADMIN),
         sync_to_thread=True, summary="Set a member's roles",
         responses=refusals(400, 401, 403, 404))
    def change_roles(
        self, member_id: FromPath[UUID], data: JSONBody[ChangeRoles],
        accounts: NamedDependency[Accounts], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=accounts.change_roles(member_id, data.roles, data.reason, actor))


ROUTES: list[Any] = [AccountsController]
