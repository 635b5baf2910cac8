"""Where every tenant's read models stand: `ithaca projections status` and `/metrics`.

Lag is counted in events (the stream's head minus the projection's position) and in seconds (how
long ago the first event the projection has not applied was recorded; 0 when it is caught up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from infra.container import Ithaca
from infra.eventstore.codec import MsgspecMapper
from projections.engine import Projection
from projections.reading import open_read_model
from services.schemas import FrozenCamelStruct
from tenants.directory import TenantRecord

__all__ = ["ProjectionStatus", "statuses"]


class ProjectionStatus(FrozenCamelStruct):
    tenant: str
    projection: str
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    version: int
    """The version the stored tables were built by (differs from the code's: a rebuild is due)."""
    code_version: int
    generation: int
    updated_at: datetime | None
    error: str | None
    error_position: int | None
    failed_at: datetime | None


def statuses(
    ithaca: Ithaca, projections: Sequence[Projection] | None = None,
    tenants: Iterable[TenantRecord] | None = None, now: datetime | None = None,
) -> list[ProjectionStatus]:
    projections = ithaca.projections if projections is None else projections
    now = now or ithaca.clock()
    found: list[ProjectionStatus] = []
    for tenant in tenants if tenants is not None else ithaca.directory.all():
        model = open_read_model(ithaca, tenant, projections[0])
        stream, store = model.stream, model.store
        head = store.head(stream)
        states = {state.name: state for state in store.states()}
        mapper = MsgspecMapper(stream.personal_keys, open_personal=False)
        for projection in projections:
            state = states.get(projection.name)
            position = state.position if state else 0
            lag_seconds = 0.0
            if position < head:
                first = stream.events.select_notifications(
                    start=position, limit=1, topics=projection.topics(), inclusive_of_start=False,
                )
                if first:
                    recorded: datetime = mapper.to_domain_event(first[0]).timestamp  # type: ignore[attr-defined]
                    lag_seconds = max((now - recorded).total_seconds(), 0.0)
            found.append(ProjectionStatus(
                tenant=tenant.slug, projection=projection.name, position=position, head=head,
                lag_events=head - position, lag_seconds=round(lag_seconds, 3),
                version=state.version if state else projection.version,
                code_version=projection.version,
                generation=state.generation if state else 0,
                updated_at=state.updated_at if state else None,
                error=state.error if state else None,
                error_position=state.error_position if state else None,
                failed_at=state.failed_at if state else None,
            ))
    return found
