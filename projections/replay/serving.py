"""Replays for the web: a moment as typed (a position or a time) to a replay, built on demand.

A replay that does not exist yet is built by the first GET that asks for it: reading the log is
not writing history, so auditors may cause it. A replay of up to `SYNC_BUILD_POSITIONS` stream
positions is built within the request; a bigger one is built in a background thread of the
process and the request answers `ReplayBuilding` (202 with Retry-After and the build's progress
and ETA); asking again joins the same build, and answers the replay once it is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from infra.bootstrap import Ithaca
from projections.replay.engine import (
    BUILDS,
    OpenReplay,
    build_replay,
    open_replay,
    parse_moment,
    replay_places,
    resolve,
)
from projections.replay.schemas import ReplayBuilding
from services.errors import InvalidInputError
from tenants.directory import TenantRecord

__all__ = ["SYNC_BUILD_POSITIONS", "NotReadyYet", "position_of", "replay_at"]

SYNC_BUILD_POSITIONS = 50_000
"""Replays up to this position are built within the request (a second or two at most)."""
RETRY_AFTER_SECONDS = 2

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
        if position <= SYNC_BUILD_POSITIONS:
            build_replay(ithaca, tenant, position)
        else:
            progress = BUILDS.start(ithaca, tenant, position)
            if not progress.finished.is_set() or progress.error is not None:
                raise NotReadyYet(ReplayBuilding(
                    position=position, done=progress.done, total=progress.total,
                    eta_seconds=progress.eta_seconds,
                    status="failed, retrying" if progress.error else "building"))
    with open_replay(ithaca, tenant, position) as replay:
        yield replay
