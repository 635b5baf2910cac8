"""`ithaca serve` stops within its bound whatever signals arrive, and leaves no worker behind.

The real server (Granian, one or two worker processes, SQLite) is started again and again; each
time a burst of SIGTERMs and SIGINTs reaches it at a moment chosen at random: while it starts,
while it idles, or while it answers requests; sent to its main process (a supervisor resending)
or to its whole process group (Ctrl-C pressed again and again in a terminal). Before the fix,
about one burst in four hung the main process for ever.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from infra.shutdown import STOP_MARGIN_SECONDS
from tests.servers import REPO, TIME_SCALE, RunningServer, start_server

WORKERS_KILL_TIMEOUT = 2
STOP_BOUND = WORKERS_KILL_TIMEOUT + STOP_MARGIN_SECONDS + 3 * TIME_SCALE
"""The server's own bound, and time for the test to see that it has exited."""
TRIES = 12
AT_LEAST = 5
BUDGET_SECONDS = 45 * TIME_SCALE
"""Tries after the first `AT_LEAST` start only within this time, so that a slow machine runs
fewer of them rather than timing out."""
MOMENTS = ("starting", "idle", "busy")


def test_bursts_of_stop_signals_stop_the_server_within_its_bound(tmp_path: Path) -> None:
    seed = int(os.environ.get("ITHACA_TEST_SEED") or time.time_ns())
    chance = random.Random(seed)  # noqa: S311 - picks moments, not secrets
    environment = {
        **os.environ, "DATABASE_URL": "", "ITHACA_DATA_DIR": str(tmp_path / "data"),
        "ITHACA_LOG_FORMAT": "console", "ITHACA_WORKERS_KILL_TIMEOUT": str(WORKERS_KILL_TIMEOUT),
    }
    subprocess.run([sys.executable, "-m", "infra", "migrate"], cwd=REPO, env=environment,
                   check=True, capture_output=True, timeout=120 * TIME_SCALE)
    began = time.monotonic()
    for attempt in range(TRIES):
        if attempt >= AT_LEAST and time.monotonic() - began > BUDGET_SECONDS:
            break
        workers, moment = chance.choice((1, 2)), chance.choice(MOMENTS)
        to_group = chance.random() < 0.5
        burst = [chance.choice((signal.SIGTERM, signal.SIGINT))
                 for _ in range(chance.randint(2, 24))]
        server = start_server(environment, tmp_path / f"serve-{attempt}.log",
                              "--workers", str(workers))
        story = (f"try {attempt} (seed {seed}): {len(burst)} signals to the "
                 f"{'process group' if to_group else 'main process'} of a server with {workers} "
                 f"worker(s), while {moment}")
        if moment == "starting":
            time.sleep(chance.uniform(0, 1.5))
        else:
            server.wait_until_ready()
        with _requests_to(server, moment == "busy"):
            time.sleep(chance.uniform(0, 0.5))
            _send(server, burst, to_group, chance)
            status = server.wait_for_exit(STOP_BOUND)
        if status is None:
            server.fail(f"{story}: still running {STOP_BOUND:g} s after the burst")
        if leftovers := _left_running(server):
            server.fail(f"{story}: exited ({status}) but left running {leftovers}")


def _send(server: RunningServer, burst: list[signal.Signals], to_group: bool,
          chance: random.Random) -> None:
    for signum in burst:
        try:
            if to_group:
                os.killpg(server.pid, signum)
            else:
                os.kill(server.pid, signum)
        except ProcessLookupError:  # it has already stopped
            return
        time.sleep(chance.choice((0, 0, 0.0001, 0.001, 0.01)))


def _left_running(server: RunningServer) -> list[object]:
    # A worker killed a moment ago may take a moment to be gone.
    deadline = time.monotonic() + 2
    while (live := server.live_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return list(live)


@contextmanager
def _requests_to(server: RunningServer, busy: bool) -> Iterator[None]:
    """Keeps a few clients asking the server for pages while the block runs (if `busy`)."""
    done = threading.Event()

    def ask() -> None:
        with httpx.Client(base_url=server.url(), timeout=2) as client:
            while not done.is_set():
                for path in ("/readyz", "/healthz", "/t/nobody/api/v1/tenant"):
                    with suppress(httpx.HTTPError):  # refused once the server stops
                        client.get(path)

    clients = [threading.Thread(target=ask, daemon=True) for _ in range(4 if busy else 0)]
    for client in clients:
        client.start()
    try:
        yield
    finally:
        done.set()
        for client in clients:
            client.join(timeout=5)


STUCK_SERVER = """
import multiprocessing, threading, time
from infra.shutdown import bounded_shutdown

class ServerThatNeverStops:
    def signal_handler_interrupt(self): pass
    def signal_handler_reload(self): pass
    def on_startup(self, hook): pass

worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(600,))
with bounded_shutdown(ServerThatNeverStops(), workers_kill_timeout=1):
    worker.start()
    print(worker.pid, flush=True)
    held = threading.Lock()
    held.acquire()
    held.acquire()  # the main thread deadlocks, as Granian's did
"""


def test_a_main_process_that_does_not_stop_is_ended_with_its_workers(tmp_path: Path) -> None:
    # A server whose main thread is stuck gets SIGTERM: within 1 + STOP_MARGIN_SECONDS the
    # watchdog kills its worker and ends it with status 1.
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", STUCK_SERVER], cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        assert server.stdout is not None
        assert server.stderr is not None
        worker = int(server.stdout.readline())
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=1 + STOP_MARGIN_SECONDS + 10 * TIME_SCALE)
        errors = server.stderr.read()
        assert status == 1, errors
        assert "still running 6 s after the stop signal; killing the workers" in errors
        assert _gone(worker)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _gone(pid: int) -> bool:
    """Whether the process has ended (an unreaped zombie has)."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False
