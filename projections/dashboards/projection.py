"""Placeholder: the dashboards read model is being written."""

from __future__ import annotations

from collections.abc import Sequence

from projections.engine import BatchRows, ProjectedEvent, Projection

__all__ = ["DASHBOARDS"]


class _Placeholder(Projection):
    name = "dashboards"
    tables = ()
    event_classes = ()

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        """Nothing yet."""


DASHBOARDS = _Placeholder()
