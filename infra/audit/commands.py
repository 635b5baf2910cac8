"""`ithaca audit ...`: what an auditor (or an operator on their behalf) runs.

The group is the audit feature's; the export and its check are its own commands. Other features
add theirs to it in their declarations (`Command(..., under="audit")`): the replays, the
erasure certificates.
"""

from __future__ import annotations

import click

from infra.audit.export_commands import export, verify

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """Export and verify a tenant's history; check the live store; replay it as of a moment."""


audit.add_command(export)
audit.add_command(verify)
