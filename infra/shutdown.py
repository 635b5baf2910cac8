"""How `ithaca serve`'s main process stops: within a bound, whatever signals arrive.

Granian's own handler of SIGTERM and SIGINT sets a `threading.Event`. CPython runs a Python
signal handler between two bytecodes of the main thread, also inside another handler, so the
second signal of a burst (a supervisor resending SIGTERM, a person pressing Ctrl-C again) could
run while the first handler was inside `Event.set()`, and wait for ever for the lock that its
own thread held. And with no kill timeout Granian waited for ever for a worker that did not stop
(a worker signalled while it is still starting up does not).

So no handler here does anything but let the interpreter note the signal: `set_wakeup_fd` has
it write each signal's number to a pipe (at C level, whoever's Python handler is installed), and
two threads read it:

- the watchdog starts the clock at the first SIGTERM or SIGINT and, if the process still runs
  when the bound has passed, kills the workers and exits with status 1. It takes no Python lock,
  so nothing the main thread holds can stop it;
- the relay asks Granian to stop (at the first SIGTERM or SIGINT; later ones change nothing) or
  to reload its workers (SIGHUP), from an ordinary thread, where taking a lock is safe.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, Protocol

from infra.logging import get_logger

__all__ = ["STOP_MARGIN_SECONDS", "bounded_shutdown"]

STOP_MARGIN_SECONDS = 5
"""What a stop may take beyond the workers' kill timeout: closing the socket, killing and
reaping the workers that did not stop, the main process's own exit."""

STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
RELOAD_SIGNAL = signal.SIGHUP

log = get_logger("ithaca.serve")


class Server(Protocol):
    """What is used of Granian's server object (its main process)."""

    def signal_handler_interrupt(self) -> Any: ...

    def signal_handler_reload(self) -> Any: ...

    def on_startup(self, hook: Callable[[], Any]) -> Any: ...


@contextmanager
def bounded_shutdown(server: Server, workers_kill_timeout: int) -> Iterator[None]:
    """Within the block (`server.serve()`), a stop ends `workers_kill_timeout` +
    `STOP_MARGIN_SECONDS` after the first SIGTERM or SIGINT at the latest."""
    stop = _BoundedStop(server, bound_seconds=workers_kill_timeout + STOP_MARGIN_SECONDS)
    stop.install()
    try:
        yield
    finally:
        stop.served()


def _noted(signum: int, frame: FrameType | None) -> None:
    """The interpreter has written the signal to the wakeup pipe before calling this; doing
    anything more here could wait for a lock the interrupted code holds."""


class _BoundedStop:
    def __init__(self, server: Server, bound_seconds: float) -> None:
        self._server = server
        self._bound_seconds = bound_seconds
        self._signals_out, self._signals_in = os.pipe()
        self._relayed_out, self._relayed_in = os.pipe()
        # The interpreter requires a non-blocking wakeup fd; a full pipe only loses repeats.
        os.set_blocking(self._signals_in, False)
        os.set_blocking(self._relayed_in, False)

    def install(self) -> None:
        signal.set_wakeup_fd(self._signals_in, warn_on_full_buffer=False)
        self._note_signals()
        # Granian installs its own handlers when it starts, just before its start-up hooks run.
        self._server.on_startup(self._note_signals)
        # Workers are forked from this process; their signals are theirs, not this one's.
        os.register_at_fork(after_in_child=self._forget_in_worker)
        threading.Thread(target=self._watch, name="stop-watchdog", daemon=True).start()
        threading.Thread(target=self._relay, name="stop-relay", daemon=True).start()

    def served(self) -> None:
        # The rest of a burst must not turn a finished stop into a death by signal while the
        # interpreter exits (it puts back the default handlers of the signals it handled).
        for signum in (*STOP_SIGNALS, RELOAD_SIGNAL):
            signal.signal(signum, signal.SIG_IGN)

    def _note_signals(self) -> None:
        for signum in (*STOP_SIGNALS, RELOAD_SIGNAL):
            signal.signal(signum, _noted)

    def _forget_in_worker(self) -> None:
        signal.set_wakeup_fd(-1)
        for descriptor in (self._signals_out, self._signals_in, self._relayed_out,
                           self._relayed_in):
            os.close(descriptor)

    def _watch(self) -> None:
        deadline: float | None = None
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:  # checked first: a storm keeps the pipe readable
                self._stop_hard()
            readable, _, _ = select.select([self._signals_out], [], [], wait)
            if not readable:
                continue
            received = os.read(self._signals_out, 512)
            if deadline is None and STOP_SIGNALS.intersection(received):
                deadline = time.monotonic() + self._bound_seconds
            with suppress(BlockingIOError):
                os.write(self._relayed_in, received)

    def _stop_hard(self) -> None:
        # Written straight to stderr: the logger's lock may be what the main thread is stuck on.
        os.write(2, (f"ithaca serve: still running {self._bound_seconds:g} s after the stop "
                     "signal; killing the workers and exiting\n").encode())
        for worker in multiprocessing.active_children():
            worker.kill()
        os._exit(1)

    def _relay(self) -> None:
        stopping = False
        while True:
            for signum in os.read(self._relayed_out, 512):
                if signum == RELOAD_SIGNAL:
                    log.info("reloading_workers", signal=RELOAD_SIGNAL.name)
                    self._server.signal_handler_reload()
                elif signum in STOP_SIGNALS and stopping:
                    log.info("already_stopping", signal=signal.Signals(signum).name)
                elif signum in STOP_SIGNALS:
                    stopping = True
                    log.info("stopping", signal=signal.Signals(signum).name,
                             within_seconds=self._bound_seconds)
                    self._server.signal_handler_interrupt()
