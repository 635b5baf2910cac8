"""`ithaca members create`: an operator bootstraps a tenant's first tenant admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from infra.bootstrap import bootstrap
from infra.cli import cli
from infra.container import Ithaca
from infra.settings import Settings
from services.accounts.application import Accounts
from services.accounts.domain import Role, SessionKind
from services.actor import Actor
from tests.environment import environment_of

SECRET = "the first admin's passphrase"  # noqa: S105 - a test fixture


@pytest.fixture
def platform(settings: Settings) -> Iterator[Ithaca]:
    ithaca = bootstrap(settings)
    ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme", actor=Actor(kind="cli", id="test"), default_locale="es",
    )
    try:
        yield ithaca
    finally:
        ithaca.close()


def ithaca_cli(settings: Settings, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=environment_of(settings), input=input,
                              catch_exceptions=False)


def accounts_of(ithaca: Ithaca) -> Accounts:
    ithaca.directory.refresh()
    return ithaca.tenant_application(ithaca.tenant("acme"), Accounts)


def test_the_operator_creates_acmes_first_tenant_admin(
    settings: Settings, platform: Ithaca
) -> None:
    result = ithaca_cli(
        settings, "members", "create", "--tenant", "acme", "--email", "Tess@Example.org",
        "--name", "Tess Admin", "--password-stdin", input=SECRET + "\n",
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "tenant_admin" in result.stdout
    assert SECRET not in result.stdout + result.stderr

    tess = accounts_of(platform).find_member_by_email("tess@example.org")
    assert tess is not None
    assert tess.roles == {Role.TENANT_ADMIN}
    assert tess.locale == "es"  # the tenant's default
    signed_in = accounts_of(platform).sign_in(
        email="tess@example.org", password=SECRET, kind=SessionKind.BEARER,
        actor=Actor(kind="visitor", id="anonymous"),
    )
    assert signed_in.member_id == tess.id


def test_the_password_can_be_typed_at_a_prompt_with_several_roles(
    settings: Settings, platform: Ithaca
) -> None:
    result = ithaca_cli(
        settings, "members", "create", "--tenant", "acme", "--email", "pat@example.org",
        "--name", "Pat", "--role", "programme_admin", "--role", "mentor", "--locale", "fr",
        input=f"{SECRET}\n{SECRET}\n",
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert SECRET not in result.stdout + result.stderr
    pat = accounts_of(platform).find_member_by_email("pat@example.org")
    assert pat is not None
    assert pat.roles == {Role.PROGRAMME_ADMIN, Role.MENTOR}
    assert pat.locale == "fr"


@pytest.mark.parametrize(("args", "password", "problem"), [
    (("--tenant", "nowhere"), SECRET, "slug:"),
    (("--tenant", "acme", "--email", "not-an-address"), SECRET, "email:"),
    (("--tenant", "acme"), "short", "password:"),
    (("--tenant", "acme", "--locale", "de"), SECRET, "locale:"),
])
def test_bad_input_is_refused_and_stores_nothing(
    settings: Settings, platform: Ithaca, args: tuple[str, ...], password: str, problem: str,
) -> None:
    base = {"--email": "tess@example.org", "--name": "Tess"}
    extra = [item for key, value in base.items() if key not in args for item in (key, value)]
    position = accounts_of(platform).position
    result = ithaca_cli(
        settings, "members", "create", *args, *extra, "--password-stdin", input=password + "\n"
    )
    assert result.exit_code == 2, result.stdout
    assert problem in result.stderr
    assert accounts_of(platform).position == position


def test_an_address_already_taken_is_refused(settings: Settings, platform: Ithaca) -> None:
    args = ("members", "create", "--tenant", "acme", "--email", "tess@example.org",
            "--name", "Tess", "--password-stdin")
    assert ithaca_cli(settings, *args, input=SECRET + "\n").exit_code == 0
    again = ithaca_cli(settings, *args, input=SECRET + "\n")
    assert again.exit_code == 2
    assert "email:" in again.stderr
