"""A database that cannot be reached or used answers 503 with Retry-After, as `/readyz` does,
and the same requests succeed once it is back: an outage is not a bug in Ithaca (500)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import msgspec
import psycopg
import pytest
from psycopg import sql
from structlog.testing import capture_logs

from infra.settings import Settings
from services.actor import Actor
from tests.tenant_api import PASSWORD, TenantApi
from tests.web import Served, serving

OUTAGE = {"status": 503, "problem": "the database is unavailable just now; try again shortly",
          "field": None}


@pytest.fixture
def outage_served(settings: Settings) -> Iterator[Served]:
    # A request waits this long for a pooled PostgreSQL connection before giving up.
    with serving(msgspec.structs.replace(settings, pool_timeout=1.0)) as served:
        yield served


@contextmanager
def database_down(served: Served, backend: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """PostgreSQL: the test's database refuses connections and its open ones are cut. SQLite:
    another process holds the tenant's file's write lock, so writes find it locked."""
    if backend == "postgres":
        name = urlsplit(served.ithaca.settings.database_url).path[1:]
        allow = sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}")
        server_url = request.getfixturevalue("postgres_server_url")
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(allow.format(sql.Identifier(name), sql.SQL("false")))
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s", (name,))
            try:
                yield
            finally:
                admin.execute(allow.format(sql.Identifier(name), sql.SQL("true")))
    else:
        path = served.ithaca.settings.data_path / "tenants" / "tenant_acme.sqlite3"
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_a_database_outage_answers_503_with_retry_after_until_the_database_is_back(
    outage_served: Served, backend: str, request: pytest.FixtureRequest,
) -> None:
    outage_served.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"))
    acme = TenantApi(outage_served, "acme")
    ana = acme.member("Ana", roles=["entrepreneur"])

    def sign_up(name: str, **headers: str) -> tuple[int, str | None, str]:
        answer = acme.post("/api/v1/accounts", headers=headers, json={
            "email": f"{name}@example.org", "name": name.title(), "password": PASSWORD,
            "roles": ["mentor"], "locale": "en"})
        return answer.status_code, answer.headers.get("Retry-After"), answer.text

    with capture_logs() as lines, database_down(outage_served, backend, request):
        status, retry_after, body = sign_up("ben")
        assert (status, retry_after) == (503, "5"), body
        assert msgspec.json.decode(body) == {"error": OUTAGE}
        # A browser gets the branded error page, with the same status and Retry-After.
        status, retry_after, page = sign_up("cleo", Accept="text/html")
        assert (status, retry_after) == (503, "5")
        assert "Something went wrong on our side" in page
    # Not the mapper's "unhandled error" (with a traceback): an outage is expected, not a bug.
    events = [line["event"] for line in lines]
    assert "unhandled error" not in events
    assert "database unavailable" in events

    # Back: the pool reconnects (in its own time, so the test waits for it with a deadline).
    deadline = time.monotonic() + 60
    while (status := sign_up("ben")[0]) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 201
    assert acme.get("/api/v1/me", ana).status_code == 200
