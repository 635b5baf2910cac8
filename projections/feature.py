"""The read side's engine: `ithaca projections run | rebuild | status`."""

from __future__ import annotations

from infra.feature import Command, Feature
from projections.commands import projections

FEATURE = Feature(name="projections", commands=(Command(projections),))
