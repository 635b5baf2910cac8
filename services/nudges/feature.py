"""Nudges: the tips of this feature (profile incomplete, no request yet with recommended
mentors, no session logged, no message for a while), and the tenant admin's API and page that
switch, word and count every nudge. The no-request nudge asks the matching read model for its
recommendations."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import nudges
from projections.matching.recommendations import MatchingRecommender
from services.nudges.controllers import ROUTES
from services.nudges.notifications import (
    NoMessageNudge,
    NoRequestNudge,
    NoSessionNudge,
    ProfileIncompleteNudge,
)

FEATURE = Feature(
    name="nudges", api=ROUTES, pages=nudges.PAGES,
    due_work=(ProfileIncompleteNudge(), NoRequestNudge(MatchingRecommender()),
              NoSessionNudge(), NoMessageNudge()),
)
