"""Replays as an operator handles them: built from the CLI with progress, listed, dropped; and
built by several requests at once without harm."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg

from infra.settings import Settings
from projections.replay.engine import (
    build_replay,
    drop_replays,
    event_time,
    list_replays,
    stream_head,
)
from projections.replay.places import ReplayInfo
from services.accounts.application import Accounts
from tests.cli.test_cli import Operator, _restore_logging  # noqa: F401 - its autouse fixture
from tests.tenant_api import TenantApi


def _some_history(acme: TenantApi) -> int:
    for name in ("Ana", "Ben", "Carla"):
        acme.member(name, roles=["mentor"])
    ithaca = acme.served.ithaca
    return stream_head(ithaca, ithaca.tenant("acme"))


def test_the_cli_replays_with_progress_lists_and_drops(
    acme: TenantApi, settings: Settings,
) -> None:
    head = _some_history(acme)
    operator = Operator(settings)

    built = operator.ok("audit", "replay", "--tenant", "acme", "--position", str(head - 2))
    assert f"replayed: acme at position {head - 2}" in built.stdout
    assert "replay acme at" in built.stderr  # the progress bar
    assert "ETA" in built.stderr
    assert ("in schema replay_" if settings.database_url else "in file ") in built.stdout
    assert f"/t/acme/audit/replay?at={head - 2}" in built.stdout

    ithaca = acme.served.ithaca
    moment = event_time(ithaca, ithaca.tenant("acme"), head)
    assert moment is not None
    again = operator.ok("audit", "replay", "--tenant", "acme", "--as-of", moment.isoformat())
    assert f"replayed: acme at position {head}" in again.stdout
    same = operator.ok("audit", "replay", "--tenant", "acme", "--position", str(head))
    assert f"already there: acme at position {head}" in same.stdout

    listed = operator.ok("audit", "replays", "--tenant", "acme").stdout
    rows = [line.split()[0] for line in listed.splitlines()[1:] if line[:1].isdigit()]
    assert rows == [str(head - 2), str(head)]

    dropped = operator.ok("audit", "replays", "--tenant", "acme", "--drop", str(head - 2))
    assert "dropped" in dropped.stdout
    assert [r.info.position for r in list_replays(ithaca, ithaca.tenant("acme"))] == [head]
    refused = operator("audit", "replays", "--tenant", "acme", "--drop", str(head - 2))
    assert refused.exit_code == 2
    assert "error: drop: no replay" in refused.stderr

    both = operator("audit", "replay", "--tenant", "acme", "--position", "1", "--as-of", "x")
    assert both.exit_code == 2
    beyond = operator("audit", "replay", "--tenant", "acme", "--position", str(head + 50))
    assert beyond.exit_code == 2
    assert f"error: position: no position {head + 50}" in beyond.stderr

    all_dropped = operator.ok("audit", "replays", "--tenant", "acme", "--drop-all")
    assert "dropped 1 replay(s)" in all_dropped.stdout
    assert list_replays(ithaca, ithaca.tenant("acme")) == []


def _leftovers(settings: Settings) -> list[str]:
    """Temporary build places still there."""
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute("SELECT nspname FROM pg_namespace"
                                " WHERE nspname LIKE 'replay_build_%'").fetchall()
        return [row[0] for row in rows]
    directory = Path(settings.data_dir) / "replays"
    return [path.name for path in directory.rglob("building_*")]


def test_concurrent_builds_of_one_position_give_one_replay(
    acme: TenantApi, settings: Settings,
) -> None:
    head = _some_history(acme)
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant("acme")
    answers: list[ReplayInfo] = []
    failures: list[BaseException] = []

    def build() -> None:
        try:
            answers.append(build_replay(ithaca, tenant, head))
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len({(info.position, info.built_at) for info in answers}) == 1
    listed = list_replays(ithaca, tenant)
    assert [placed.info.position for placed in listed] == [head]
    assert listed[0].size_bytes > 0
    assert _leftovers(settings) == []

    build_replay(ithaca, tenant, head - 1)
    assert drop_replays(ithaca, tenant) == 2
    assert list_replays(ithaca, tenant) == []
    assert drop_replays(ithaca, tenant) == 0


def test_a_replay_built_after_an_erasure_shows_the_person_as_erased(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    acme.member("Ben", roles=["mentor"])
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant("acme")
    head = stream_head(ithaca, tenant)
    auditor = acme.member("Aude", roles=["auditor"])

    def directory() -> dict[str, str]:
        response = acme.get(f"/api/v1/audit/replays/{head}/members", auditor)
        assert response.status_code == 200, response.text
        return {row["memberId"]: row["name"] for row in response.json()["members"]}

    assert directory()[str(ana.id)] == "Ana"
    # Erasure destroys Ana's key and drops the tenant's replays (what the privacy part does).
    stream = ithaca.tenant_application(tenant, Accounts).stream
    assert stream.personal_keys.erase(ana.id)
    assert drop_replays(ithaca, tenant) == 1
    names = directory()
    assert names[str(ana.id)] == "[erased]"
    assert sorted(names.values()) == ["Ben", "[erased]"]
