"""Moderation: reports, warnings, suspensions, and the mail that tells the member."""

from __future__ import annotations

from infra.feature import Feature
from services.moderation.controllers import ROUTES
from services.moderation.member_data import SECTIONS as MEMBER_DATA
from services.moderation.notifications import MODERATION_MAIL

FEATURE = Feature(name="moderation", api=ROUTES, member_data=MEMBER_DATA,
                  due_work=(MODERATION_MAIL,))
