"""HTTP entry points of accounts: sign-up, sign-in/out, the caller's own account, roles,
e-mail verification and password resets.

Commands that ask for mail kick the process's mailer (when the app runs one) so the mail goes
at once rather than at the next sweep.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from infra.web.errors import ErrorBody
from infra.web.tenant_api import (
    ANSWERS_CREDENTIAL,
    ANY_MEMBER,
    PUBLIC,
    SESSION_COOKIE,
    application,
    refusals,
    roles,
)
from services.accounts.application import Accounts, Caller
from services.accounts.cookies import expired_session_cookie, set_session_cookie
from services.accounts.domain import Role, SessionKind
from services.accounts.schemas import (
    ChangeRoles,
    ConfirmPasswordReset,
    MemberView,
    PasswordResetRequested,
    RequestPasswordReset,
    SessionStarted,
    SignedUp,
    SignIn,
    SignUp,
    VerifyEmail,
)
from services.accounts.throttling import sign_in_limits
from services.actor import Actor
from services.schemas import Written
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "AccountsController"]

_TOO_MANY = {429: ResponseSpec(ErrorBody, description=(
    "Too many failed sign-ins for the account (field email) or from the client's address "
    "(field address); Retry-After says when to try again"
))}


class AccountsController(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"accounts": application(Accounts)}  # noqa: RUF012

    @post("/accounts", opt=PUBLIC, sync_to_thread=True,
          summary="Sign up as an entrepreneur, a mentor or both",
          description="An address that already has an account is answered exactly as a new "
                      "one (its owner is told by mail instead), so the answer says nothing "
                      "about who is a member.",
          responses=refusals(400, 422))
    def sign_up(
        self, request: Request[Any, Any, Any], data: JSONBody[SignUp],
        accounts: NamedDependency[Accounts], tenant: NamedDependency[TenantRecord],
        actor: NamedDependency[Actor],
    ) -> SignedUp:
        member_id, position = accounts.sign_up(
            email=data.email, name=data.name, password=data.password, roles=data.roles,
            locale=data.locale or tenant.default_locale, actor=actor,
        )
        return SignedUp(member_id=member_id, position=position)

    @post("/sessions", opt={**PUBLIC, ANSWERS_CREDENTIAL: True}, sync_to_thread=True,
          summary="Sign in; answers a bearer token, or sets the session cookie",
          description="The answer carries a credential, so it is never kept: an "
          "`Idempotency-Key` is not used here, and a retry signs in again.",
          responses={**refusals(400, 401, 403), **_TOO_MANY})
    def sign_in(
        self, request: Request[Any, Any, Any], data: JSONBody[SignIn],
        accounts: NamedDependency[Accounts], actor: NamedDependency[Actor],
    ) -> Response[SessionStarted]:
        kind = SessionKind.COOKIE if data.cookie else SessionKind.BEARER
        signed_in = accounts.sign_in(
            email=data.email, password=data.password, kind=kind, actor=actor,
            client_address=request.client.host if request.client else "",
            limits=sign_in_limits(request.app.state.ithaca),
        )
        response = Response(SessionStarted(
            member_id=signed_in.member_id,
            token=None if kind is SessionKind.COOKIE else signed_in.token,
            expires_at=signed_in.expires_at, position=signed_in.position,
        ), status_code=201, headers={"Cache-Control": "no-store"})
        return set_session_cookie(response, signed_in) if data.cookie else response

    @delete("/sessions/current", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=200,
            summary="Sign out (ends this session)", responses=refusals(401))
    def sign_out(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> Response[Written]:
        response = Response(Written(position=accounts.sign_out(caller.session_id, actor)))
        if SESSION_COOKIE in request.cookies:
            response.set_cookie(expired_session_cookie())
        return response

    @post("/accounts/verify", opt=PUBLIC, sync_to_thread=True, status_code=200,
          summary="Verify an e-mail address with the token of the verification mail",
          responses=refusals(400, 422))
    def verify_email(
        self, data: JSONBody[VerifyEmail], accounts: NamedDependency[Accounts],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=accounts.verify_email(data.token, actor))

    @post("/me/verification-mail", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=202,
          summary="Send the verification mail again", responses=refusals(401, 409))
    def resend_verification_mail(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[Accounts],
        caller: NamedDependency[Caller], tenant: NamedDependency[TenantRecord],
        actor: NamedDependency[Actor],
    ) -> Written:
        position = accounts.request_verification_mail(caller.member_id, actor)
        return Written(position=position)

    @post("/password-resets", opt=PUBLIC, sync_to_thread=True, status_code=202,
          summary="Ask for a password-reset mail (same answer whether or not the account "
                  "exists)", responses=refusals(400, 422))
    def request_password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[RequestPasswordReset],
        accounts: NamedDependency[Accounts], tenant: NamedDependency[TenantRecord],
        actor: NamedDependency[Actor],
    ) -> PasswordResetRequested:
        accounts.request_password_reset(data.email, actor)
        return PasswordResetRequested()

    @post("/password-resets/confirm", opt=PUBLIC, sync_to_thread=True, status_code=200,
          summary="Choose a new password with the token of the reset mail; ends every session",
          responses=refusals(400, 422))
    def confirm_password_reset(
        self, data: JSONBody[ConfirmPasswordReset], accounts: NamedDependency[Accounts],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=accounts.reset_password(data.token, data.password, actor))

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
