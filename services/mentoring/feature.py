"""Mentoring: requests, relationships, blocks, conversations; finding a mentor and the
relationship pages; what members are told of them, and the expiry of unanswered requests."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import mentoring, relationships
from services.mentoring.controllers import ROUTES
from services.mentoring.notifications import MENTORING_NOTIFICATIONS

FEATURE = Feature(
    name="mentoring", api=ROUTES, pages=(*mentoring.PAGES, *relationships.PAGES),
    due_work=(MENTORING_NOTIFICATIONS,),
)
