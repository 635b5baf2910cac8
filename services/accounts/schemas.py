"""Wire shapes of the accounts API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from services.accounts.domain import Member, MemberStatus, Role
from services.schemas import CamelBody, CamelStruct
from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "ChangeRoles",
    "ConfirmPasswordReset",
    "MemberView",
    "PasswordResetRequested",
    "RequestPasswordReset",
    "SessionStarted",
    "SignIn",
    "SignUp",
    "SignedUp",
    "VerifyEmail",
]

Email = Annotated[str, Meta(max_length=254, examples=["ana@example.org"])]
Password = Annotated[str, Meta(min_length=10, max_length=200, examples=["correct horse battery"])]
LinkToken = Annotated[str, Meta(
    min_length=1, max_length=400, examples=["dmVyaWZ5X2VtYWls...Zm9v.c2lnbmF0dXJl"],
    description="The token of the link in the mail",
)]
Locale = Annotated[str, Meta(
    pattern="^(" + "|".join(INTERFACE_LOCALES) + ")$", examples=["en"],
    description="Interface language: " + ", ".join(INTERFACE_LOCALES),
)]


class SignUp(CamelBody):
    email: Email
    name: Annotated[str, Meta(min_length=1, max_length=120, examples=["Ana Pereira"])]
    password: Password
    roles: Annotated[list[Role], Meta(min_length=1, max_length=2, examples=[["entrepreneur"]])]
    locale: Locale | None = None
    """Defaults to the tenant's default locale."""


class SignedUp(CamelStruct):
    member_id: UUID
    position: int


class SignIn(CamelBody):
    email: Email
    password: Annotated[str, Meta(max_length=200, examples=["correct horse battery"])]
    cookie: Annotated[bool, Meta(examples=[False])] = False
    """True: a cookie session for pages, set as the `ithaca_session` cookie (Secure, HttpOnly,
    SameSite=Lax) and not returned in the body."""


class SessionStarted(CamelStruct):
    member_id: UUID
    token: str | None
    """The bearer token; null for a cookie session (it is in the cookie only)."""
    expires_at: datetime
    position: int


class VerifyEmail(CamelBody):
    token: LinkToken


class RequestPasswordReset(CamelBody):
    email: Email


class PasswordResetRequested(CamelStruct):
    """The same answer whether or not an account has the address."""

    message: str = (
        "If an account has this address, a mail with a link to choose a new password is on "
        "its way. The link works once, for one hour."
    )


class ConfirmPasswordReset(CamelBody):
    token: LinkToken
    password: Password


class ChangeRoles(CamelBody):
    roles: Annotated[list[Role], Meta(max_length=5, examples=[["mentor", "programme_admin"]])]
    reason: Annotated[str, Meta(min_length=1, max_length=500, examples=["Runs the 2026 cohort"])]


class MemberView(CamelStruct):
    member_id: UUID
    name: str
    email: str
    roles: list[Role]
    locale: str
    email_verified: bool
    status: MemberStatus

    @classmethod
    def of(cls, member: Member) -> MemberView:
        return cls(
            member_id=member.id, name=member.name, email=member.email,
            roles=sorted(member.roles), locale=member.locale,
            email_verified=member.email_verified, status=member.status,
        )
