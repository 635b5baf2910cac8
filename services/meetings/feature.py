"""Meetings: proposals, answers, session logs, calendar files."""

from __future__ import annotations

from infra.feature import Feature
from services.meetings.controllers import ROUTES

FEATURE = Feature(name="meetings", api=ROUTES)
