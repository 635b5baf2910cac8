"""`ithaca audit export` and `ithaca audit verify`: write a tenant's signed export; check an
export offline, or the live store's hash chain and checkpoints.

`verify FILE` never composes the platform (no database, no signing secret): the runtime builds
`Ithaca` only when a command asks for `.ithaca`, and this one does not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import click
from rich.console import Console

from infra.audit.export import (
    ExportProgress,
    ExportRange,
    export_lines,
    export_range,
    tenant_stream,
)
from infra.audit.verify import verify_export
from infra.console import CommandRuntime, progress_bar
from infra.container import Ithaca
from infra.eventstore.chain_check import StreamCheck, check_stream

__all__ = ["export", "verify"]

BAD = 1
"""Exit status of a verification that failed (refused input stays 2, as everywhere)."""


@click.command("export")
@click.option("--tenant", "slug", required=True, help="The tenant whose stream is exported.")
@click.option("--from-position", type=int, help="First position exported (default: 1).")
@click.option("--to-position", type=int,
              help="Last position exported (default: the stream's head when the export starts).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@click.pass_obj
def export(runtime: CommandRuntime, slug: str, from_position: int | None, to_position: int | None,
           output: Path | None) -> None:
    """Write a tenant's events as hash-chained JSON Lines closed by a signed manifest; check it
    anywhere with `ithaca audit verify FILE`."""
    ithaca = runtime.ithaca
    tenant = ithaca.tenant(slug)
    stream = tenant_stream(ithaca, tenant)
    span = export_range(stream, from_position, to_position)
    key = ithaca.signing_keys.for_tenant(tenant.id)
    if output is None:
        _write(export_lines(stream, tenant, key, span, exported_by=str(runtime.actor)),
               sys.stdout.buffer)
    else:
        # Written aside and moved into place: a failed export leaves no file that looks whole.
        draft = output.with_name(f".{output.name}.{os.getpid()}.partial")
        bar = _ExportBar(span)
        try:
            with draft.open("wb") as file:
                _write(export_lines(stream, tenant, key, span, exported_by=str(runtime.actor),
                                    on_progress=bar), file)
            draft.replace(output)
        finally:
            bar.close()
            draft.unlink(missing_ok=True)
    # The report goes where it cannot mix with the export.
    to_stderr = output is None
    destination = output or "standard output"
    click.echo(f"exported positions {span.from_position}-{span.to_position} of {tenant.slug} "
               f"to {destination}, signed with key {key.public.key_id}", err=to_stderr)
    click.echo(f"check it with: ithaca audit verify {output or 'FILE'} "
               f"--public-key {key.public.base64}", err=to_stderr)


class _ExportBar:
    """A rich progress bar with an ETA on stderr, started at the first batch."""

    def __init__(self, span: ExportRange) -> None:
        self.first = span.from_position
        total = max(span.to_position - span.from_position + 1, 1)
        self.progress = progress_bar("positions")
        self.task = self.progress.add_task("export", total=total)

    def __call__(self, step: ExportProgress) -> None:
        if not self.progress.live.is_started:
            self.progress.start()
        self.progress.update(self.task, completed=step.position - self.first + 1)

    def close(self) -> None:
        if self.progress.live.is_started:
            self.progress.stop()


def _write(chunks: Iterable[bytes], file: IO[bytes]) -> None:
    for chunk in chunks:
        file.write(chunk)
    file.flush()


@click.command("verify")
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", help="The tenant's public key (base64), obtained independently, "
              "e.g. from GET /api/v1/audit/public-key: the export must be signed with it.")
@click.option("--tenant", "slug", help="Check this tenant's live store instead of a file.")
@click.pass_obj
def verify(runtime: CommandRuntime, file: Path | None, public_key: str | None,
           slug: str | None) -> None:
    """Check an export FILE offline (its hash chain and signed manifest; no database needed),
    or, with --tenant SLUG, the live store's hash chain and signed checkpoints. Exits 0 when
    it holds, 1 when it does not."""
    if (file is None) == (slug is None):
        raise click.UsageError("give an export FILE or --tenant SLUG (one of them)")
    if slug is not None:
        if public_key is not None:
            raise click.UsageError("--public-key goes with a FILE; --tenant uses the tenant's key")
        _verify_live_store(runtime.ithaca, slug)
        return
    assert file is not None
    try:
        verdict = verify_export(file, public_key)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--public-key") from error
    if not verdict.ok:
        click.echo(f"NOT VERIFIED: {file}: {verdict.problem}")
        raise click.exceptions.Exit(BAD)
    manifest = verdict.manifest
    assert manifest is not None
    click.echo(f"verified: {file}: {verdict.events} events, positions {manifest.from_position}-"
               f"{manifest.to_position} of tenant {manifest.tenant} ({manifest.tenant_id}), "
               f"exported {manifest.exported_at} by {manifest.exported_by}")
    click.echo(f"the hash chain holds up to its head {manifest.head}, signed by key "
               f"{manifest.key_id} ({manifest.algorithm})")
    if not verdict.key_given:
        click.echo("note: the signature was checked against the public key inside the file, "
                   "which proves the file is intact, not who signed it. To be sure it is the "
                   "tenant's, fetch the tenant's key from GET /api/v1/audit/public-key (on the "
                   "tenant's address) and run again with --public-key.")
    live = manifest.live_store_check
    if not live.ok:
        click.echo(f"warning: when exported, the live store's own check failed: {live.problem}")


def _verify_live_store(ithaca: Ithaca, slug: str) -> None:
    tenant = ithaca.tenant(slug)
    stream = tenant_stream(ithaca, tenant)
    with Console(stderr=True).status(f"checking the live store of {tenant.slug}"):
        check = check_stream(stream, ithaca.signing_keys.for_tenant(tenant.id).public)
    for line in describe_check(check):
        click.echo(line)
    if not check.ok:
        raise click.exceptions.Exit(BAD)


def describe_check(check: StreamCheck) -> list[str]:
    """The live store check in a few lines of English."""
    verdict = "ok" if check.ok else f"NOT OK: {check.problem}"
    unsealed = check.head - check.sealed_through
    lines = [
        f"live store: {verdict}",
        f"events checked: {check.events_checked} (head {check.head}); sealed through position "
        f"{check.sealed_through}" + (f", {unsealed} newer not sealed yet" if unsealed else ""),
    ]
    if check.last_checkpoint_position is None:
        lines.append(f"checkpoints checked: {check.checkpoints_checked} (none written yet)")
    else:
        lines.append(f"checkpoints checked: {check.checkpoints_checked}, the last at position "
                     f"{check.last_checkpoint_position}, signed {check.last_checkpoint_at}")
    return lines
