"""Impact: baseline and follow-up surveys."""

from __future__ import annotations

from infra.feature import Feature
from services.impact.controllers import ROUTES

FEATURE = Feature(name="impact", api=ROUTES)
