"""`ithaca audit ...`: what an auditor (or an operator on their behalf) runs.

Each command lives beside the part it drives and is added to the group here.
"""

from __future__ import annotations

import click

from infra.audit.export_commands import export, verify

__all__ = ["audit"]


@click.group()
def audit() -> None:


# Commands are added below, one line each: audit.add_command(<command>)
audit.add_command(export)
audit.add_command(verify)
