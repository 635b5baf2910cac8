"""`ithaca mail-sink`: an SMTP sink for development."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path

import click

from infra.console import CommandRuntime
from infra.mail.sink import MailSink, ReceivedMail

__all__ = ["mail_sink"]


@click.command("mail-sink")
@click.option("--host", help="Address to listen on [ITHACA_MAIL_HOST].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [ITHACA_MAIL_PORT].")
@click.option("--save-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also save every mail there as an .eml file.")
@click.pass_obj
def mail_sink(
    runtime: CommandRuntime, host: str | None, port: int | None, save_dir: Path | None
) -> None:
    """Serve an SMTP sink for development: print every mail it receives, send none on."""
    host = host or runtime.settings.mail_host
    port = port or runtime.settings.mail_port
    lock = threading.Lock()

    def show(mail: ReceivedMail) -> None:
        summary = mail.summary()
        with lock:
            click.echo(f"--- mail from {summary.sender} to {summary.to}")
            click.echo(f"Subject: {summary.subject}\n\n{summary.text}")
            if save_dir is not None:
                save_dir.mkdir(parents=True, exist_ok=True)
                name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
                (save_dir / name).write_bytes(mail.raw)

    # aiosmtpd logs every SMTP command at info; the mail itself is what a developer wants.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = MailSink(host, port, on_mail=show, keep=False).start()
    click.echo(f"mail sink listening on {host}:{port} (Ctrl-C stops it)", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
