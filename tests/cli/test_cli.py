"""The `ithaca` command line, driven as an operator would, on both backends.

The CLI reads its settings from the environment, so each test hands it the environment that
spells the `settings` fixture (every variable set, so the caller's own shell cannot leak in).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest
import structlog
from click.testing import CliRunner, Result

from infra.bootstrap import bootstrap
from infra.cli import cli
from infra.eventstore.streams import PLATFORM_STREAM
from infra.settings import Settings
from projections.audit_trail.platform import platform_actions
from tests.dns import DnsServer
from tests.environment import environment_of
from tests.servers import start_server

REPO = Path(__file__).resolve().parents[2]


class Operator:
    """Runs `ithaca` commands against one backend's databases."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = environment_of(settings)
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, list(args), env=self.env, catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    def show(self, slug: str) -> dict[str, object]:
        shown: dict[str, object] = json.loads(self.ok("tenants", "show", slug).stdout)
        return shown

    def slugs(self) -> list[str]:
        lines = self.ok("tenants", "list").stdout.splitlines()
        return [line.split()[0] for line in lines[1:] if line.strip()]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Each invocation configures logging onto the runner's captured stderr; put back what
    the rest of the suite had, so no later test logs into a closed stream."""
    structlog_config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**structlog_config)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def ithaca_cli(settings: Settings) -> Operator:
    return Operator(settings)


def test_an_operator_provisions_rebrands_suspends_and_reinstates_a_tenant(
    settings: Settings, dns_server: DnsServer,
) -> None:
    ithaca_cli = Operator(msgspec.structs.replace(settings, dns_resolver=dns_server.address))
    # Acme's programme is provisioned from the command line in Spanish, in Bogotá's time zone.
    created = ithaca_cli.ok(
        "tenants", "create", "acme", "--name", "Acme Mentoring", "--locale", "es",
        "--time-zone", "America/Bogota",
    )
    assert "acme.ithaca.localhost" in created.stdout
    listed = ithaca_cli.ok("tenants", "list").stdout
    assert listed.splitlines()[0].split() == [
        "slug", "name", "locale", "zone", "location", "domains", "status"
    ]
    assert "Acme Mentoring" in listed
    assert "America/Bogota" in listed
    acme = ithaca_cli.show("acme")
    assert (acme["display_name"], acme["default_locale"], acme["time_zone"]) == (
        "Acme Mentoring", "es", "America/Bogota"
    )
    assert acme["stream"] == "tenant_acme"

    # Its brand colour and support address change; the product name stays.
    ithaca_cli.ok(
        "tenants", "rebrand", "acme", "--primary-colour", "#123456",
        "--support-email", "help@acme.example", "--reason", "new corporate colours",
    )
    branding = ithaca_cli.show("acme")["branding"]
    assert branding == {
        "productName": "Acme Mentoring", "logoUrl": "", "primaryColour": "#123456",
        "accentColour": "#f2a900", "supportEmail": "help@acme.example",
    }

    # It claims a domain of its own, which serves it once the DNS proves Acme controls it.
    claimed = ithaca_cli.ok("tenants", "attach-domain", "acme", "Mentoring.Acme.Example").stdout
    pending: dict[str, str] = ithaca_cli.show("acme")["pending_domains"][0]  # type: ignore[index]
    assert f'_ithaca-challenge.mentoring.acme.example. TXT "{pending["challenge"]}"' in claimed
    assert ithaca_cli.show("acme")["domains"] == []
    unproven = ithaca_cli("tenants", "verify-domain", "acme", "mentoring.acme.example")
    assert unproven.exit_code == 2
    assert unproven.stderr.startswith("error: domain: no proof of control")
    dns_server.publish("_ithaca-challenge.mentoring.acme.example", pending["challenge"])
    ithaca_cli.ok("tenants", "verify-domain", "acme", "mentoring.acme.example")
    assert ithaca_cli.show("acme")["domains"] == ["mentoring.acme.example"]

    # Another is attached at once, which the operator may do only saying why.
    refused = ithaca_cli("tenants", "attach-domain", "acme", "mentors.acme.example",
                         "--skip-proof")
    assert (refused.exit_code, refused.stderr.startswith("error: reason: ")) == (2, True)
    ithaca_cli.ok("tenants", "attach-domain", "acme", "mentors.acme.example", "--skip-proof",
                  "--reason", "ticket 42: proven by phone")
    assert ithaca_cli.show("acme")["domains"] == ["mentoring.acme.example",
                                                  "mentors.acme.example"]

    # It is suspended for an unpaid invoice, and comes back.
    ithaca_cli.ok("tenants", "suspend", "acme", "--reason", "invoice unpaid")
    assert "suspended: invoice unpaid" in ithaca_cli.ok("tenants", "list").stdout
    assert ithaca_cli.show("acme")["suspended"] is True
    ithaca_cli.ok("tenants", "reinstate", "acme", "--reason", "paid")
    assert ithaca_cli.show("acme")["suspended"] is False
    ithaca_cli.ok("tenants", "detach-domain", "acme", "mentoring.acme.example",
                  "--reason", "domain sold")
    assert ithaca_cli.show("acme")["domains"] == ["mentors.acme.example"]

    # Each change is recorded for the tenant's auditors with the operator's reason.
    ithaca = bootstrap(ithaca_cli.settings)
    try:
        actions = platform_actions(ithaca.registry, ithaca.tenant("acme"))
    finally:
        ithaca.close()
    assert [(row["action"], row["actor_kind"], row["reason"]) for row in actions] == [
        ("Tenant.Provisioned", "cli", ""),
        ("Tenant.Rebranded", "cli", "new corporate colours"),
        ("Tenant.DomainChallengeIssued", "cli", ""),
        ("Tenant.DomainVerified", "cli", ""),
        ("Tenant.DomainAttached", "cli", "ticket 42: proven by phone"),
        ("Tenant.Suspended", "cli", "invoice unpaid"),
        ("Tenant.Reinstated", "cli", "paid"),
        ("Tenant.DomainDetached", "cli", "domain sold"),
    ]


def test_a_bad_slug_is_refused_naming_the_field_and_nothing_is_stored(
    ithaca_cli: Operator,
) -> None:
    result = ithaca_cli("tenants", "create", "Acme_Corp", "--name", "Acme")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: slug: ")
    assert "lowercase" in result.stderr
    assert ithaca_cli.slugs() == []


def test_a_duplicate_slug_is_refused(ithaca_cli: Operator) -> None:
    ithaca_cli.ok("tenants", "create", "acme", "--name", "Acme")
    result = ithaca_cli("tenants", "create", "acme", "--name", "Other Acme")
    assert result.exit_code == 2
    assert result.stderr == "error: slug: a tenant with slug 'acme' already exists\n"
    assert ithaca_cli.show("acme")["display_name"] == "Acme"


def test_a_bad_colour_and_an_unknown_tenant_are_refused(ithaca_cli: Operator) -> None:
    ithaca_cli.ok("tenants", "create", "acme", "--name", "Acme")
    refused = ithaca_cli("tenants", "rebrand", "acme", "--accent-colour", "orange")
    assert (refused.exit_code, refused.stderr.split(":")[:2]) == (2, ["error", " accentColour"])
    unknown = ithaca_cli("tenants", "show", "nobody")
    assert (unknown.exit_code, unknown.stderr) == (2, "error: slug: no tenant 'nobody'\n")


def test_adding_an_operator_prints_a_token_once(ithaca_cli: Operator) -> None:
    result = ithaca_cli.ok("operators", "add", "alice")
    token = result.stdout.strip()
    assert token.startswith("ith_")
    assert len(token) > 40
    assert "shown once" in result.stderr
    # A second `add` issues a new token; the old one is no longer the one on record.
    assert ithaca_cli.ok("operators", "add", "alice").stdout.strip() != token
    ithaca_cli.ok("operators", "revoke", "alice")
    missing = ithaca_cli("operators", "revoke", "bob")
    assert (missing.exit_code, missing.stderr) == (2, "error: name: no operator 'bob'\n")


def test_the_demo_tenant_is_provisioned_once(ithaca_cli: Operator) -> None:
    first = ithaca_cli.ok("demo")
    assert "http://demo.ithaca.localhost:" in first.stdout
    assert "/t/demo/api/v1/tenant" in first.stdout
    version = ithaca_cli.show("demo")["version"]
    second = ithaca_cli.ok("demo")
    assert second.stdout == first.stdout
    demo = ithaca_cli.show("demo")
    assert demo["version"] == version
    assert demo["display_name"] == "Ithaca Demo Programme"
    assert ithaca_cli.slugs() == ["demo"]


def test_migrate_creates_missing_streams_and_can_run_again(
    ithaca_cli: Operator, settings: Settings
) -> None:
    ithaca_cli.ok("tenants", "create", "acme", "--name", "Acme")
    ithaca_cli.ok("tenants", "create", "globex", "--name", "Globex")
    # Globex's stream is lost (a restored backup of the catalogue, a dropped schema).
    ithaca = bootstrap(settings)
    try:
        ithaca.locations["main"].drop_stream("tenant_globex")
    finally:
        ithaca.close()

    assert "2 tenant streams ready" in ithaca_cli.ok("migrate").stdout
    assert "2 tenant streams ready" in ithaca_cli.ok("migrate").stdout

    ithaca = bootstrap(settings)
    try:
        assert ithaca.platform_storage.stream_exists(PLATFORM_STREAM)
        for slug in ("acme", "globex"):
            assert ithaca.locations["main"].stream_exists(ithaca.tenant(slug).stream_name)
    finally:
        ithaca.close()


def test_help_lists_the_commands_and_every_setting(ithaca_cli: Operator) -> None:
    shown = ithaca_cli.ok("--help").stdout
    for command in ("serve", "tenants", "operators", "demo", "migrate"):
        assert command in shown
    for variable in Settings.ENVIRONMENT.values():
        assert variable in shown
    assert "ITHACA_POOL_SIZE [10]" in shown
    assert "DATABASE_URL [(empty)]" in shown


def test_a_bad_setting_names_its_variable() -> None:
    result = CliRunner().invoke(cli, ["tenants", "list"], env={"ITHACA_POOL_SIZE": "many"})
    assert result.exit_code == 2
    assert "ITHACA_POOL_SIZE" in result.stderr


# A real server ------------------------------------------------------------------------------


def test_serve_answers_healthz_from_a_granian_process(tmp_path: Path) -> None:
    environment = {**os.environ, "DATABASE_URL": "", "ITHACA_DATA_DIR": str(tmp_path / "data"),
                   "ITHACA_LOG_FORMAT": "json"}
    server = start_server(environment, tmp_path / "serve.log")
    try:
        server.wait_until_ready()
        assert httpx.get(server.url("/healthz"), timeout=5).status_code == 200
    finally:
        server.stop()
