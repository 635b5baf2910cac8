"""Privacy: erasure with its signed certificates, and the member's own data download."""

from __future__ import annotations

from infra.feature import Command, Feature
from infra.web.pages import privacy
from services.privacy.commands import verify_certificate_command
from services.privacy.controllers import ROUTES

FEATURE = Feature(
    name="privacy",
    api=ROUTES,
    pages=privacy.PAGES,
    commands=(Command(verify_certificate_command, under="audit"),),
)
