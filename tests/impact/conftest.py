"""Impact's page tests visit the tenant's pages (the follow-up survey)."""

from tests.web.pages.conftest import acme_pages

__all__ = ["acme_pages"]
