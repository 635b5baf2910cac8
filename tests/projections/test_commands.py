"""`ithaca projections run | rebuild | status`, as an operator runs them, on both backends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from infra.container import Ithaca
from infra.features import FEATURES
from infra.settings import Settings
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from tests.cli.test_cli import Operator
from tests.environment import environment_of
from tests.tenant_api import PASSWORD, TenantApi

ROOT = Path(__file__).resolve().parents[2]
ITHACA = ROOT / ".venv" / "bin" / "ithaca"


def _status(operator: Operator, slug: str) -> dict[str, dict[str, object]]:
    result = operator("projections", "status", "--tenant", slug, "--json")
    return {row["projection"]: row for row in json.loads(result.stdout)}


def test_the_worker_process_serves_new_events_and_stops_cleanly_on_sigterm(
    ithaca: Ithaca, settings: Settings,
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme",
                                     actor=Actor(kind="cli", id="test"))
    operator = Operator(settings)
    worker = subprocess.Popen(  # noqa: S603 - our own entry point
        [str(ITHACA), "projections", "run", "--threads", "2"], cwd=ROOT,
        env={**os.environ, **environment_of(settings), "ITHACA_PROJECTION_POLL_SECONDS": "0.5"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        # A member signs up while the worker runs: every projection reaches the new head.
        ithaca.tenant_application(ithaca.tenant("acme"), Accounts).create_member(
            email="ana@example.org", name="Ana", password=PASSWORD,
            roles=[Role.ENTREPRENEUR], locale="en", actor=Actor(kind="cli", id="test"),
        )
        deadline = time.monotonic() + 30
        while True:
            status = _status(operator, "acme")
            if all(row["lagEvents"] == 0 and row["position"] for row in status.values()):
                break
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert set(status) == {projection.name for projection in PROJECTIONS}
        assert all(row["error"] is None and row["lagSeconds"] == 0 for row in status.values())
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert "projection_worker_stopped" in stderr


PROJECTIONS = [projection for feature in FEATURES for projection in feature.projections]


def test_status_shows_lag_and_a_rebuild_brings_one_tenant_up_to_date(
    acme: TenantApi, settings: Settings,
) -> None:
    acme.member("Ana", roles=["entrepreneur"])
    operator = Operator(settings)
    acme.project()
    name = PROJECTIONS[0].name
    before = _status(operator, "acme")[name]
    acme.member("Ben", roles=["mentor"])
    result = operator.ok("projections", "rebuild", name, "--tenant", "acme")
    assert "rebuilt" in result.stdout
    after = _status(operator, "acme")[name]
    assert after["generation"] == before["generation"] + 1  # type: ignore[operator]
    assert after["lagEvents"] == 0
    table = operator.ok("projections", "status").stdout
    assert "acme" in table
    assert name in table
