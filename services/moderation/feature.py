"""Moderation: reports, warnings, suspensions, and the mail that tells the member; the members'
safety pages (reporting, blocking, their warnings)."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import safety
from services.moderation.controllers import ROUTES
from services.moderation.member_data import SECTIONS as MEMBER_DATA
from services.moderation.notifications import MODERATION_MAIL

FEATURE = Feature(name="moderation", api=ROUTES, pages=safety.PAGES, member_data=MEMBER_DATA,
                  due_work=(MODERATION_MAIL,))
