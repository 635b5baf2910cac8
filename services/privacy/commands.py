"""`ithaca audit verify-certificate FILE [--public-key B64]`: checks an erasure certificate
offline, with no database, as a member or an auditor would."""

from __future__ import annotations

from pathlib import Path

import click

from services.errors import IthacaError
from services.privacy.certificates import parse_public_key, verify_certificate

__all__ = ["verify_certificate_command"]


@click.command("verify-certificate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", "public_key", default=None, metavar="B64",
              help="The tenant's public key (GET /api/v1/audit/public-key); without it, only "
                   "the document's integrity is checked, against the key it carries.")
def verify_certificate_command(file: Path, public_key: str | None) -> None:
    """Check that an erasure certificate is intact and signed by the tenant's key."""
    try:
        trusted = parse_public_key(public_key) if public_key is not None else None
    except IthacaError as error:
        click.echo(f"error: {error.field}: {error.problem}", err=True)
        raise SystemExit(2) from error
    result = verify_certificate(file.read_bytes(), trusted)
    if not result.valid:
        click.echo(f"INVALID: {result.problem}", err=True)
        raise SystemExit(1)
    if result.against_trusted_key:
        click.echo("valid: intact, and signed by the given public key")
    else:
        click.echo("valid: intact (signed by the key it carries; give --public-key to check "
                   "that it is the tenant's)")
