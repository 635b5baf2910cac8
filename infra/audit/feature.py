"""Audit: the signed export and its check, the live store's tamper check; `ithaca audit`."""

from __future__ import annotations

from infra.audit.commands import audit
from infra.audit.controllers import ROUTES
from infra.feature import Command, Feature
from infra.web.pages import audit as audit_pages

FEATURE = Feature(name="audit", api=ROUTES, pages=audit_pages.PAGES, commands=(Command(audit),))
