"""Profiles: entrepreneurs' and mentors' profiles, self-assessments, the taxonomies; onboarding."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import onboarding
from services.profiles.controllers import ROUTES
from services.profiles.member_data import SECTIONS as MEMBER_DATA

FEATURE = Feature(name="profiles", api=ROUTES, pages=onboarding.PAGES, member_data=MEMBER_DATA)
