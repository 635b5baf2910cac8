"""Running projections for a tenant, in the calling thread: what the worker does per tenant, and
what tests, the CLI and benchmarks call to bring a tenant's read models up to date."""

from __future__ import annotations

from collections.abc import Iterable

from infra.container import Ithaca
from projections.engine import CatchUp, Projection, Projector
from projections.reading import open_read_model
from tenants.directory import TenantRecord

__all__ = ["catch_up_tenant", "projector_for"]


def projector_for(ithaca: Ithaca, tenant: TenantRecord, projection: Projection) -> Projector:
    return Projector(open_read_model(ithaca, tenant, projection).stream, projection,
                     clock=ithaca.clock)


def catch_up_tenant(
    ithaca: Ithaca, tenant: TenantRecord, projections: Iterable[Projection] | None = None,
) -> dict[str, CatchUp]:
    """Applies every event of the tenant's stream to each projection (every one the features
    declare unless named); raises
    `ProjectionFailedError` on the first projection that fails."""
    return {
        projection.name: projector_for(ithaca, tenant, projection).catch_up()
        for projection in (ithaca.projections if projections is None else projections)
    }
