"""`ithaca`: the command line of operators and developers.

Every command reads one `Settings` from the environment, composes the platform with
`bootstrap()` (only when it needs it, so `--help` works without a database) and acts as
`Actor(kind="cli", id=<OS user>)`. Errors that are part of Ithaca's contract print
`error: <field>: <problem>` on stderr and exit with status 2; nothing is stored.
"""

from __future__ import annotations

import getpass
import os
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
import msgspec
import psycopg
import structlog
from eventsourcing.persistence import PersistenceError
from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels
from psycopg_pool import PoolTimeout

from infra.bootstrap import bootstrap
from infra.clock import SettableClock
from infra.container import Ithaca
from infra.delivery.deliverer import open_deliverer
from infra.demo import (
    DEMO_BRANDING,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_SIGN_INS,
    DEMO_SLUG,
    add_demo_sample_data,
)
from infra.eventstore.streams import PLATFORM_STREAM
from infra.feature import Feature
from infra.features import FEATURES
from infra.logging import configure_logging, get_logger
from infra.scheduling.scheduler import Scheduler
from infra.settings import Settings, SettingsError, settings_help
from infra.shutdown import bounded_shutdown
from services.accounts.application import Accounts
from services.actor import Actor
from services.errors import IthacaError
from tenants.commands import tenant_urls

__all__ = ["cli", "main"]

USAGE_ERROR = 2
"""Exit status of refused input (an `IthacaError`), as click uses for bad options."""
UNAVAILABLE = 1
"""Exit status when a database cannot be reached."""

log = get_logger("ithaca.cli")


# Plumbing -------------------------------------------------------------------------------------


class _Runtime:
    """What one CLI invocation works with: its settings, its actor, and the platform once a
    command asks for it (closed when the command ends)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.actor = Actor(kind="cli", id=_os_user(), correlation_id=uuid.uuid4().hex)
        self._ithaca: Ithaca | None = None

    @property
    def ithaca(self) -> Ithaca:
        if self._ithaca is None:
            self._ithaca = bootstrap(self.settings)
        return self._ithaca

    def close(self) -> None:
        if self._ithaca is not None:
            self._ithaca.close()
            self._ithaca = None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return f"uid-{os.getuid()}"


def _fail(message: str, status: int) -> None:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(status)


@contextmanager
def _contract_errors() -> Iterator[None]:
    """Turns the errors a person can act on into one line on stderr and an exit status."""
    try:
        yield
    except IthacaError as error:
        where = f"{error.field}: " if error.field else ""
        _fail(f"{where}{error.problem}", USAGE_ERROR)
    except SettingsError as error:
        _fail(f"settings: {error}", USAGE_ERROR)
    except (PersistenceError, psycopg.Error, PoolTimeout) as error:
        _fail(f"database: {error}", UNAVAILABLE)


def _write_settings_help(formatter: click.HelpFormatter) -> None:
    """`settings_help()` under the command list, wrapped to the terminal's width (click would
    otherwise re-flow the variable lines into one paragraph)."""
    with formatter.section("Settings (environment variables)"):
        indent = " " * (formatter.current_indent + 4)
        for line in settings_help().splitlines():
            if line.startswith(" "):
                formatter.write(textwrap.fill(
                    line.strip(), width=max(formatter.width, 60),
                    initial_indent=indent, subsequent_indent=indent,
                ) + "\n")
            else:
                formatter.write_text(line)


class _IthacaGroup(click.Group):
    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _write_settings_help(formatter)
        super().format_epilog(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        with _contract_errors():
            return super().invoke(ctx)


pass_runtime = click.make_pass_decorator(_Runtime)


# The root -------------------------------------------------------------------------------------


@click.group(
    cls=_IthacaGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Ithaca: a white-label, multi-tenant business-mentoring platform.

    Every command reads its configuration from the environment variables listed below.
    """
    settings = Settings.from_env()  # a SettingsError is reported by the group's invoke
    if "ITHACA_LOG_FORMAT" not in os.environ and sys.stderr.isatty():
        settings = msgspec.structs.replace(settings, log_format="console")
    configure_logging(settings)
    runtime = _Runtime(settings)
    structlog.contextvars.bind_contextvars(
        actor=str(runtime.actor), correlation_id=runtime.actor.correlation_id
    )
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)
    ctx.call_on_close(lambda: structlog.contextvars.unbind_contextvars("actor", "correlation_id"))


def main(args: Sequence[str] | None = None) -> None:
    cli.main(args=args, prog_name="ithaca")


# serve ----------------------------------------------------------------------------------------


@cli.command()
@click.option("--host", help="Address to listen on [ITHACA_HOST].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on [ITHACA_PORT].")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes, each with its own pool [ITHACA_WORKERS].")
@click.option("--reload", is_flag=True,
              help="Restart when a source file changes (development).")
