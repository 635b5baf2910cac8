"""Privacy tests use the mail fixtures (erasure must reach the mail outbox too) and the page
fixtures (the `/my-data` page)."""

from tests.mail.fixtures import mailroom, sink
from tests.web.pages.conftest import acme_pages

__all__ = ["acme_pages", "mailroom", "sink"]
