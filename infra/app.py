"""The ASGI application factory; Granian serves `infra.app:create_app` as a factory.

It sits beside the composition root, above the web shell: the shell (`infra.web`) mounts what it
is given and never imports the list of features or `bootstrap` itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Litestar

from infra.bootstrap import bootstrap
from infra.clock import Clock, system_clock
from infra.feature import Feature
from infra.features import FEATURES
from infra.settings import Settings
from infra.web.plugin import IthacaCore

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None, clock: Clock = system_clock,
    features: Sequence[Feature] = FEATURES,
) -> Litestar:
    return Litestar(plugins=[
        IthacaCore(settings or Settings.from_env(), clock, features, compose=bootstrap),
    ])
