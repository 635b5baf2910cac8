"""The dashboards read model and its API."""

from __future__ import annotations

from infra.feature import Feature
from projections.dashboards.controllers import ROUTES
from projections.dashboards.projection import DASHBOARDS

FEATURE = Feature(name="dashboards", api=ROUTES, projections=(DASHBOARDS,))
