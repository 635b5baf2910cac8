"""Helpers for tests that drive the HTTP app: a served app and an operator's credentials."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from litestar import Litestar
from litestar.testing import TestClient

from infra.app import create_app
from infra.clock import Clock, system_clock
from infra.container import Ithaca
from infra.settings import Settings
from services.actor import Actor

PLATFORM_API = "/platform/api/v1"


class Served:
    """A started app, its test client and the app's own `Ithaca`."""

    def __init__(self, app: Litestar, client: TestClient[Litestar]) -> None:
        self.app = app
        self.client = client
        self.ithaca: Ithaca = app.state.ithaca

    def operator(self, name: str = "olga") -> dict[str, str]:
        """Adds an operator (as the CLI would) and returns the headers that authenticate them."""
        token = self.ithaca.registry.add_operator(name, Actor(kind="cli", id="test"))
        return {"Authorization": f"Bearer {token}"}

    def provision(self, headers: dict[str, str], slug: str, **fields: Any) -> dict[str, Any]:
        body = {"slug": slug, "displayName": slug.title(), **fields}
        response = self.client.post(f"{PLATFORM_API}/tenants", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result


@contextmanager
def serving(
    settings: Settings, app: Litestar | None = None, clock: Clock = system_clock
) -> Iterator[Served]:
    """Serves the app (start-up and shut-down included) and puts logging back afterwards, since
    the app configures the process's logging when it starts."""
    structlog_config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    app = app or create_app(settings, clock)
    try:
        with TestClient(app) as client:
            yield Served(app, client)
    finally:
        structlog.configure(**structlog_config)
        root.handlers[:], root.level = handlers, level
