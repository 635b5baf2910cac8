"""Liveness and readiness for orchestrators and load balancers.

`/healthz` answers while the process can serve HTTP at all; `/readyz` answers 200 only when every
storage (the platform stream's and each database location) answers now, and otherwise 503 naming
what failed. Error details are logged, not returned: readiness endpoints are often reachable from
outside and database errors name hosts and users.
"""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.di import NamedDependency

from infra.container import Ithaca
from infra.eventstore.streams import Storage
from infra.logging import get_logger

__all__ = ["Health", "Readiness", "healthz", "readyz"]

_log = get_logger("ithaca.health")


class Health(msgspec.Struct, frozen=True):
    status: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    """Either ready or unavailable."""
    checks: dict[str, str]
    """Each database location (and the platform stream's storage when it is apart, as on the
    embedded default) and "ok" or the kind of failure."""


@get("/healthz", tags=["operations"], summary="Liveness", sync_to_thread=False)
def healthz() -> Health:
    return Health(status="ok")


@get("/readyz", tags=["operations"], summary="Readiness", sync_to_thread=True)
def readyz(ithaca: NamedDependency[Ithaca]) -> Response[Readiness]:
    storages: dict[str, Storage] = dict(ithaca.locations)
    if all(ithaca.platform_storage is not storage for storage in storages.values()):
        storages = {"platform": ithaca.platform_storage, **storages}
    checks = {name: _check(name, storage) for name, storage in storages.items()}
    ready = all(outcome == "ok" for outcome in checks.values())
    return Response(
        Readiness(status="ready" if ready else "unavailable", checks=checks),
        status_code=200 if ready else 503,
    )


def _check(name: str, storage: Storage) -> str:
    try:
        storage.check()
    except Exception as error:
        _log.warning("storage not ready", storage=name, error=str(error))
        return f"failed: {type(error).__name__}"
    return "ok"


