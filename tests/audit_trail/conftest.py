"""The page fixtures of `tests/web/pages`, for the audit trail's page tests."""

from __future__ import annotations

from tests.web.pages.conftest import acme_pages

__all__ = ["acme_pages"]
