"""The mentors to recommend to an entrepreneur outside a page (a nudge's mail): the match
list the entrepreneur's match page shows, and the criteria each mentor matches best on.

It fills `services.nudges.recommendations.MentorRecommender`.
"""

from __future__ import annotations

import contextlib
from uuid import UUID

from infra.container import Ithaca
from projections.matching.index import index_for
from projections.matching.projection import MATCHING
from projections.matching.results import Match
from projections.reading import NotCaughtUpError, PositionBeyondHeadError, open_read_model
from services.errors import NotFoundError
from services.nudges.recommendations import Recommendation
from tenants.directory import TenantRecord

__all__ = ["CATCH_UP_SECONDS", "MatchingRecommender"]

CATCH_UP_SECONDS = 2.0
"""How long to wait for the read model to reach the stream's head: a recommendation a few
events behind is still a good one."""
REASONS = 2
"""The criteria named for each mentor: their best, if they score at least half."""


class MatchingRecommender:
    def recommended(
        self, ithaca: Ithaca, tenant: TenantRecord, entrepreneur_id: UUID, count: int
    ) -> list[Recommendation]:
        model = open_read_model(ithaca, tenant, MATCHING)
        with contextlib.suppress(NotCaughtUpError, PositionBeyondHeadError):
            model.wait_for(model.stream.events.max_notification_id() or 0, CATCH_UP_SECONDS)
        try:
            ranked = index_for(model.stream.events).mentors_for(
                model.store, entrepreneur_id, count)
        except NotFoundError:  # no entrepreneur profile to match on
            return []
        return [Recommendation(mentor_id=match.member_id, reasons=_reasons(match))
                for match in ranked.matches]


def _reasons(match: Match) -> tuple[str, ...]:
    best = sorted((item for item in match.explanation
                   if item.points > 0 and item.score >= 0.5),  # half
                  key=lambda item: item.points, reverse=True)
    return tuple(item.criterion for item in best[:REASONS])
