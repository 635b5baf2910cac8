"""`ithaca projections run | rebuild | status`: the projection worker and its operations."""

from __future__ import annotations

import gc
import signal
import threading
from typing import Any

import click
import msgspec
from rich.table import Table

from infra.console import CommandRuntime, print_table, progress_bar
from infra.container import Ithaca
from infra.delivery.deliverer import open_deliverer
from infra.scheduling.scheduler import Scheduler
from projections.engine import CatchUp
from projections.reading import open_read_model
from projections.rebuild import rebuild
from projections.status import statuses
from projections.worker import ProjectionWorker
from tenants.directory import TenantRecord

__all__ = ["projections", "relax_garbage_collector"]


def relax_garbage_collector() -> None:
    """A batch keeps tens of thousands of objects alive, which the default thresholds rescan
    again and again (measured: a third of a rebuild's time). Objects from start-up are frozen
    out of collection, and young collections run far less often."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


def _tenants(ithaca: Ithaca, slug: str | None) -> list[TenantRecord]:
    return [ithaca.tenant(slug)] if slug else ithaca.directory.all()


@click.group()
def projections() -> None:
    """Run the projection worker; rebuild read models; show where they stand."""


@projections.command("run")
@click.option("--threads", type=click.IntRange(1, 64),
              help="Tenants brought up to date at once [ITHACA_PROJECTION_THREADS].")
@click.pass_obj
def run(runtime: CommandRuntime, threads: int | None) -> None:
    """Serve every tenant's read models, and carry out the work that falls due (notifications,
    reminders, expiries), until stopped (SIGTERM or Ctrl-C)."""
    relax_garbage_collector()
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    scheduler = Scheduler(runtime.ithaca, open_deliverer)
    scheduler.start()
    try:
        ProjectionWorker(runtime.ithaca, threads=threads).run_until(stop)
    finally:
        scheduler.stop()


@projections.command("rebuild")
@click.argument("name")
@click.option("--tenant", "slug", help="Only this tenant (default: every tenant).")
@click.pass_obj
def rebuild_command(runtime: CommandRuntime, name: str, slug: str | None) -> None:
    """Rebuild a read model from the start of the stream into shadow tables, then swap them in;
    reads go on from the old tables meanwhile."""
    relax_garbage_collector()
    ithaca = runtime.ithaca
    try:
        projection = ithaca.projection_named(name)
    except LookupError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    with progress_bar("events") as progress:
        for tenant in _tenants(ithaca, slug):
            model = open_read_model(ithaca, tenant, projection)
            task = progress.add_task(f"{name} {tenant.slug}", total=model.store.head(model.stream))

            def advance(step: CatchUp, task: Any = task) -> None:
                progress.update(task, completed=step.position, total=max(step.head, 1))

            result = rebuild(ithaca, tenant, projection, on_batch=advance)
            progress.update(task, completed=result.head, total=max(result.head, 1))
    click.echo(f"rebuilt {name} for {len(_tenants(ithaca, slug))} tenant(s)")


@projections.command("status")
@click.option("--tenant", "slug", help="Only this tenant.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def status(runtime: CommandRuntime, slug: str | None, as_json: bool) -> None:
    """Each tenant's projections: position, lag in events and seconds, errors."""
    ithaca = runtime.ithaca
    found = statuses(ithaca, tenants=_tenants(ithaca, slug))
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(found), indent=2).decode())
        return
    table = Table("tenant", "projection", "position", "head", "lag events", "lag s", "version",
                  "error", box=None, pad_edge=False)
    for row in found:
        version = str(row.version) if row.version == row.code_version else \
            f"{row.version} (code {row.code_version}: rebuild due)"
        error = f"at {row.error_position}: {row.error}" if row.error else "-"
        table.add_row(row.tenant, row.projection, str(row.position), str(row.head),
                      str(row.lag_events), f"{row.lag_seconds:g}", version, error)
    print_table(table)
    if any(row.error for row in found):
        raise click.exceptions.Exit(1)


