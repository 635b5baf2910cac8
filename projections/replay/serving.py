"""Replays for the web: a moment as typed (a position or a time) to a replay, built on demand.

A replay that does not exist yet is built by the first GET that asks for it: reading the log is
not writing history, so auditors may cause it. A replay of up to `SYNC_BUILD_POSITIONS` stream
positions is built within the request; a bigger one is built in a background thread of the
process and the request answers `ReplayBuilding` (202 with Retry-After and the build's progress
and ETA); asking again joins the same build, and answers the replay once it is there.

Replays are kept until dropped (`ithaca audit replays --drop`, or all of them by an erasure), so
the web builds at most `REPLAYS_KEPT` per tenant: a replay of a position already built is
reused, and a new one beyond the quota is refused (409 naming the moment's field) until an
operator drops some. The count is checked under a lock of the process, so racing requests of one
process cannot pass it; each other web process could add one more at the same instant. The
command line (`ithaca audit replay`) is not limited.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from infra.container import Ithaca
from projections.replay.engine import (
    BUILDS,
    BuildProgress,
    OpenReplay,
    build_replay,
    list_replays,
    open_replay,
    parse_moment,
    replay_places,
    resolve,
)
from projections.replay.schemas import ReplayBuilding
from services.errors import ConflictError, InvalidInputError
from tenants.directory import TenantRecord

__all__ = ["REPLAYS_KEPT", "SYNC_BUILD_POSITIONS", "NotReadyYet", "position_of", "replay_at"]

SYNC_BUILD_POSITIONS = 50_000
"""Replays up to this position are built within the request (a second or two at most)."""
RETRY_AFTER_SECONDS = 2
REPLAYS_KEPT = 12
"""Replays of one tenant the web builds at most (each is a copy of its read models)."""
_locks: dict[tuple[str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _building(tenant: TenantRecord) -> threading.Lock:
    """The process's lock on starting the tenant's replays (the quota's count and the build)."""
    with _locks_guard:
        return _locks.setdefault((tenant.location, tenant.stream_name), threading.Lock())

_NUMBER = re.compile(r"^[+-]?[0-9]+$")


class NotReadyYet(Exception):  # noqa: N818 - a state, not a failure
    """The replay is being built in the background; `building` says how far it got."""

    def __init__(self, building: ReplayBuilding) -> None:
        super().__init__(f"replay at {building.position} is being built")
        self.building = building


def position_of(ithaca: Ithaca, tenant: TenantRecord, at: str, field_name: str) -> int:
    """The replay position of `at`: a stream position, or an ISO 8601 time."""
    text = at.strip()
    if not text:
        raise InvalidInputError("give a stream position or a time", field=field_name)
    if _NUMBER.match(text):
        return resolve(ithaca, tenant, position=int(text), field_name=field_name)
    return resolve(ithaca, tenant, as_of=parse_moment(text, field_name), field_name=field_name)


@contextmanager
def replay_at(
    ithaca: Ithaca, tenant: TenantRecord, at: str | int, field_name: str = "at",
) -> Iterator[OpenReplay]:
    """The replay of `at` (as typed, or a position already resolved), built now if small,
    else `NotReadyYet` while it builds."""
    position = at if isinstance(at, int) else position_of(ithaca, tenant, at, field_name)
    if not replay_places(ithaca, tenant).exists(position):
        progress: BuildProgress | None = None
        with _building(tenant):
            if position <= SYNC_BUILD_POSITIONS:
                if not replay_places(ithaca, tenant).exists(position):
                    _refuse_beyond_quota(ithaca, tenant, position, field_name)
                    build_replay(ithaca, tenant, position)
            else:
                if position not in BUILDS.under_way(tenant):
                    _refuse_beyond_quota(ithaca, tenant, position, field_name)
                progress = BUILDS.start(ithaca, tenant, position)
        if progress is not None and (not progress.finished.is_set() or progress.error is not None):
            raise NotReadyYet(ReplayBuilding(
                position=position, done=progress.done, total=progress.total,
                eta_seconds=progress.eta_seconds,
                status="failed, retrying" if progress.error else "building"))
    with open_replay(ithaca, tenant, position) as replay:
        yield replay


def _refuse_beyond_quota(
    ithaca: Ithaca, tenant: TenantRecord, position: int, field_name: str,
) -> None:
    kept = {placed.info.position for placed in list_replays(ithaca, tenant)}
    kept |= BUILDS.under_way(tenant)
    kept.discard(position)
    if len(kept) >= REPLAYS_KEPT:
        raise ConflictError(
            "this programme keeps at most %(most)s replays, and has them: ask for one of their "
            "moments (GET /api/v1/audit/replays), or ask an operator to drop some",
            field=field_name, values={"most": REPLAYS_KEPT})
