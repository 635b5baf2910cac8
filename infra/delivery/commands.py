"""`ithaca notifications status`: what is queued, sent and failed, per tenant and channel."""

from __future__ import annotations

import click
import msgspec
from rich.table import Table

from infra.console import CommandRuntime, print_table
from infra.delivery.status import NotificationCounts, notification_counts

__all__ = ["notifications"]


@click.group()
def notifications() -> None:
    """Notifications, reminders and expiries: what the platform has told whom."""


@notifications.command("status")
@click.option("--tenant", "slug", help="Only this tenant.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def status(runtime: CommandRuntime, slug: str | None, as_json: bool) -> None:
    """Per tenant: work queued (pending), done, dropped and failed; deliveries per channel and
    outcome (sent, failed, refused, held for a digest, off by preference...)."""
    ithaca = runtime.ithaca
    tenants = [ithaca.tenant(slug)] if slug else ithaca.directory.all()
    counts: list[NotificationCounts] = [notification_counts(ithaca, t) for t in tenants]
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(counts), indent=2).decode())
        return
    table = Table("tenant", "what", "state", "count", box=None, pad_edge=False)
    for tenant_counts in counts:
        for state, count in sorted(tenant_counts.work.items()):
            table.add_row(tenant_counts.tenant, "work", state, str(count))
        for channel, outcomes in sorted(tenant_counts.deliveries.items()):
            for outcome, count in sorted(outcomes.items()):
                table.add_row(tenant_counts.tenant, channel, outcome, str(count))
    print_table(table)
