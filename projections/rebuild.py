"""Rebuilding a read model from position 0 without downtime.

The projection is replayed into shadow tables (`<table>__next`) under a shadow state row while the
live tables keep serving reads and the live projection keeps following the stream. When the
shadow has caught up, the live projection's lease is taken (the worker pauses on this tenant),
the shadow catches the last events up, and one transaction drops the live tables, renames the
shadow ones into their place and hands the shadow's position to the live state with its
generation moved on (in-memory indexes reload on a new generation). Readers see the old tables
until that commit and the new ones after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from infra.container import Ithaca
from projections.engine import CatchUp, Projection, Projector
from projections.leases import leases_for
from projections.reading import open_read_model
from tenants.directory import TenantRecord

__all__ = ["SHADOW_SUFFIX", "rebuild", "rebuild_under_lease"]

SHADOW_SUFFIX = "__next"
LEASE_WAIT_SECONDS = 120.0

Progress = Callable[[CatchUp], None]


def rebuild_under_lease(
    ithaca: Ithaca, tenant: TenantRecord, projection: Projection,
    on_batch: Progress | None = None, before_swap: Callable[[], None] | None = None,
) -> CatchUp:
    """Rebuilds and swaps in; the caller holds the live projection's lease throughout."""
    shadow = _prepare_shadow(ithaca, tenant, projection)
    shadow.catch_up(on_batch=on_batch)
    return _swap(shadow, projection, before_swap)


def rebuild(
    ithaca: Ithaca, tenant: TenantRecord, projection: Projection,
    on_batch: Progress | None = None, before_swap: Callable[[], None] | None = None,
) -> CatchUp:
    """Rebuilds while the live projection keeps serving, taking its lease only for the swap."""
    shadow = _prepare_shadow(ithaca, tenant, projection)
    shadow.catch_up(on_batch=on_batch)
    leases = leases_for(ithaca.locations[tenant.location], "ithaca:rebuild")
    key = (tenant.stream_name, projection.name)
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    while not leases.try_acquire(*key):
        if time.monotonic() > deadline:
            msg = f"the lease of {projection.name} on {tenant.slug} stayed taken"
            raise TimeoutError(msg)
        time.sleep(0.05)
    try:
        return _swap(shadow, projection, before_swap)
    finally:
        leases.release(*key)
        leases.close()


def _prepare_shadow(ithaca: Ithaca, tenant: TenantRecord, projection: Projection) -> Projector:
    stream = open_read_model(ithaca, tenant, projection).stream
    shadow = Projector(stream, projection, state_name=projection.name + SHADOW_SUFFIX,
                       suffix=SHADOW_SUFFIX, batch_size=ithaca.settings.rebuild_batch,
                       clock=ithaca.clock)
    shadow.store.drop_tables(projection.tables, SHADOW_SUFFIX)
    shadow.store.create_tables(projection.tables, SHADOW_SUFFIX)
    shadow.store.reset(shadow.state_name, projection.version)
    return shadow


def _swap(
    shadow: Projector, projection: Projection, before_swap: Callable[[], None] | None
) -> CatchUp:
    result = shadow.catch_up()
    if before_swap is not None:
        before_swap()
    shadow.store.start(projection.name, projection.version)
    shadow.store.swap_in(projection.tables, SHADOW_SUFFIX, projection.name, shadow.state_name)
    return result
