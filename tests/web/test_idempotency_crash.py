"""A server killed between saving a command and saving its answer: the retry with the same
`Idempotency-Key` still learns what was done, and the command is recorded once.

The real server (`ithaca serve`) on PostgreSQL. A trigger makes the database linger over the
answer's insert, so the test knows the server is exactly between the two; then the server is
killed with SIGKILL (its database sessions end with it, as a crashed host's connections do).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql

from infra.bootstrap import bootstrap
from infra.settings import Settings
from services.actor import Actor
from tests.environment import environment_of
from tests.servers import RunningServer, start_server
from tests.tenant_api import PASSWORD

pytestmark = pytest.mark.postgres_only

SIGN_UP = {"email": "dora@example.org", "name": "Dora Quispe", "password": PASSWORD,
           "roles": ["mentor"]}
KEY = {"Idempotency-Key": "dora-signs-up-once"}
SCHEMA = "tenant_acme"


@pytest.fixture
def server_settings(postgres_url: str, tmp_path: Path) -> Settings:
    settings = Settings.from_env(
        {}, database_url=postgres_url, data_dir=str(tmp_path / "data"),
        platform_hosts="127.0.0.1", mail_background=False,
        password_hash_time_cost=1, password_hash_memory_kib=1024,
    )
    ithaca = bootstrap(settings)
    try:
        ithaca.registry.provision_tenant(slug="acme", display_name="Acme Mentoring",
                                         actor=Actor(kind="cli", id="test"))
    finally:
        ithaca.close()
    return settings


def serve(settings: Settings, tmp_path: Path, name: str, port: int | None = None
          ) -> RunningServer:
    server = start_server({**os.environ, **environment_of(settings)}, tmp_path / f"{name}.log",
                          "--workers", "1", port=port)
    server.wait_until_ready()
    return server


def lingering_over_answers(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    conn.execute(sql.SQL(
        "CREATE FUNCTION {}.linger() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$"
    ).format(sql.Identifier(SCHEMA)))
    conn.execute(sql.SQL(
        "CREATE TRIGGER linger BEFORE INSERT ON {}.events FOR EACH ROW"
        " WHEN (NEW.topic LIKE '%IdempotentCommand.Answer%') EXECUTE FUNCTION {}.linger()"
    ).format(sql.Identifier(SCHEMA), sql.Identifier(SCHEMA)))


def wait_for_lingering_insert(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = conn.execute("SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                           " AND datname = current_database()").fetchone()
        if row:
            return int(str(row[0]))
        time.sleep(0.1)
    pytest.fail("the server never reached the answer's insert")


def members_called(conn: psycopg.Connection[tuple[object, ...]], topic: str) -> int:
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}.events WHERE topic LIKE %s").format(
        sql.Identifier(SCHEMA)), (f"%{topic}",)).fetchone()
    assert row is not None
    return int(str(row[0]))


def test_a_retry_after_a_crash_between_command_and_answer_gets_the_answer(
    server_settings: Settings, tmp_path: Path,
) -> None:
    with psycopg.connect(server_settings.database_url, autocommit=True) as conn:
        lingering_over_answers(conn)
        server = serve(server_settings, tmp_path, "first")
        url = server.url("/t/acme/api/v1/accounts")
        first: list[httpx.Response | Exception] = []

        def sign_up() -> None:
            try:
                first.append(httpx.post(url, json=SIGN_UP, headers=KEY, timeout=180))
            except httpx.HTTPError as error:
                first.append(error)

        client = threading.Thread(target=sign_up)
        client.start()
        lingering = wait_for_lingering_insert(conn)
        # The command's events are written, its answer is on its way: the host dies.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait_for_exit(10)
        conn.execute("SELECT pg_terminate_backend(%s)", (lingering,))
        client.join(30)
        assert len(first) == 1
        assert isinstance(first[0], httpx.HTTPError)  # the client heard nothing
        conn.execute(sql.SQL("DROP TRIGGER linger ON {}.events").format(sql.Identifier(SCHEMA)))

        server = serve(server_settings, tmp_path, "restarted", port=server.port)
        try:
            retried = httpx.post(url, json=SIGN_UP, headers=KEY, timeout=60)
            assert retried.status_code == 201, retried.text
            again = httpx.post(url, json=SIGN_UP, headers=KEY, timeout=60)
            assert again.status_code == 201, again.text
            assert again.headers["idempotent-replayed"] == "true"
            assert again.json() == retried.json()
            assert members_called(conn, "Member.SignedUp") == 1
        finally:
            server.stop()
