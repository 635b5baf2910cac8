"""Privacy: erasure with its signed certificates, the mail that says it is done, and the
member's own data download."""

from __future__ import annotations

from infra.feature import Command, Feature
from infra.web.pages import privacy
from services.privacy.commands import verify_certificate_command
from services.privacy.controllers import ROUTES
from services.privacy.notifications import ERASURE_MAIL

FEATURE = Feature(
    name="privacy",
    api=ROUTES,
    pages=privacy.PAGES,
    commands=(Command(verify_certificate_command, under="audit"),),
    due_work=(ERASURE_MAIL,),
)
