"""Impact: baseline and follow-up surveys."""

from __future__ import annotations

from infra.feature import Feature
from services.impact.controllers import ROUTES
from services.impact.member_data import SECTIONS as MEMBER_DATA

FEATURE = Feature(name="impact", api=ROUTES, member_data=MEMBER_DATA)