@pass_runtime
def serve(
    runtime: _Runtime, host: str | None, port: int | None, workers: int | None, reload: bool
) -> None:
    """Serve the web app with Granian (stopping within ITHACA_WORKERS_KILL_TIMEOUT + 5 s of
    SIGTERM or SIGINT)."""
    settings = Settings.from_env(host=host, port=port, workers=workers)
    settings = msgspec.structs.replace(settings, log_format=runtime.settings.log_format)
    # Workers build the app from `Settings.from_env()`: the flags travel through the environment
    # so that every worker process reads the same settings as this one.
    os.environ.update({
        "ITHACA_HOST": settings.host,
        "ITHACA_PORT": str(settings.port),
        "ITHACA_WORKERS": str(settings.workers),
        "ITHACA_LOG_FORMAT": settings.log_format,
    })
    log.info("serving", host=settings.host, port=settings.port, workers=settings.workers,
             backend="sqlite" if settings.embedded else "postgresql")
    # Worker processes inherit this context; their request lines are not the CLI's.
    structlog.contextvars.clear_contextvars()
    server = Granian(
        target="infra.app:create_app",
        factory=True,
        interface=Interfaces.ASGI,
        address=settings.host,
        port=settings.port,
        workers=settings.workers,
        workers_kill_timeout=settings.workers_kill_timeout,
        reload=reload,
        log_level=LogLevels(settings.log_level),
        # Granian's own lines go to the root logger, which renders them like ours.
        log_dictconfig={
            "formatters": {},
            "handlers": {},
            "loggers": {
                "_granian": {"handlers": [], "propagate": True},
                "granian.access": {"handlers": [], "propagate": True},
            },
        },
    )
    with bounded_shutdown(server, settings.workers_kill_timeout):
        server.serve()


# demo and migrate -----------------------------------------------------------------------------


@cli.command()
@pass_runtime
def demo(runtime: _Runtime) -> None:
    """Provision the demo tenant with its sample data (idempotent); print its URLs and
    sign-ins."""
    # The story is told in story time: this process's one clock is one the story can move.
    ithaca = bootstrap(runtime.settings, clock=SettableClock())
    try:
        _provision_demo(ithaca, runtime)
    finally:
        ithaca.close()
    site, api = tenant_urls(runtime.settings, DEMO_SLUG)
    click.echo(f"demo tenant '{DEMO_SLUG}' ({DEMO_NAME}) is ready:")
    click.echo(f"  {site}")
    click.echo(f"  {api}")
    click.echo(f"sign in with the password '{DEMO_PASSWORD}' as:")
    width = max(len(who) for who, _ in DEMO_SIGN_INS)
    for who, email in DEMO_SIGN_INS:
        click.echo(f"  {who:<{width}}  {email}")


def _provision_demo(ithaca: Ithaca, runtime: _Runtime) -> None:
    if ithaca.directory.by_slug(DEMO_SLUG) is None:
        ithaca.registry.provision_tenant(
            slug=DEMO_SLUG, display_name=DEMO_NAME, actor=runtime.actor,
            default_locale="en", time_zone="Europe/Madrid",
        )
    if ithaca.tenant(DEMO_SLUG).branding != DEMO_BRANDING:
        ithaca.registry.rebrand_tenant(DEMO_SLUG, DEMO_BRANDING, runtime.actor)
    started = time.monotonic()
    added = add_demo_sample_data(ithaca, ithaca.tenant(DEMO_SLUG), runtime.actor)
    log.info("demo_sample_data", added=added, seconds=round(time.monotonic() - started, 1))


@cli.command()
@pass_runtime
def migrate(runtime: _Runtime) -> None:
    """Create the platform stream and every tenant's stream tables, end every session whose
    token an older release kept in the log, and queue the actions older events ask for (an
    open request's expiry) (idempotent)."""
    ithaca = runtime.ithaca
    ithaca.platform_storage.create_stream(PLATFORM_STREAM)
    # Actions older events ask for (an open request's expiry) that an earlier release never
    # queued: the scheduler carries them out when due, or at once if already overdue.
    scheduler = Scheduler(ithaca, open_deliverer)
    unplaced = []
    records = ithaca.directory.all()
    for record in records:
        storage = ithaca.locations.get(record.location)
        if storage is None:
            unplaced.append(f"{record.slug} (on '{record.location}')")
            continue
        storage.create_stream(record.stream_name)
        accounts = ithaca.tenant_application(record, Accounts)
        if revoked := accounts.end_sessions_exposed_in_kept_answers(runtime.actor):
            log.warning("sessions_revoked", tenant=record.slug, sessions=revoked,
                        reason="their tokens were kept in idempotency answers")
        scheduler.backfill(record)
    log.info("migrated", tenants=len(records) - len(unplaced), unplaced=len(unplaced))
    click.echo(f"platform stream ready; {len(records) - len(unplaced)} tenant streams ready")
    if unplaced:
        raise IthacaError(
            "no database location configured for %(tenants)s; add it to "
            "ITHACA_EXTRA_DATABASES",
            field="location", values={"tenants": ", ".join(unplaced)},
        )




def _add_feature_commands(root: click.Group, features: Sequence[Feature]) -> None:
    """Every feature's commands: first those at the root (groups among them), then those that
    join a group another feature declares (`ithaca audit replay`)."""
    declared = [command for feature in features for command in feature.commands]
    for command in declared:
        if command.under is None:
            root.add_command(command.command)
    for command in declared:
        if command.under is not None:
            group = root.commands.get(command.under)
            if not isinstance(group, click.Group):
                msg = f"command {command.command.name!r} joins no group {command.under!r}"
                raise RuntimeError(msg)
            group.add_command(command.command)


_add_feature_commands(cli, FEATURES)


if __name__ == "__main__":
    main()
