"""`ithaca`: the command line of operators and developers.

Every command reads one `Settings` from the environment, composes the platform with
`bootstrap()` (only when it needs it, so `--help` works without a database) and acts as
`Actor(kind="cli", id=<OS user>)`. Errors that are part of Ithaca's contract print
`error: <field>: <problem>` on stderr and exit with status 2; nothing is stored.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
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
from rich.table import Table

from infra.audit.commands import audit as audit_commands
from infra.bootstrap import Ithaca, bootstrap
from infra.clock import SettableClock
from infra.console import print_table
from infra.demo import (
    DEMO_BRANDING,
    DEMO_NAME,
    DEMO_PASSWORD,
    DEMO_SIGN_INS,
    DEMO_SLUG,
    add_demo_sample_data,
)
from infra.eventstore.streams import PLATFORM_STREAM
from infra.logging import configure_logging, get_logger
from infra.mail.sink import MailSink, text_of
from infra.settings import Settings, SettingsError, settings_help
from infra.shutdown import bounded_shutdown
from projections.commands import projections as projections_commands
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import IthacaError

__all__ = ["cli", "main"]

_REASON_HELP = "Why (optional); recorded in the platform stream for the tenant's auditors."

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


def _echo_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def _tenant_urls(settings: Settings, slug: str) -> tuple[str, str]:
    """The tenant's own host and the path-prefixed API on the server's address."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    port = "" if settings.port == 80 else f":{settings.port}"
    return (
        f"http://{slug}.{settings.base_domain}{port}/",
        f"http://{host}{port}/t/{slug}/api/v1/tenant",
    )


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
        target="infra.web.app:create_app",
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


# tenants --------------------------------------------------------------------------------------


@cli.group()
def tenants() -> None:
    """Provision, list, rebrand, suspend and reinstate tenants."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", "display_name", required=True, help="Display name of the programme.")
@click.option("--locale", default="en", show_default=True, help="Default interface locale.")
@click.option("--time-zone", default="UTC", show_default=True, help="IANA time zone.")
@click.option("--location", default="main", show_default=True,
              help="Database location the tenant's stream lives in.")
@pass_runtime
def tenants_create(
    runtime: _Runtime, slug: str, display_name: str, locale: str, time_zone: str, location: str
) -> None:
    """Provision a tenant with its own event stream."""
    runtime.ithaca.registry.provision_tenant(
        slug=slug, display_name=display_name, actor=runtime.actor,
        default_locale=locale, time_zone=time_zone, location=location,
    )
    site, _ = _tenant_urls(runtime.settings, slug)
    click.echo(f"provisioned {slug} ({display_name.strip()}) on {location}: {site}")


@tenants.command("list")
@pass_runtime
def tenants_list(runtime: _Runtime) -> None:
    """Show every tenant as a table."""
    table = Table("slug", "name", "locale", "zone", "location", "domains", "status",
                  box=None, pad_edge=False)
    for record in runtime.ithaca.directory.all():
        table.add_row(
            record.slug, record.display_name, record.default_locale, record.time_zone,
            record.location, ", ".join(record.domains) or "-",
            f"suspended: {record.suspension_reason}" if record.suspended else "active",
        )
    print_table(table)


@tenants.command("show")
@click.argument("slug")
@pass_runtime
def tenants_show(runtime: _Runtime, slug: str) -> None:
    """Print one tenant as JSON."""
    record = runtime.ithaca.tenant(slug)
    site, api = _tenant_urls(runtime.settings, slug)
    _echo_json({**msgspec.to_builtins(record), "stream": record.stream_name,
                "urls": {"site": site, "api": api}})


@tenants.command("rebrand")
@click.argument("slug")
@click.option("--product-name", help="Name shown in the tenant's pages.")
@click.option("--logo-url", help="https:// URL or site path of the logo.")
@click.option("--primary-colour", help="Like #1f4e79.")
@click.option("--accent-colour", help="Like #f2a900.")
@click.option("--support-email", help="Where members write for help.")
@click.option("--reason", default="", help=_REASON_HELP)
@pass_runtime
def tenants_rebrand(
    runtime: _Runtime, slug: str, product_name: str | None, logo_url: str | None,
    primary_colour: str | None, accent_colour: str | None, support_email: str | None,
    reason: str,
) -> None:
    """Change a tenant's branding; options not given keep their value."""
    changes = {
        "product_name": product_name, "logo_url": logo_url, "primary_colour": primary_colour,
        "accent_colour": accent_colour, "support_email": support_email,
    }
    branding = msgspec.structs.replace(
        runtime.ithaca.tenant(slug).branding,
        **{field: value for field, value in changes.items() if value is not None},
    )
    runtime.ithaca.registry.rebrand_tenant(slug, branding, runtime.actor, reason)
    _echo_json(runtime.ithaca.tenant(slug).branding)


