"""The timelines read model and its API."""

from __future__ import annotations

from infra.feature import Feature
from projections.timelines.controllers import ROUTES
from projections.timelines.projection import TIMELINES

FEATURE = Feature(name="timelines", api=ROUTES, projections=(TIMELINES,))
