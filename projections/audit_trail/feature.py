"""The audit trail read model: who did what, for auditors; its API and page."""

from __future__ import annotations

from infra.feature import Feature
from infra.web.pages import audit_trail
from projections.audit_trail.controllers import ROUTES
from projections.audit_trail.projection import AUDIT_TRAIL

FEATURE = Feature(
    name="audit-trail", api=ROUTES, pages=audit_trail.PAGES, projections=(AUDIT_TRAIL,),
)
