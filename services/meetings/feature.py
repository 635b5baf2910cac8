"""Meetings: proposals, answers, session logs, calendar files, and the mail about them."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import hours
from services.meetings.controllers import ROUTES
from services.meetings.member_data import SECTIONS as MEMBER_DATA
from services.meetings.notifications import MEETING_MAIL

FEATURE = Feature(name="meetings", api=ROUTES, pages=hours.PAGES, member_data=MEMBER_DATA,
                  due_work=(MEETING_MAIL,))
