"""Moderation: reports, warnings, suspensions."""

from __future__ import annotations

from infra.feature import Feature
from services.moderation.controllers import ROUTES
from services.moderation.member_data import SECTIONS as MEMBER_DATA

FEATURE = Feature(name="moderation", api=ROUTES, member_data=MEMBER_DATA)
