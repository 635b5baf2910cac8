"""Placeholder: the matching read model is being written."""

from __future__ import annotations

from collections.abc import Sequence

from projections.engine import BatchRows, ProjectedEvent, Projection

__all__ = ["MATCHING"]


class _Placeholder(Projection):
    name = "matching"
    tables = ()
    event_classes = ()

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        """Nothing yet."""


MATCHING = _Placeholder()
