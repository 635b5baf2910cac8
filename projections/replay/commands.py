"""`ithaca audit replay | replays`: build a tenant's read models as of a moment, list and drop
its replays."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from infra.console import CommandRuntime, print_table, progress_bar
from infra.settings import Settings
from projections.commands import relax_garbage_collector
from projections.replay.engine import (
    build_replay,
    drop_replay,
    drop_replays,
    list_replays,
    parse_moment,
    replay_places,
    resolve,
    stream_head,
)
from services.errors import InvalidInputError

__all__ = ["replay", "replays"]


def _browse(settings: Settings, slug: str, position: int) -> list[str]:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    base = f"http://{host}:{settings.port}/t/{slug}"
    return [f"page: {base}/audit/replay?at={position}",
            f"API:  {base}/api/v1/audit/replays/{position} (/members, /dashboard, "
            "/relationships, /matches/<memberId>)"]


@click.command("replay")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--as-of", "as_of", help="A time, ISO 8601 (2026-06-30T00:00Z); UTC if no offset.")
@click.option("--position", type=int, help="A stream position.")
@click.pass_obj
def replay(runtime: CommandRuntime, slug: str, as_of: str | None, position: int | None) -> None:
    """Rebuild a tenant's read models as they were at a moment, apart from the live ones."""
    if (as_of is None) == (position is None):
        raise InvalidInputError("give exactly one of --as-of and --position", field="as-of")
    relax_garbage_collector()
    ithaca = runtime.ithaca
    tenant = ithaca.tenant(slug)
    if position is not None:
        target = resolve(ithaca, tenant, position=position, field_name="position")
    else:
        assert as_of is not None
        target = resolve(ithaca, tenant, as_of=parse_moment(as_of, "as-of"), field_name="as-of")
    existed = replay_places(ithaca, tenant).exists(target)
    with progress_bar("positions") as progress:
        task = progress.add_task(f"replay {slug} at {target}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=max(total, 1))

        info = build_replay(ithaca, tenant, target, on_progress=advance)
    moment = info.as_of.isoformat() if info.as_of else "-"
    click.echo(f"{'already there' if existed else 'replayed'}: {slug} at position {target} "
               f"(as of {moment}), {info.events:,} events in {info.seconds:g} s")
    click.echo(f"in {replay_places(ithaca, tenant).describe(target)}")
    for line in _browse(runtime.settings, slug, target):
        click.echo(line)


@click.command("replays")
@click.option("--tenant", "slug", required=True, help="The tenant's slug.")
@click.option("--drop", "drop", type=int, metavar="POSITION", help="Drop the replay at it.")
@click.option("--drop-all", is_flag=True, help="Drop every replay of the tenant.")
@click.pass_obj
def replays(runtime: CommandRuntime, slug: str, drop: int | None, drop_all: bool) -> None:
    """List a tenant's replays (position, as-of time, when built, size), or drop them."""
    ithaca = runtime.ithaca
    tenant = ithaca.tenant(slug)
    if drop_all:
        click.echo(f"dropped {drop_replays(ithaca, tenant)} replay(s) of {slug}")
        return
    if drop is not None:
        if not drop_replay(ithaca, tenant, drop):
            raise InvalidInputError("no replay of %(slug)s at position %(drop)s", field="drop",
                                    values={"slug": slug, "drop": drop})
        click.echo(f"dropped the replay of {slug} at position {drop}")
        return
    table = Table("position", "as of", "built at", "events", "seconds", "size", box=None,
                  pad_edge=False)
    for placed in list_replays(ithaca, tenant):
        info = placed.info
        table.add_row(str(info.position), _time(info.as_of), _time(info.built_at),
                      f"{info.events:,}", f"{info.seconds:g}", _size(placed.size_bytes))
    print_table(table)
    click.echo(f"stream head: {stream_head(ithaca, tenant)}")


def _time(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"
