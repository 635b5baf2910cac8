"""`ithaca mail-sink`: a developer's SMTP server that prints (and saves) what it receives."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from tests.mail.fixtures import free_port

REPO = Path(__file__).resolve().parents[2]


def test_the_mail_sink_prints_and_saves_every_mail(tmp_path: Path) -> None:
    port = free_port()
    saved = tmp_path / "mail"
    env = {**os.environ, "ITHACA_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "",
           "ITHACA_LOG_LEVEL": "warning"}
    sink = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "infra", "mail-sink", "--host", "127.0.0.1", "--port", str(port),
         "--save-dir", str(saved)],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        assert sink.stderr is not None
        ready = sink.stderr.readline()  # printed once the server accepts connections
        assert f"listening on 127.0.0.1:{port}" in ready, ready

        message = EmailMessage()
        message["From"], message["To"] = "noreply@ithaca.localhost", "ana@example.org"
        message["Subject"] = "Hola, Zoé"  # encoded in the mail: printed as words
        message.set_content("Bienvenida, Ana. ¿Qué tal?")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    finally:
        sink.send_signal(signal.SIGINT)
        out, err = sink.communicate(timeout=15)
    assert sink.returncode == 0, err
    assert "to ana@example.org" in out
    assert "Subject: Hola, Zoé" in out
    assert "Bienvenida, Ana. ¿Qué tal?" in out
    [eml] = saved.glob("*.eml")
    assert b"Bienvenida, Ana." in eml.read_bytes()
