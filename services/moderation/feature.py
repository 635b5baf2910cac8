"""Moderation: reports, warnings, suspensions."""

from __future__ import annotations

from infra.feature import Feature
from services.moderation.controllers import ROUTES

FEATURE = Feature(name="moderation", api=ROUTES)
