"""Audit: the signed export and its check, the live store's tamper check; `ithaca audit`."""

from __future__ import annotations

from infra.audit.commands import audit
from infra.audit.controllers import ROUTES
from infra.audit.pages import PAGES
from infra.feature import Command, Feature

FEATURE = Feature(name="audit", api=ROUTES, pages=PAGES, commands=(Command(audit),))
