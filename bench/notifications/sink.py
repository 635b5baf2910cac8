"""The real SMTP sink, `ithaca mail-sink`, in a process of its own, and what it received.

A process of its own, because in-process its thread would share the interpreter lock with the
scheduler (and with the raw sender of the baseline), and reading each mail costs it CPU too:
both rates would then measure the contention. The sink prints
every mail; a thread here reads that output as it comes, counts the mails and notes when each
reminder's line `bench-due: <instant>` arrived (the sink's process writes unbuffered).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from bench.notifications.reminders import due_in_line

__all__ = ["SinkProcess", "free_port"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SinkProcess:
    def __init__(self, log_path: Path) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self._log_path = log_path
        self._lock = threading.Lock()
        self._received = 0
        self._lateness: list[float] = []
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def received(self) -> int:
        """Mails received so far."""
        with self._lock:
            return self._received

    def take_lateness(self) -> list[float]:
        """Seconds from each reminder's due instant to its arrival, since the last call."""
        with self._lock:
            taken, self._lateness = self._lateness, []
            return taken

    def memory_mib(self) -> float:
        """The sink's resident memory (it keeps no mail: it prints each one)."""
        assert self._process is not None
        status = Path(f"/proc/{self._process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    def __enter__(self) -> SinkProcess:
        ithaca = Path(sys.executable).with_name("ithaca")
        with self._log_path.open("w") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own CLI
                [str(ithaca), "mail-sink", "--host", self.host, "--port", str(self.port)],
                stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self._reader = threading.Thread(target=self._read, name="sink-reader", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self._stop()
                    raise RuntimeError(f"the sink did not start: see {self._log_path}") from None
                time.sleep(0.1)

    def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith("--- mail from"):
                with self._lock:
                    self._received += 1
            elif (due := due_in_line(line)) is not None:
                arrived = time.time()
                with self._lock:
                    self._lateness.append(arrived - due.timestamp())

    def wait_for(self, count: int, stalled_after: float) -> bool:
        """Waits until `count` mails have arrived in all; False when none came for
        `stalled_after` seconds before that."""
        last, last_change = self.received, time.monotonic()
        while last < count:
            time.sleep(0.05)
            now_received = self.received
            if now_received != last:
                last, last_change = now_received, time.monotonic()
            elif time.monotonic() - last_change > stalled_after:
                return False
        return True

    def _stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
        if self._reader is not None:
            self._reader.join(timeout=30)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()
