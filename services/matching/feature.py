"""The tenant's matching weights (the match lists themselves are the `matching` read model)."""

from __future__ import annotations

from infra.feature import Feature
from services.matching.controllers import ROUTES

FEATURE = Feature(name="matching-weights", api=ROUTES)
