"""How handlers read a projection: the tenant's read-model store, at or after a stream position.

A read endpoint takes the dependency `read_model(SomeProjection)`. It adds two query parameters to
the endpoint: `after` (a stream position, e.g. the `position` a command answered) and `wait`
(seconds, default 5, at most 30). With `after`, the read waits until the projection has applied
the stream up to that position, so a client reads its own writes; if it has not within `wait`
seconds the answer is 503 with Retry-After, naming `after`. Every read answers the position the
read model was at (`ReadModel.position`), so a figure can be reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import anyio.to_thread
from litestar import Request
from litestar.di import Provide
from litestar.params import Parameter

from infra.bootstrap import Ithaca
from infra.eventstore.streams import EventStream, StreamApplication
from projections.engine import Projection, wait_for_position
from projections.store import ReadModelStore
from services.errors import IthacaError
from tenants.directory import TenantRecord

__all__ = ["MAX_WAIT_SECONDS", "NotCaughtUpError", "ReadModel", "open_read_model", "read_model"]

MAX_WAIT_SECONDS = 30.0
DEFAULT_WAIT_SECONDS = 5.0

ProjectionT = TypeVar("ProjectionT", bound=Projection)


class NotCaughtUpError(IthacaError):
    """The read model has not reached the position asked for within the wait (503)."""

    status_code = 503
    retry_after_seconds = 1


@dataclass(frozen=True)
class ReadModel(Generic[ProjectionT]):
    """One tenant's tables of one projection, as of `position`."""

    projection: ProjectionT
    store: ReadModelStore
    stream: EventStream
    tenant: TenantRecord

    @property
    def position(self) -> int:
        state = self.store.state(self.projection.name)
        return state.position if state else 0

    def wait_for(self, position: int, timeout: float) -> int:
        """Waits until the projection reaches `position`; NotCaughtUpError after `timeout`."""
        reached = wait_for_position(lambda: self.position, position, timeout)
        if reached < position:
            raise NotCaughtUpError(
                "the %(name)s read model is at position %(reached)s and has not reached "
                "%(position)s within %(timeout)s s; try again shortly", field="after",
                values={"name": self.projection.name, "reached": reached,
                        "position": position, "timeout": f"{timeout:g}"},
            )
        return reached


class _StreamReader(StreamApplication):
    """Gives the tenant's open stream (the application itself is never used)."""

    name = "read_models"


def open_read_model(
    ithaca: Ithaca, tenant: TenantRecord, projection: ProjectionT
) -> ReadModel[ProjectionT]:
    """The tenant's read model of `projection` (outside HTTP too: CLI, tests, benchmarks)."""
    stream = ithaca.tenant_application(tenant, _StreamReader).stream
    return ReadModel(projection, ReadModelStore.of(stream), stream, tenant)


def read_model(projection: Projection) -> Provide:
    """A dependency giving the request's tenant's read model of `projection`, having waited for
    `?after=` if the request asks (see the module docstring)."""

    async def provide(
        request: Request[Any, Any, Any],
        after: Annotated[int | None, Parameter(
            ge=0, required=False, description=(
                "Wait until the read model has applied the stream up to this position (e.g. "
                "the position a command answered) before reading."))] = None,
        wait: Annotated[float, Parameter(
            gt=0, le=MAX_WAIT_SECONDS, required=False, description=(
                "Seconds to wait for `after` before answering 503."))] = DEFAULT_WAIT_SECONDS,
    ) -> ReadModel[Any]:
        ithaca: Ithaca = request.app.state.ithaca
        model = open_read_model(ithaca, request.state.tenant, projection)
        if after is not None:
            await anyio.to_thread.run_sync(model.wait_for, after, wait)
        return model

    provide.__name__ = f"provide_{projection.name}"
    return Provide(provide)
