from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.settings import Settings
from tests.web import Served, serving


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    """The web app running in-process over the test's backend."""
    with serving(settings) as running:
        yield running
