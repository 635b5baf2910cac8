"""A small domain and read model for testing the projection engine itself.

`Tally` aggregates count things in named groups; `TallyProjection` keeps one row per tally (its
group and count) and one row per group (the sum of its tallies and how many events made it). A
batch applied twice, or an event skipped, shows in the sums. A tally named "poison" makes the
projection raise, to test failure isolation. `worker_process.py` runs it in a real process.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Table
from tenants.directory import TenantRecord

__all__ = ["GROUPS", "TALLIES", "Tally", "TallyProjection", "TallyWriter", "write_tallies"]


class Tally(Aggregate):
    class Opened(Aggregate.Created):
        group: str
        name: str

    class Counted(Aggregate.Event):
        by: int

    @event(Opened)
    def __init__(self, group: str, name: str) -> None:
        self.group, self.name, self.count = group, name, 0

    @event(Counted)
    def count_up(self, by: int) -> None:
        self.count += by


TALLIES = Table("tally_tallies", (
    Column("tally_id", ColumnType.UUID), Column("group_name", ColumnType.TEXT),
    Column("count", ColumnType.INT), Column("last_position", ColumnType.INT),
), key=("tally_id",), indexes=(("group_name",),))
GROUPS = Table("tally_groups", (
    Column("group_name", ColumnType.TEXT), Column("total", ColumnType.INT),
    Column("events", ColumnType.INT), Column("positions", ColumnType.JSON),
), key=("group_name",))


class TallyProjection(Projection):
    name = "tallies"
    tables = (TALLIES, GROUPS)
    event_classes = (Tally.Opened, Tally.Counted)

    def __init__(self, seconds_per_batch: float = 0.0) -> None:
        self.seconds_per_batch = seconds_per_batch

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        rows.load(TALLIES, [(item.event.originator_id,) for item in events])
        for position, change in events:
            if isinstance(change, Tally.Opened):
                if change.name == "poison":
                    msg = "a poisoned tally"
                    raise ValueError(msg)
                tally = {"tally_id": change.originator_id, "group_name": change.group,
                         "count": 0, "last_position": position}
            else:
                found = rows.get(TALLIES, change.originator_id)
                assert found is not None
                tally = {**found, "count": found["count"] + change.by,
                         "last_position": position}
            rows.put(TALLIES, tally)
            group = rows.get(GROUPS, tally["group_name"]) or {
                "group_name": tally["group_name"], "total": 0, "events": 0, "positions": []}
            by = change.by if isinstance(change, Tally.Counted) else 0
            rows.put(GROUPS, {**group, "total": group["total"] + by,
                              "events": group["events"] + 1,
                              "positions": [*group["positions"], position][-5:]})
        if self.seconds_per_batch:
            time.sleep(self.seconds_per_batch)  # widens the window a kill can land in


class TallyWriter(StreamApplication):
    name = "tally_writer"


def write_tallies(
    ithaca: Ithaca, tenant: TenantRecord, *, tallies: int, counts_each: int,
    group: str = "g", per_append: int = 50,
) -> tuple[int, list[UUID]]:
    """Opens `tallies` tallies and counts each up `counts_each` times by 1; returns the stream
    position reached and the tally ids."""
    writer = ithaca.tenant_application(tenant, TallyWriter)
    created = [Tally(group, f"t{number}") for number in range(tallies)]
    for start in range(0, len(created), per_append):
        writer.save(*created[start:start + per_append])
    for _ in range(counts_each):
        for tally in created:
            tally.count_up(by=1)
        for start in range(0, len(created), per_append):
            writer.save(*created[start:start + per_append])
    return writer.position, [tally.id for tally in created]


