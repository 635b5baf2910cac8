"""The ASGI application factory; Granian serves `infra.web.app:create_app` as a factory."""

from __future__ import annotations

from litestar import Litestar

from infra.clock import Clock, system_clock
from infra.settings import Settings
from infra.web.plugin import IthacaCore

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Litestar:
    return Litestar(plugins=[IthacaCore(settings or Settings.from_env(), clock)])
