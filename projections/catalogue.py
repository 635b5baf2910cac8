"""Every projection Ithaca runs. The worker, the CLI and the read APIs take them from here."""

from __future__ import annotations

from projections.audit_trail.projection import AUDIT_TRAIL
from projections.dashboards.projection import DASHBOARDS
from projections.engine import Projection
from projections.matching.projection import MATCHING
from projections.timelines.projection import TIMELINES

__all__ = ["PROJECTIONS", "projection_named"]

PROJECTIONS: tuple[Projection, ...] = (TIMELINES, DASHBOARDS, MATCHING, AUDIT_TRAIL)


def projection_named(name: str) -> Projection:
    for projection in PROJECTIONS:
        if projection.name == name:
            return projection
    known = ", ".join(projection.name for projection in PROJECTIONS)
    msg = f"no projection '{name}' (known: {known})"
    raise LookupError(msg)
