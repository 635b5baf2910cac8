"""The programme: its settings and questionnaire; the programme admin's pages."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import admin, questionnaire
from services.programme.controllers import ROUTES

FEATURE = Feature(name="programme", api=ROUTES, pages=(*admin.PAGES, *questionnaire.PAGES))
