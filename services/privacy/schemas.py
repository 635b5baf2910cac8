"""Wire shapes of the privacy API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from services.privacy.certificates import ErasureCertificate
from services.privacy.domain import ErasureGround
from services.schemas import CamelBody, CamelStruct

__all__ = ["EraseMember", "EraseMyAccount", "ErasureCertificate", "ErasureList"]


class EraseMyAccount(CamelBody):
    """A member erases their own account; their password confirms it."""

    password: Annotated[str, Meta(min_length=1, max_length=200,
                                  examples=["correct horse battery"])]


class EraseMember(CamelBody):
    """A tenant admin erases a member on request. The ground is a code, never free text: the
    erasure event must carry no personal data."""

    ground: Annotated[ErasureGround, Meta(examples=["member_request"])]


class ErasureList(CamelStruct):
    certificates: list[ErasureCertificate]
    """Oldest first."""
