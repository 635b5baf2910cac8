"""Meetings: proposals, answers, session logs, calendar files."""

from __future__ import annotations

from infra.feature import Feature
from services.meetings.controllers import ROUTES
from services.meetings.member_data import SECTIONS as MEMBER_DATA

FEATURE = Feature(name="meetings", api=ROUTES, member_data=MEMBER_DATA)
