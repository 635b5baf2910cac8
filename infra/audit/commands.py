"""`ithaca audit ...`: what an auditor (or an operator on their behalf) runs.

Each command lives beside the part it drives and is added to the group here.
"""

from __future__ import annotations

import click

from infra.audit.export_commands import export, verify
from projections.replay.commands import replay as replay_command
from projections.replay.commands import replays as replays_command
from services.privacy.commands import verify_certificate_command

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """Export and verify a tenant's history; check the live store; replay it as of a moment."""


# Commands are added below, one line each: audit.add_command(<command>)
audit.add_command(export)
audit.add_command(verify)
audit.add_command(replay_command)
audit.add_command(replays_command)
audit.add_command(verify_certificate_command)
