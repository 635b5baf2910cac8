"""Wire shapes of the privacy API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from services.privacy.certificates import ErasureCertificate
from services.privacy.domain import ErasureGround

__all__ = ["EraseMember", "EraseMyAccount", "ErasureCertificate", "ErasureList"]


class EraseMyAccount(msgspec.Struct, forbid_unknown_fields=True, rename="camel", kw_only=True):
    """A member erases their own account; their password confirms it."""

    password: Annotated[str, Meta(min_length=1, max_length=200,
                                  examples=["correct horse battery"])]


class EraseMember(msgspec.Struct, forbid_unknown_fields=True, rename="camel", kw_only=True):
    """A tenant admin erases a member on request. The ground is a code, never free text: the
    erasure event must carry no personal data."""

    ground: Annotated[ErasureGround, Meta(examples=["member_request"])]


class ErasureList(msgspec.Struct, rename="camel", kw_only=True):
    certificates: list[ErasureCertificate]
    """Oldest first."""