@tenants.command("attach-domain")
@click.argument("slug")
@click.argument("domain")
@click.option("--reason", default="", help=_REASON_HELP)
@click.option("--skip-proof", is_flag=True, help=(
    "Attach at once, without the DNS proof of control; needs --reason, recorded in the "
    "platform stream for auditors."))
@pass_runtime
def tenants_attach_domain(
    runtime: _Runtime, slug: str, domain: str, reason: str, skip_proof: bool
) -> None:
    """Claim a custom DOMAIN for the tenant: it answers once proven (`verify-domain`)."""
    registry = runtime.ithaca.registry
    if skip_proof:
        registry.attach_domain_without_proof(slug, domain, runtime.actor, reason)
        click.echo(f"{domain} now serves {slug} (attached without proof)")
        return
    record = runtime.ithaca.tenant(registry.attach_domain(slug, domain, runtime.actor,
                                                          reason).slug)
    pending = next(claim for claim in record.pending_domains
                   if claim.domain == domain.strip().lower().rstrip("."))
    click.echo(f"{pending.domain} is claimed for {slug}; to prove control, publish the DNS "
               f"record\n\n    {pending.record}. TXT \"{pending.challenge}\"\n\nthen run "
               f"`ithaca tenants verify-domain {slug} {pending.domain}`")


@tenants.command("verify-domain")
@click.argument("slug")
@click.argument("domain")
@pass_runtime
def tenants_verify_domain(runtime: _Runtime, slug: str, domain: str) -> None:
    """Check the DNS proof of a claimed DOMAIN; once found, the domain serves the tenant."""
    runtime.ithaca.registry.verify_domain(slug, domain, runtime.actor)
    click.echo(f"{domain} now serves {slug}")


@tenants.command("detach-domain")
@click.argument("slug")
@click.argument("domain")
@click.option("--reason", default="", help=_REASON_HELP)
@pass_runtime
def tenants_detach_domain(runtime: _Runtime, slug: str, domain: str, reason: str) -> None:
    """Stop the tenant answering on DOMAIN (or withdraw its pending claim)."""
    runtime.ithaca.registry.detach_domain(slug, domain, runtime.actor, reason)
    click.echo(f"{domain} no longer serves {slug}")


@tenants.command("suspend")
@click.argument("slug")
@click.option("--reason", required=True, help="Why; recorded in the platform stream.")
@pass_runtime
def tenants_suspend(runtime: _Runtime, slug: str, reason: str) -> None:
    """Suspend a tenant: its members are refused until it is reinstated."""
    runtime.ithaca.registry.suspend_tenant(slug, reason, runtime.actor)
    click.echo(f"suspended {slug}")


@tenants.command("reinstate")
@click.argument("slug")
@click.option("--reason", required=True, help="Why; recorded in the platform stream.")
@pass_runtime
def tenants_reinstate(runtime: _Runtime, slug: str, reason: str) -> None:
    """Reinstate a suspended tenant."""
    runtime.ithaca.registry.reinstate_tenant(slug, reason, runtime.actor)
    click.echo(f"reinstated {slug}")


# operators ------------------------------------------------------------------------------------


@cli.group()
def operators() -> None:
    """Platform operators and their API tokens."""


