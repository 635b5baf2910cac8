"""Reads that wait for a position (`?after=`) cannot stall anyone else: a waiting read holds no
worker thread, a position no command answered is refused at once, and each member and each
tenant may have only so many reads waiting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import anyio.to_thread
import httpx
import msgspec
import pytest

from infra.settings import Settings
from projections.reading import ParkedReads, open_read_model
from projections.timelines.projection import TIMELINES
from services.actor import Actor
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import Served, serving

SUMMARIES = "/api/v1/me/relationships/summaries"
WORKER_THREADS = 2
PER_MEMBER, PER_TENANT = 4, 6


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    # No projection worker: a read waiting for the stream's head waits until the test catches
    # the read models up itself.
    with serving(msgspec.structs.replace(
        settings, projections_in_process="off",
        read_waits_per_member=PER_MEMBER, read_waits_per_tenant=PER_TENANT,
    )) as running:
        yield running


def _tenant(served: Served, slug: str) -> TenantApi:
    served.ithaca.registry.provision_tenant(
        slug=slug, display_name=slug.title(), actor=Actor(kind="cli", id="test"))
    return TenantApi(served, slug)


def _head(tenant: TenantApi) -> int:
    ithaca = tenant.served.ithaca
    stream = open_read_model(ithaca, ithaca.tenant(tenant.slug), TIMELINES).stream
    return stream.events.max_notification_id() or 0


def _refusal(answer: httpx.Response) -> tuple[int, str | None, str | None]:
    error: dict[str, Any] = answer.json()["error"]
    return answer.status_code, answer.headers.get("Retry-After"), error["field"]


def test_reads_waiting_for_a_position_hold_no_worker_thread_and_are_bounded(
    served: Served,
) -> None:
    acme, globex = _tenant(served, "acme"), _tenant(served, "globex")
    ana, ben = acme.member("Ana", roles=["entrepreneur"]), acme.member("Ben", roles=["mentor"])
    gil = globex.member("Gil", roles=["entrepreneur"])
    head = _head(acme)
    parked: ParkedReads = served.app.state.parked_reads

    def shrink_the_thread_pool() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS

    served.client.blocking_portal.call(shrink_the_thread_pool)

    def wait_as(member: SignedInMember) -> httpx.Response:
        return acme.get(f"{SUMMARIES}?after={head}&wait=30", member)

    with ThreadPoolExecutor(max_workers=PER_TENANT) as clients:
        waiting: list[Future[httpx.Response]] = [
            clients.submit(wait_as, member) for member in [ana] * PER_MEMBER + [ben] * 2]
        deadline = time.monotonic() + 30
        while parked.parked("acme") < PER_TENANT and time.monotonic() < deadline:
            time.sleep(0.01)
        assert parked.parked("acme") == PER_TENANT > WORKER_THREADS

        # Six reads wait on two worker threads, and another tenant's request still answers.
        assert globex.get("/api/v1/me", gil).status_code == 200
        assert not any(read.done() for read in waiting)

        # One read more from Ana is over her bound; one more from Ben is over the tenant's.
        over_member = wait_as(ana)
        assert _refusal(over_member) == (429, "1", "after")
        assert over_member.json()["error"]["problem"] == (
            f"you already have {PER_MEMBER} reads waiting for a position; try again when one "
            "has answered")
        assert _refusal(wait_as(ben)) == (503, "1", "after")

        # The read model arrives: every waiting read answers, at that position or later.
        acme.project()
        for read in waiting:
            assert read.result().status_code == 200, read.result().text
            assert read.result().json()["position"] >= head
    assert parked.parked("acme") == 0
    assert wait_as(ana).status_code == 200


def test_a_position_beyond_the_streams_head_is_refused_at_once(served: Served) -> None:
    acme = _tenant(served, "acme")
    ana = acme.member("Ana", roles=["entrepreneur"])
    head = _head(acme)
    # Were it waited for, the answer would be a 503 thirty seconds from now.
    answer = acme.get(f"{SUMMARIES}?after={head + 1}&wait=30", ana)
    assert answer.json() == {"error": {
        "status": 422, "field": "after",
        "problem": f"{head + 1} is beyond the stream's head ({head}): pass a position a "
                   "command answered",
    }}
    acme.project()
    assert acme.get(f"{SUMMARIES}?after={head}&wait=30", ana).status_code == 200
