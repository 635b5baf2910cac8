"""Wire shapes of the accounts API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from services.accounts.domain import Member, MemberStatus, Role
from tenants.domain import INTERFACE_LOCALES

__all__ = ["ChangeRoles", "MemberView", "SessionStarted", "SignIn", "SignUp", "SignedUp"]

Email = Annotated[str, Meta(max_length=254, examples=["ana@example.org"])]
Password = Annotated[str, Meta(min_length=10, max_length=200, examples=["correct horse battery"])]
Locale = Annotated[str, Meta(
    pattern="^(" + "|".join(INTERFACE_LOCALES) + ")$", examples=["en"],
    description="Interface language: " + ", ".join(INTERFACE_LOCALES),
)]


class SignUp(msgspec.Struct, forbid_unknown_fields=True, rename="camel", kw_only=True):
    email: Email
    name: Annotated[str, Meta(min_length=1, max_length=120, examples=["Ana Pereira"])]
    password: Password
    roles: Annotated[list[Role], Meta(min_length=1, max_length=2, examples=[["entrepreneur"]])]
    locale: Locale | None = None
    """Defaults to the tenant's default locale."""


class SignedUp(msgspec.Struct, rename="camel", kw_only=True):
    member_id: UUID
    position: int


class SignIn(msgspec.Struct, forbid_unknown_fields=True, rename="camel", kw_only=True):
    email: Email
    password: Annotated[str, Meta(max_length=200)]


class SessionStarted(msgspec.Struct, rename="camel", kw_only=True):
    member_id: UUID
    token: str
    expires_at: datetime
    position: int


class ChangeRoles(msgspec.Struct, forbid_unknown_fields=True, rename="camel", kw_only=True):
    roles: Annotated[list[Role], Meta(max_length=5, examples=[["mentor", "programme_admin"]])]
    reason: Annotated[str, Meta(min_length=1, max_length=500, examples=["Runs the 2026 cohort"])]


class MemberView(msgspec.Struct, rename="camel", kw_only=True):
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
