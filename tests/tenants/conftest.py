from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest

from infra.settings import Settings
from tests.dns import DnsServer, dns_server
from tests.web import Served, serving

__all__ = ["dns_server"]


@pytest.fixture
def settings(settings: Settings, dns_server: DnsServer) -> Settings:
    """The shared settings, with custom domains proven against the test's own DNS server."""
    return msgspec.structs.replace(settings, dns_resolver=dns_server.address)


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    """The web app running in-process over the test's backend."""
    with serving(settings) as running:
        yield running
