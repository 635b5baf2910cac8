"""What the `ithaca` commands show people, one way each: progress bars with an ETA on stderr
(so stdout stays for data), and tables that never truncate a cell when piped.

`CommandRuntime` is what a command module receives as click's `obj` (`infra.cli` builds it):
command modules outside `infra.cli` type against it instead of importing the CLI.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol

import click
import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:
    from infra.container import Ithaca
    from infra.settings import Settings
    from services.actor import Actor

__all__ = ["CommandRuntime", "echo_json", "print_table", "progress_bar"]


class CommandRuntime(Protocol):
    settings: Settings
    actor: Actor

    @property
    def ithaca(self) -> Ithaca:
        """The platform, composed on first use (so commands that need no database work
        without one)."""


def progress_bar(unit: str) -> Progress:
    """A bar per task: description, bar, done/total `unit`, elapsed and ETA, on stderr."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def print_table(table: Table) -> None:
    # Piped output is for grep and scripts: never truncate a cell to fit 80 columns.
    Console(width=None if sys.stdout.isatty() else 10_000).print(table)


def echo_json(value: object) -> None:
    """A value as indented JSON on stdout."""
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())
