"""Mentoring: requests, relationships, blocks, conversations; finding a mentor and the
relationship pages."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import mentoring, relationships
from services.mentoring.controllers import ROUTES

FEATURE = Feature(
    name="mentoring", api=ROUTES, pages=(*mentoring.PAGES, *relationships.PAGES),
)
