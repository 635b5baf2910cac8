"""Notifications: the member's notification centre and settings (the API and the pages), and
unsubscribing from a mail's link without signing in (a page)."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import notifications, unsubscribe
from services.notifications.controllers import ROUTES
from services.notifications.member_data import SECTIONS as MEMBER_DATA
from services.notifications.notifications import PROOFS

FEATURE = Feature(
    name="notifications", api=ROUTES, pages=(*notifications.PAGES, *unsubscribe.PAGES),
    due_work=(PROOFS,), member_data=MEMBER_DATA,
)
