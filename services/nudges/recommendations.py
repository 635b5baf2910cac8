"""The port through which the no-request nudge asks which mentors to recommend: the read side
answers it (`projections.matching.recommendations`), and the feature's declaration joins the
two, so this side does not import the read side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from infra.container import Ithaca
    from tenants.directory import TenantRecord

__all__ = ["MentorRecommender", "Recommendation"]


@dataclass(frozen=True)
class Recommendation:
    """A mentor to suggest, and the criteria they match best on (`projections.matching`'s
    names: language, expertise, ...), best first."""

    mentor_id: UUID
    reasons: tuple[str, ...]


class MentorRecommender(Protocol):
    def recommended(
        self, ithaca: Ithaca, tenant: TenantRecord, entrepreneur_id: UUID, count: int
    ) -> list[Recommendation]:
        """The mentors best matched to the entrepreneur (as their match page lists them)."""
