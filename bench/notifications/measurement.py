"""The measurement: set up the tenants, then for each number of scheduler processes write the
reminders due over the window, run the real schedulers until the sink has every reminder, and
time the raw SMTP baseline just before and just after, on the same sink."""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from bench.notifications.baseline import raw_sends, reminder_bytes
from bench.notifications.population import Population, drain, populate, queue_reminders
from bench.notifications.reminders import BENCH_FEATURE, REMINDER
from bench.notifications.sink import SinkProcess
from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.delivery.deliverer import open_deliverer
from infra.features import FEATURES
from infra.logging import configure_logging
from infra.scheduling.scheduler import Scheduler
from infra.settings import Settings

__all__ = ["Figures", "Phase", "percentile", "run"]

PHASE_IDS = 10_000_000
"""Each phase numbers its reminders from its own multiple of this."""


def percentile(values: Sequence[float], fraction: float) -> float:
    return float(np.percentile(np.array(values), fraction * 100)) if values else float("nan")


@dataclass
class Phase:
    processes: int
    reminders: int
    sent: int = 0
    """Reminders that reached the sink."""
    seconds: float = 0.0
    """From the first reminder's due instant to the last one's arrival at the sink."""
    at_sink: list[float] = field(default_factory=list)
    """Per reminder: its arrival at the sink minus its due instant, in seconds."""
    recorded: list[float] = field(default_factory=list)
    """Per reminder carried out: when the scheduler recorded it done, minus its due instant."""
    statuses: Counter[str] = field(default_factory=Counter)
    raw_rates: list[float] = field(default_factory=list)
    complete: bool = True

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def raw_rate(self) -> float:
        return float(np.mean(self.raw_rates))


@dataclass
class Figures:
    population: Population
    message_bytes: int
    setup_seconds: float
    phases: list[Phase] = field(default_factory=list)
    sink_mib: float = 0.0


def bench_settings(url: str, data_dir: Path, sink: SinkProcess, sweep_seconds: float) -> Settings:
    return Settings.from_env(
        {}, database_url=url, data_dir=str(data_dir), pool_size=4, log_format="json",
        mail_host=sink.host, mail_port=sink.port, mail_background=False,
        mail_sweep_seconds=sweep_seconds,
        # The members' passwords are never used: hashing them cheaply keeps set-up short.
        password_hash_time_cost=1, password_hash_memory_kib=64,
    )


def log_to(path: Path, settings: Settings) -> None:
    """This process's log to a file, as a worker's would go to its journal (the terminal is
    for the figures)."""
    sys.stderr = path.open("a", buffering=1)  # the process's, to its end
    configure_logging(settings)


def scheduler_process(settings: Settings, log_path: str, ready: Barrier, stop: Event) -> None:
    """One worker's scheduler (`Scheduler.start`, as `ithaca projections run` runs it), until
    told to stop."""
    log_to(Path(log_path), settings)
    ithaca = bootstrap(settings, features=(*FEATURES, BENCH_FEATURE))
    try:
        scheduler = Scheduler(ithaca, open_deliverer, settings)
        ready.wait()
        scheduler.start()
        stop.wait()
        scheduler.stop()
    finally:
        ithaca.close()


def recorded_lateness(url: str, population: Population, first_id: int, phase: Phase) -> None:
    """Reads each reminder's outcome and, when done, its lateness from the due work rows."""
    with psycopg.connect(url) as conn:
        for schema in population.schemas.values():
            rows = conn.execute(sql.SQL(
                "SELECT status, extract(epoch FROM settled_at - due_at) FROM {}.due_work"
                " WHERE kind = %s AND notification_id >= %s AND notification_id < %s"
            ).format(sql.Identifier(schema)), (REMINDER, first_id, first_id + PHASE_IDS))
            for status, lateness in rows:
                phase.statuses[status] += 1
                if status == "done":
                    phase.recorded.append(float(lateness))


def run_phase(
    args: argparse.Namespace, ithaca: Ithaca, settings: Settings, population: Population,
    sink: SinkProcess, message: bytes, number: int, processes: int, logs: Path,
    progress: Callable[[str], None],
) -> Phase:
    phase = Phase(processes, args.reminders)
    recipient = f"member0@{population.slugs[0]}.example"
    phase.raw_rates.append(raw_sends(settings, message, recipient, args.raw_sends, processes))
    first_id = PHASE_IDS * (number + 1)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Barrier(processes + 1), context.Event()
    children = [
        context.Process(target=scheduler_process, name=f"scheduler-{n}", args=(
            settings, str(logs / f"scheduler-{number}-{n}.log"), ready, stop))
        for n in range(processes)
    ]
    for child in children:
        child.start()
    before = sink.received
    sink.take_lateness()
    try:
        ready.wait(timeout=120)  # the schedulers have started: their first sweeps find nothing
        # The rows go in before the first falls due, while the schedulers sweep.
        start = datetime.now(UTC) + timedelta(seconds=5 + args.reminders / 4_000)
        queue_reminders(Scheduler(ithaca, open_deliverer, settings), population,
                        args.reminders, start, timedelta(seconds=args.window),
                        random.Random(args.seed + number), first_id)  # noqa: S311 - a repeatable workload
        progress(f"{processes} scheduler process(es): {args.reminders:,} reminders queued, due "
                 f"from {(start - datetime.now(UTC)).total_seconds():.1f} s on over "
                 f"{args.window} s")
        phase.complete = sink.wait_for(before + args.reminders, args.stalled_after)
        phase.seconds = time.time() - start.timestamp()
    finally:
        stop.set()
        for child in children:
            child.join(timeout=120)
            if child.is_alive():
                child.terminate()
    phase.sent = sink.received - before
    phase.at_sink = sink.take_lateness()
    recorded_lateness(settings.database_url, population, first_id, phase)
    phase.raw_rates.append(raw_sends(settings, message, recipient, args.raw_sends, processes))
    progress(f"{processes} scheduler process(es): {phase.sent:,} sent in {phase.seconds:.1f} s, "
             f"p99 lateness {percentile(phase.at_sink, 0.99):.1f} s")
    return phase


def run(
    args: argparse.Namespace, url: str, workdir: Path, progress: Callable[[str], None]
) -> Figures:
    with SinkProcess(workdir / "sink.log") as sink:
        settings = bench_settings(url, workdir / "data", sink, args.sweep_seconds)
        log_to(workdir / "bench.log", settings)
        ithaca = bootstrap(settings, features=(*FEATURES, BENCH_FEATURE))
        try:
            began = time.perf_counter()
            rng = random.Random(args.seed)  # noqa: S311 - a repeatable workload, not a secret
            population = populate(ithaca, args.tenants, rng, lasting=timedelta(hours=1))
            drain(Scheduler(ithaca, open_deliverer, settings))
            slug = population.slugs[0]
            message = reminder_bytes(ithaca, settings, slug, population.members[slug][0])
            figures = Figures(population, len(message), time.perf_counter() - began)
            progress(f"{len(population.slugs)} tenants, {population.member_count} members set "
                     f"up in {figures.setup_seconds:.1f} s; a reminder is {len(message):,} bytes")
            for number, processes in enumerate(args.processes):
                figures.phases.append(run_phase(
                    args, ithaca, settings, population, sink, message, number, processes,
                    workdir, progress))
            figures.sink_mib = sink.memory_mib()
        finally:
            ithaca.close()
    return figures
