"""How handlers read a projection: the tenant's read-model store, at or after a stream position.

A read endpoint takes the dependency `read_model(SomeProjection)`. It adds two query parameters to
the endpoint: `after` (a stream position, e.g. the `position` a command answered) and `wait`
(seconds, default 5, at most 30). With `after`, the read waits until the projection has applied
the stream up to that position, so a client reads its own writes; if it has not within `wait`
seconds the answer is 503 with Retry-After, naming `after`. Every read answers the position the
read model was at (`ReadModel.position`), so a figure can be reproduced.

Waiting must not let one member stall everyone (`ParkedReads`): a waiting read holds no worker
thread (it sleeps on the event loop and hops to a thread only to read the position, one reading
shared by every read waiting on the same read model); a position beyond the stream's head is
refused at once (422: no command answered it, so waiting could never end); and each member and
each tenant may have only so many reads waiting at once in a process (429 and 503, Retry-After).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import anyio
import anyio.to_thread
from litestar import Request
from litestar.di import Provide
from litestar.params import Parameter

from infra.container import Ithaca
from infra.eventstore.streams import EventStream
from projections.engine import Projection, wait_for_position
from projections.store import ReadModelStore, read_model_store
from services.errors import InvalidInputError, IthacaError
from tenants.directory import TenantRecord

__all__ = [
    "MAX_WAIT_SECONDS",
    "NotCaughtUpError",
    "ParkedReads",
    "PositionBeyondHeadError",
    "ReadModel",
    "TenantWaitLimitError",
    "WaitLimitError",
    "open_read_model",
    "read_model",
]

MAX_WAIT_SECONDS = 30.0
DEFAULT_WAIT_SECONDS = 5.0
FIRST_POLL_SECONDS, LAST_POLL_SECONDS = 0.005, 0.05
SHARED_READING_SECONDS = 0.01
"""A position read this recently answers every read waiting on the same read model."""

ProjectionT = TypeVar("ProjectionT", bound=Projection)


class NotCaughtUpError(IthacaError):
    """The read model has not reached the position asked for within the wait (503)."""

    status_code = 503
    retry_after_seconds = 1


class PositionBeyondHeadError(InvalidInputError):
    """No event has the position asked for yet, so no wait could reach it (422)."""


class WaitLimitError(IthacaError):
    """The member already has as many reads waiting for a position as one may (429)."""

    status_code = 429
    retry_after_seconds = 1


class TenantWaitLimitError(IthacaError):
    """The tenant's members already have as many reads waiting as a tenant may (503)."""

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

    def reached(self, position: int) -> int:
        """The position the read model is at; PositionBeyondHeadError if that is short of
        `position` and the stream has no event at `position` yet."""
        reached = self.position
        if reached < position:
            head = self.stream.events.max_notification_id() or 0
            if position > head:
                raise PositionBeyondHeadError(
                    "%(position)s is beyond the stream's head (%(head)s): pass a position a "
                    "command answered", field="after", values={"position": position, "head": head},
                )
        return reached

    def wait_for(self, position: int, timeout: float) -> int:
        """Waits in this thread until the projection reaches `position`; NotCaughtUpError after
        `timeout`. HTTP reads wait with `ParkedReads` instead, holding no thread."""
        reached = self.reached(position)
        if reached < position:
            reached = wait_for_position(lambda: self.position, position, timeout)
        if reached < position:
            raise self.not_caught_up(reached, position, timeout)
        return reached

    def not_caught_up(self, reached: int, position: int, timeout: float) -> NotCaughtUpError:
        return NotCaughtUpError(
            "the %(name)s read model is at position %(reached)s and has not reached "
            "%(position)s within %(timeout)s s; try again shortly", field="after",
            values={"name": self.projection.name, "reached": reached,
                    "position": position, "timeout": f"{timeout:g}"},
        )


class _PositionReading:
    """One read model's position as the reads waiting on it see it: read in a worker thread at
    most once per `SHARED_READING_SECONDS`, however many reads wait."""

    def __init__(self, model: ReadModel[Any]) -> None:
        self.model = model
        self.waiting = 0
        self._lock = anyio.Lock()
        self._position = 0
        self._read_at = -math.inf

    async def position(self) -> int:
        async with self._lock:
            if time.monotonic() - self._read_at >= SHARED_READING_SECONDS:
                self._position = await anyio.to_thread.run_sync(lambda: self.model.position)
                self._read_at = time.monotonic()
            return self._position


