"""Fixtures shared by every test: a real PostgreSQL server and the two backends.

PostgreSQL comes from TEST_DATABASE_URL (CI and this machine point it at the local server), else
from a testcontainers container. When neither works the PostgreSQL tests fail; they never skip.
Each test gets a database of its own, created from scratch and dropped afterwards (both off the
test's path, by `FreshDatabases`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from infra.bootstrap import bootstrap
from infra.clock import SettableClock
from infra.container import Ithaca
from infra.settings import Settings
from services.actor import Actor
from tests.dns import DnsServer, quiet_resolver
from tests.rules import embedded_tenant
from tests.tenant_api import TenantApi
from tests.web import Served, serving

__all__ = ["embedded_tenant", "quiet_resolver"]

BACKENDS = ["sqlite", "postgres"]


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A URL of a PostgreSQL server the tests may create databases on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.OperationalError as error:
            pytest.fail(f"TEST_DATABASE_URL={url} is unreachable: {error}")
        yield url
        return
    try:
        # Imported only when needed: it pulls in the Docker client.
        from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

        container = PostgresContainer("postgres:16-alpine", driver=None)
        container.start()
    except Exception as error:  # any failure here means "no PostgreSQL"
        pytest.fail(f"no TEST_DATABASE_URL and testcontainers could not start PostgreSQL: {error}")
    try:
        yield container.get_connection_url()
    finally:
        container.stop()


class FreshDatabases:
    """Empty databases for the tests of one process, created one ahead of need and dropped after
    use, each by a thread of its own, so that no test waits for a CREATE or a DROP DATABASE (each
    takes from a tenth of a second to seconds on a busy server)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._creator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="create-databases")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-databases")
        self._next = self._creator.submit(self._create)
        self._drops: list[Future[None]] = []

    def take(self) -> str:
        """The name of a new, empty database no other test has seen."""
        name = self._next.result()
        self._next = self._creator.submit(self._create)
        return name

    def discard(self, name: str) -> None:
        """Drops the database, ending whatever connections to it remain."""
        self._drops.append(self._dropper.submit(self._drop, name))

    def close(self) -> None:
        """Drops the database made ahead, and fails if any drop did."""
        self.discard(self._next.result())
        self._creator.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        for drop in self._drops:
            drop.result()

    def _create(self) -> str:
        name = f"ithaca_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def _drop(self, name: str) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def fresh_databases(postgres_server_url: str) -> Iterator[FreshDatabases]:
    databases = FreshDatabases(postgres_server_url)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def postgres_url(postgres_server_url: str, fresh_databases: FreshDatabases) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = fresh_databases.take()
    try:
        yield _with_database(postgres_server_url, name)
    finally:
        fresh_databases.discard(name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every behavioural test runs on the embedded default and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def settings(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, quiet_resolver: DnsServer,
) -> Settings:
    database_url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    return Settings.from_env(
        {},
        database_url=database_url,
        # Custom domains' proof is looked up on loopback only (tests that publish records
        # bring a DNS server of their own).
        dns_resolver=quiet_resolver.address,
        data_dir=str(tmp_path / "data"),
        pool_size=4,
        tenant_cache_seconds=0.0,
        # The test client's own host plays the platform's (its pages, API and metrics answer
        # only there); tenants are reached by /t/{slug} or their Host.
        platform_hosts="testserver.local",
        log_format="console",
        # Argon2 at production cost takes ~50 ms a hash; tests hash hundreds of passwords.
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
        # Tests drive the mailer themselves (`tests/mail`); no background sends to port 8025.
        mail_background=False,
        # Reads in API tests wait for their writes (`?after=`) on both backends: the app runs
        # the projection worker in-process, as the embedded default does.
        projections_in_process="on",
        projection_poll_seconds=1.0,
    )


@pytest.fixture
def ithaca_clock() -> SettableClock:
    """The test's one clock, given to every Ithaca the test bootstraps: the real time until the
    test sets it."""
    return SettableClock()


@pytest.fixture
def ithaca(settings: Settings, ithaca_clock: SettableClock) -> Iterator[Ithaca]:
    app = bootstrap(settings, ithaca_clock)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def operator_actor() -> Actor:
    return Actor(kind="operator", id="test-operator", correlation_id=str(uuid.uuid4()))


@pytest.fixture
def served_app(settings: Settings, ithaca_clock: SettableClock) -> Iterator[Served]:
    """The web app running in-process over the test's backend."""
    with serving(settings, clock=ithaca_clock) as running:
        yield running


@pytest.fixture
def acme(served_app: Served) -> TenantApi:
    """A provisioned tenant, Acme, driven through its JSON API."""
    served_app.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"),
        time_zone="Europe/Madrid",
    )
    return TenantApi(served_app, "acme")