@operators.command("add")
@click.argument("name")
@pass_runtime
def operators_add(runtime: _Runtime, name: str) -> None:
    """Add an operator (or issue a new token to one) and print the token once."""
    token = runtime.ithaca.registry.add_operator(name, runtime.actor)
    click.echo(f"token of operator {name} (shown once, stored only as a hash):", err=True)
    click.echo(token)


@operators.command("revoke")
@click.argument("name")
@pass_runtime
def operators_revoke(runtime: _Runtime, name: str) -> None:
    """Revoke an operator's token."""
    runtime.ithaca.registry.revoke_operator(name, runtime.actor)
    click.echo(f"revoked operator {name}")


# members --------------------------------------------------------------------------------------


@cli.group()
def members() -> None:
    """Members of a tenant (the first tenant admin; everyone else signs up or is invited)."""


@members.command("create")
@click.option("--tenant", "slug", required=True, help="Slug of the tenant.")
@click.option("--email", required=True, help="The member's e-mail address (they sign in with it).")
@click.option("--name", required=True, help="The member's name.")
@click.option("--role", "roles", multiple=True, default=[Role.TENANT_ADMIN.value],
              type=click.Choice([role.value for role in Role]), show_default=True,
              help="A role to grant; repeat for several.")
@click.option("--locale", help="Interface language [the tenant's default].")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (no prompt).")
@pass_runtime
def members_create(
    runtime: _Runtime, slug: str, email: str, name: str, roles: tuple[str, ...],
    locale: str | None, password_stdin: bool,
) -> None:
    """Create a member with any roles, e.g. a tenant's first tenant admin.

    The password is prompted for (twice) unless --password-stdin is given; it is never
    printed. A verification mail is queued for the address.
    """
    tenant = runtime.ithaca.tenant(slug)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts = runtime.ithaca.tenant_application(tenant, Accounts)
    member, _ = accounts.create_member(
        email=email, name=name, password=password, roles=[Role(role) for role in roles],
        locale=locale or tenant.default_locale, actor=runtime.actor,
    )
    click.echo(f"created member {member.id} in {slug} with roles {', '.join(sorted(roles))}")


# mail-sink ------------------------------------------------------------------------------------


@cli.command("mail-sink")
@click.option("--host", help="Address to listen on [ITHACA_MAIL_HOST].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [ITHACA_MAIL_PORT].")
@click.option("--save-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also save every mail there as an .eml file.")
@pass_runtime
def mail_sink(runtime: _Runtime, host: str | None, port: int | None, save_dir: Path | None) -> None:
    """Serve an SMTP sink for development: print every mail it receives, send none on."""
    host = host or runtime.settings.mail_host
    port = port or runtime.settings.mail_port
    lock = threading.Lock()

    def keep(message: EmailMessage) -> None:
        with lock:
            click.echo(f"--- mail from {message['From']} to {message['To']}")
            click.echo(f"Subject: {message['Subject']}\n\n{text_of(message)}")
            if save_dir is not None:
                save_dir.mkdir(parents=True, exist_ok=True)
                name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
                (save_dir / name).write_bytes(message.as_bytes())

    # aiosmtpd logs every SMTP command at info; the mail itself is what a developer wants.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = MailSink(host, port, on_message=keep).start()
    click.echo(f"mail sink listening on {host}:{port} (Ctrl-C stops it)", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()


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
    site, api = _tenant_urls(runtime.settings, DEMO_SLUG)
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
    """Create the platform stream and every tenant's stream tables, and end every session whose
    token an older release kept in the log (idempotent)."""
    ithaca = runtime.ithaca
    ithaca.platform_storage.create_stream(PLATFORM_STREAM)
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
    log.info("migrated", tenants=len(records) - len(unplaced), unplaced=len(unplaced))
    click.echo(f"platform stream ready; {len(records) - len(unplaced)} tenant streams ready")
    if unplaced:
        raise IthacaError(
            "no database location configured for %(tenants)s; add it to "
            "ITHACA_EXTRA_DATABASES",
            field="location", values={"tenants": ", ".join(unplaced)},
        )


cli.add_command(projections_commands)
cli.add_command(audit_commands)


if __name__ == "__main__":
    main()
