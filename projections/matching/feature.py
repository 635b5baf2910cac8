"""The matching read model: match lists and search for mentors and entrepreneurs."""

from __future__ import annotations

from infra.feature import Feature
from projections.matching.controllers import ROUTES
from projections.matching.projection import MATCHING

FEATURE = Feature(name="matching", api=ROUTES, projections=(MATCHING,))