class ParkedReads:
    """The reads of this process waiting for a read model to reach a position (on its event
    loop, so the counts need no lock): bounded per member and per tenant."""

    def __init__(self, per_member: int, per_tenant: int) -> None:
        self.per_member, self.per_tenant = per_member, per_tenant
        self._by_member: Counter[tuple[str, str]] = Counter()
        self._by_tenant: Counter[str] = Counter()
        self._readings: dict[tuple[str, str], _PositionReading] = {}

    def parked(self, tenant: str) -> int:
        """How many of the tenant's reads are waiting now."""
        return self._by_tenant[tenant]

    async def wait_for(
        self, model: ReadModel[Any], position: int, timeout: float, member: str,
    ) -> int:
        """Like `ReadModel.wait_for`, but sleeping on the event loop; WaitLimitError or
        TenantWaitLimitError when the member or the tenant has too many reads waiting."""
        deadline = time.monotonic() + timeout
        reached = await anyio.to_thread.run_sync(model.reached, position)
        if reached >= position:
            return reached
        with self._parked(model, member) as reading:
            delay = FIRST_POLL_SECONDS
            while reached < position:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise model.not_caught_up(reached, position, timeout)
                await anyio.sleep(min(delay, remaining))
                delay = min(delay * 2, LAST_POLL_SECONDS)
                reached = await reading.position()
        return reached

    @contextmanager
    def _parked(self, model: ReadModel[Any], member: str) -> Iterator[_PositionReading]:
        tenant = model.tenant.slug
        if self._by_member[tenant, member] >= self.per_member:
            raise WaitLimitError(
                "you already have %(most)s reads waiting for a position; try again when one "
                "has answered", field="after", values={"most": self.per_member})
        if self._by_tenant[tenant] >= self.per_tenant:
            raise TenantWaitLimitError(
                "%(most)s reads are already waiting for a position in this organisation; try "
                "again shortly", field="after", values={"most": self.per_tenant})
        key = (tenant, model.projection.name)
        reading = self._readings.get(key)
        if reading is None:
            reading = self._readings[key] = _PositionReading(model)
        self._by_member[tenant, member] += 1
        self._by_tenant[tenant] += 1
        reading.waiting += 1
        try:
            yield reading
        finally:
            reading.waiting -= 1
            if not reading.waiting:
                del self._readings[key]
            _forget_zero(self._by_member, (tenant, member))
            _forget_zero(self._by_tenant, tenant)


def _forget_zero(counts: Counter[Any], key: Any) -> None:
    counts[key] -= 1
    if counts[key] <= 0:
        del counts[key]


def open_read_model(
    ithaca: Ithaca, tenant: TenantRecord, projection: ProjectionT
) -> ReadModel[ProjectionT]:
    """The tenant's read model of `projection` (outside HTTP too: CLI, tests, benchmarks)."""
    stream = ithaca.tenant_stream(tenant)
    return ReadModel(projection, read_model_store(stream), stream, tenant)


def read_model(projection: Projection) -> Provide:
    """A dependency giving the request's tenant's read model of `projection`, having waited for
    `?after=` if the request asks (see the module docstring)."""

    async def provide(
        request: Request[Any, Any, Any],
        after: Annotated[int | None, Parameter(
            # schema_extra: Litestar leaves an optional parameter's bounds out of the document.
            ge=0, schema_extra={"minimum": 0}, required=False, description=(
                "Wait until the read model has applied the stream up to this position (e.g. "
                "the position a command answered) before reading. A position beyond the "
                "stream's head answers 422 at once."))] = None,
        wait: Annotated[float, Parameter(
            gt=0, le=MAX_WAIT_SECONDS, required=False, description=(
                "Seconds to wait for `after` before answering 503."))] = DEFAULT_WAIT_SECONDS,
    ) -> ReadModel[Any]:
        ithaca: Ithaca = request.app.state.ithaca
        model = open_read_model(ithaca, request.state.tenant, projection)
        if after is not None:
            parked: ParkedReads = request.app.state.parked_reads
            caller = request.state.get("caller")
            member = str(caller.member_id) if caller is not None else "anonymous"
            await parked.wait_for(model, after, wait, member)
        return model

    provide.__name__ = f"provide_{projection.name}"
    return Provide(provide)
