"""The platform's own feature: the tenant's public facts, its admins' settings pages, and the
operator's commands."""

from __future__ import annotations

from infra.feature import Command, Feature
from infra.web.pages import member_roles, tenant_admin
from tenants.commands import operators, tenants
from tenants.controllers import TENANT_ROUTES

FEATURE = Feature(
    name="tenants",
    api=TENANT_ROUTES,
    pages=(*tenant_admin.PAGES, *member_roles.PAGES),
    commands=(Command(tenants), Command(operators)),
)
