"""Liveness and readiness, as an orchestrator probes them."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import msgspec
import psycopg
from psycopg import sql

from infra.settings import Settings
from tests.web import serving


def test_a_live_and_ready_process_says_so(settings: Settings) -> None:
    with serving(settings) as served:
        assert served.client.get("/healthz").json() == {"status": "ok"}
        ready = served.client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "ready"
        assert set(ready.json()["checks"].values()) == {"ok"}
        assert "main" in ready.json()["checks"]


def test_readiness_fails_naming_the_storage_that_cannot_answer(
    settings: Settings, postgres_server_url: str
) -> None:
    # The storage of the main location goes away under a running process: it stays alive (the
    # orchestrator must not restart it for a database outage) but stops taking traffic.
    with serving(msgspec.structs.replace(settings, pool_timeout=1.0)) as served:
        if settings.embedded:
            tenants = served.ithaca.settings.data_path / "tenants"
            shutil.rmtree(tenants, ignore_errors=True)
            tenants.write_text("not a directory")
        else:
            database = urlsplit(settings.database_url).path.lstrip("/")
            with psycopg.connect(postgres_server_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                    sql.Identifier(database)
                ))
        ready = served.client.get("/readyz")
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["main"].startswith("failed: ")
        assert served.client.get("/healthz").status_code == 200
