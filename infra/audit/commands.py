"""`ithaca audit ...`: what an auditor (or an operator on their behalf) runs.

Each command lives beside the part it drives and is added to the group here.
"""

from __future__ import annotations

import click

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """Export and verify a tenant's history; check the live store; replay it as of a moment."""


# Commands are added below, one line each: audit.add_command(<command>)
