"""The composition root: settings, a clock and the list of features in, a wired `Ithaca` out.
Nothing else constructs storages, pools or applications, so the web app, the CLI, the worker,
the benchmarks and the tests all run the same wiring."""

from __future__ import annotations

from collections.abc import Sequence

from infra.clock import Clock, system_clock
from infra.container import Ithaca
from infra.feature import Feature
from infra.features import FEATURES
from infra.settings import Settings

__all__ = ["bootstrap"]


def bootstrap(
    settings: Settings | None = None, clock: Clock = system_clock,
    features: Sequence[Feature] = FEATURES,
) -> Ithaca:
    """Wires a process. `clock` is the one time source of every application, of their events'
    timestamps and of the projection worker: the real time unless a test or the demo's story
    passes its own (`infra.clock.SettableClock`). `features` are what it runs: every feature of
    Ithaca unless a test adds one of its own."""
    return Ithaca(settings or Settings.from_env(), clock, features)
