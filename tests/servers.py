"""`ithaca serve` as a child process, for the tests that need the real server (Granian, its
worker processes, signals): started in a process group of its own, waited on until `/readyz`
answers 200, stopped within a bound; and when any of that fails, what the server was doing.

A machine shared with other work starts the server in seconds or in minutes, so the wait has no
fixed length: it ends `QUIET_SECONDS` after the server last made progress (used CPU time or
wrote a line), or after `MOST_SECONDS` however busy it looks. `ITHACA_TEST_TIME_SCALE` multiplies
both, for a machine known to be slow. Linux only: processes are read from /proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple, NoReturn

import httpx
import pytest

__all__ = ["RunningServer", "free_port", "group_processes", "start_server"]

REPO = Path(__file__).resolve().parents[1]
TIME_SCALE = float(os.environ.get("ITHACA_TEST_TIME_SCALE", "1"))
QUIET_SECONDS = 30 * TIME_SCALE
"""How long a starting server may show no sign of progress before it is taken for stuck."""
MOST_SECONDS = 180 * TIME_SCALE
"""How long a server may take to start, making progress or not."""
LOG_TAIL_LINES = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class GroupProcess(NamedTuple):
    pid: int
    parent: int
    state: str
    """As in ps: R running, S sleeping, D waiting on a disk, Z exited but not reaped..."""
    cpu_seconds: float
    command: str


def group_processes(group: int) -> list[GroupProcess]:
    """The processes of a process group, the exited-but-unreaped ones (zombies) included."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:  # it exited meanwhile
            continue
        # "pid (name) state ppid pgrp ...": the name may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == group:
            found.append(GroupProcess(
                pid=int(entry.name), parent=int(fields[1]), state=fields[0],
                cpu_seconds=(int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
                command=command or stat[stat.index("(") + 1:stat.rindex(")")],
            ))
    return found


class RunningServer:
    """One `ithaca serve` child, the leader of its own process group (so that its workers can be
    found, signalled and counted, and none outlives a test)."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process, self.port, self.log_path = process, port, log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def live_processes(self) -> list[GroupProcess]:
        """The server's processes still running (its workers included)."""
        return [process for process in group_processes(self.pid) if process.state != "Z"]

    def wait_until_ready(self) -> None:
        """Waits until `/readyz` answers 200; fails the test with what the server was doing."""
        started = time.monotonic()
        last_progress, last_work = started, self._work_done()
        answer = "no answer yet"
        while True:
            try:
                response = httpx.get(self.url("/readyz"), timeout=2)
                if response.status_code == 200:
                    return
                answer = f"{response.status_code} {response.text[:300]}"
            except httpx.HTTPError as error:
                answer = f"{type(error).__name__}: {error}"
            now = time.monotonic()
            if self.process.poll() is not None:
                self.fail(f"the server exited before it was ready ({self._exit()}) after "
                          f"{now - started:.1f} s; /readyz last answered: {answer}")
            work = self._work_done()
            if work != last_work:
                last_progress, last_work = now, work
            if now - last_progress > QUIET_SECONDS:
                self.fail(f"the server was not ready after {now - started:.1f} s and had used no "
                          f"CPU time nor written anything for {QUIET_SECONDS:g} s; /readyz last "
                          f"answered: {answer}")
            if now - started > MOST_SECONDS:
                self.fail(f"the server was not ready after {MOST_SECONDS:g} s, though still "
                          f"working; /readyz last answered: {answer}")
            time.sleep(0.2)

    def wait_for_exit(self, within: float) -> int | None:
        """The exit status, or None if the server still runs after `within` seconds."""
        try:
            return self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, within: float = 20.0) -> None:
        """SIGTERM, as a supervisor stops it; fails the test if the server, or any worker, is
        still running `within` seconds later."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        if self.wait_for_exit(within) is None:
            self.fail(f"the server was still running {within:g} s after SIGTERM")
        if leftovers := self.live_processes():
            self.fail(f"the server exited ({self._exit()}) but left processes running: "
                      f"{leftovers}")

    def fail(self, problem: str) -> NoReturn:
        """Fails the test with `problem` and what the server was doing, then ends every process
        of the server."""
        account = [problem, f"the server: {self._exit()}"]
        processes = self.live_processes()
        if processes:
            account.append("its processes (pid, parent, state, CPU seconds, command):")
            account += [f"  {p.pid} {p.parent} {p.state} {p.cpu_seconds:.1f} {p.command}"
                        for p in processes]
        log_lines = self.log_path.read_text(errors="replace").splitlines()
        account.append(f"the last {LOG_TAIL_LINES} of its {len(log_lines)} log lines "
                       f"({self.log_path}):")
        account += log_lines[-LOG_TAIL_LINES:]
        if processes:
            logged = self.log_path.stat().st_size
            # faulthandler prints a process's Python stacks when SIGABRT kills it; one process
            # at a time, the main one last, so that the stacks do not interleave.
            for process in sorted(processes, key=lambda process: process.pid == self.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGCONT)  # a stopped process could not print
                    os.kill(process.pid, signal.SIGABRT)
                time.sleep(0.5)
            with self.log_path.open("rb") as log:
                log.seek(logged)
                account += ["what its processes were doing (their Python stacks):",
                            log.read().decode(errors="replace")]
        self._signal_group(signal.SIGKILL)
        self.wait_for_exit(5)
        pytest.fail("\n".join(account), pytrace=False)

    def _exit(self) -> str:
        status = self.process.returncode
        if status is None:
            return "still running"
        if status < 0:
            return f"killed by {signal.Signals(-status).name}"
        return f"exit status {status}"

    def _work_done(self) -> tuple[float, int]:
        cpu = sum(process.cpu_seconds for process in group_processes(self.pid))
        return cpu, self.log_path.stat().st_size

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # none left
            os.killpg(self.pid, signum)


def start_server(environment: dict[str, str], log_path: Path, *arguments: str,
                 port: int | None = None) -> RunningServer:
    """Starts `ithaca serve` on 127.0.0.1 (on a free port unless one is given) with exactly
    `environment`, its output going to `log_path`; call `wait_until_ready()` next."""
    port = port or free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "infra", "serve", "--host", "127.0.0.1", "--port", str(port),
             *arguments],
            cwd=REPO, env={**environment, "PYTHONFAULTHANDLER": "1"}, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return RunningServer(process, port, log_path)
