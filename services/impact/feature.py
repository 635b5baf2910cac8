"""Impact: baseline and follow-up surveys, the follow-up survey page, and the mail that asks
for the follow-ups."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import surveys
from services.impact.controllers import ROUTES
from services.impact.member_data import SECTIONS as MEMBER_DATA
from services.impact.notifications import SURVEY_MAIL

FEATURE = Feature(name="impact", api=ROUTES, pages=surveys.PAGES, member_data=MEMBER_DATA,
                  due_work=(SURVEY_MAIL,))
