"""Mentoring: requests, relationships, blocks, conversations; finding a mentor and the
relationship pages."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import mentoring, relationships
from services.mentoring.controllers import ROUTES
from services.mentoring.member_data import SECTIONS as MEMBER_DATA

FEATURE = Feature(
    name="mentoring", api=ROUTES, pages=(*mentoring.PAGES, *relationships.PAGES),
    member_data=MEMBER_DATA,
)
