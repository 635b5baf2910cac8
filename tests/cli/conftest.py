from __future__ import annotations

from tests.dns import dns_server

__all__ = ["dns_server"]
