"""Rebuild throughput of the read models, against raw reads of the same log.

One tenant's stream is filled with synthetic journeys (`bench.synthetic_journeys`, default
1,000,000 events over eighteen months), then, in alternating rounds:
  - "raw read": psycopg reading the whole log in batches of `--batch` rows (`SELECT
    notification_id, originator_id, originator_version, topic, state ... WHERE notification_id
    > %s ORDER BY notification_id LIMIT %s`), nothing decoded: the floor of any rebuild;
  - "raw read + decode": the same, each row decoded by the projections' mapper (personal fields
    left sealed), the floor of any rebuild in Python;
  - "rebuild <model>": `projections.rebuild.rebuild` of each read model from position 0 (shadow
    tables, batches of `--batch` events, swapped in at the end).
Once, for reference: the library's path of one event per transaction (a `Projector` with
`batch_size=1`) for the timelines' first `--one-by-one` events.

Two rates are given. Stream events/s: the stream positions a run covers (the whole log for a
rebuild, which reads only its own topics but has then brought the model to the head) per second;
this is the figure the issue's target (50,000/s for timelines and dashboards) is about. For the
one-by-one path, whose first events come from the log's thin start, it is its topic events/s
divided by the model's share of the whole log. Topic events/s: the events of the model's topics
it applied, per second. Each figure is the best of the rounds (other load on the machine only
ever slows a run down), and its ratio is to the best raw read; client CPU is this process's CPU
time per stream event (the database's is not in it), GC the share of the run's time Python's
cyclic garbage collector took. `--profile <model>` runs cProfile over one more rebuild and prints
where the time goes.

Runs on a fresh database `ithaca_bench_<random>` on BENCH_DATABASE_URL's server (or
`--database-url`), dropped at the end. Usage: python -m bench.projections [--events 1000000]
[--rounds 2] [--batch 20000] [--one-by-one 2000] [--profile timelines]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
from psycopg import sql

from bench.append import DEFAULT_URL, fresh_database
from bench.synthetic_journeys import JourneyLog, write_tenant_journeys
from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.codec import MsgspecMapper
from infra.features import FEATURES
from infra.settings import Settings
from projections.commands import relax_garbage_collector
from projections.engine import CatchUp, Projection, Projector
from projections.reading import open_read_model
from projections.rebuild import rebuild
from services.actor import Actor
from tenants.directory import TenantRecord

__all__ = ["Figure", "main"]

TARGET = 50_000
"""Stream events per second the issue asks of the timeline and dashboard rebuilds."""
TARGETED = ("timelines", "dashboards")
ONE_BY_ONE_SUFFIX = "__one"


@dataclass
class Figure:
    """One contestant's best run."""

    name: str
    stream_events: int
    topic_events: int
    seconds: float = float("inf")
    cpu_seconds: float = 0.0
    """This process's CPU time during the run (the database's is not counted)."""
    gc_seconds: float = 0.0
    """Of which Python's cyclic garbage collector took this much."""

    @property
    def stream_rate(self) -> float:
        return self.stream_events / self.seconds if self.seconds else 0.0

    @property
    def topic_rate(self) -> float:
        return self.topic_events / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_event(self) -> float:
        """Client CPU microseconds per stream event."""
        return self.cpu_seconds / self.stream_events * 1e6 if self.stream_events else 0.0

    def keep_best(self, run: Run) -> None:
        if run.seconds < self.seconds:
            self.seconds, self.cpu_seconds, self.gc_seconds, self.topic_events = (
                run.seconds, run.cpu_seconds, run.gc_seconds, run.events)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    gc_seconds: float
    events: int


class _CollectorClock:
    """Adds up the time the cyclic garbage collector runs (through `gc.callbacks`)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began


def timed(action: Callable[[], int]) -> Run:
    """Runs `action` (which answers the events it handled), measuring wall, CPU and GC time."""
    collector = _CollectorClock()
    gc.callbacks.append(collector)
    try:
        began, cpu = time.perf_counter(), time.process_time()
        events = action()
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    finally:
        gc.callbacks.remove(collector)
    return Run(seconds, cpu_seconds, collector.seconds, events)


# Contestants ---------------------------------------------------------------------------------


def _batches(url: str, schema: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    statement = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM {}.events WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
    ).format(sql.Identifier(schema))
    with psycopg.connect(url, autocommit=True) as conn:
        position = 0
        cursor = conn.cursor(binary=True)  # as the engine reads: bytea as stored, not hex
        while rows := cursor.execute(statement, (position, batch)).fetchall():
            yield rows
            position = rows[-1][0]


def raw_read(url: str, schema: str, batch: int) -> int:
    """Reads the whole log; answers the rows read."""
    return sum(len(rows) for rows in _batches(url, schema, batch))


def raw_read_and_decode(url: str, schema: str, batch: int, mapper: MsgspecMapper) -> int:
    decoded = 0
    for rows in _batches(url, schema, batch):
        decoded += len([mapper.decode(row[1], row[2], row[3], row[4]) for row in rows])
    return decoded


def rebuild_counting(ithaca: Ithaca, tenant: TenantRecord, projection: Projection) -> int:
    """Rebuilds from position 0 (swap included); answers the events applied."""
    applied: list[CatchUp] = []
    rebuild(ithaca, tenant, projection, on_batch=applied.append)
    return applied[-1].events if applied else 0


def topic_positions(url: str, schema: str, projection: Projection, count: int) -> tuple[int, int]:
    """The events of the projection's topics in the whole log, and the position of the
    `count`-th of them (the head if there are fewer)."""
    topics = projection.topics()
    where = sql.SQL(" WHERE topic = ANY(%s)" if topics else "")
    params: list[Any] = [topics] if topics else []
    with psycopg.connect(url, autocommit=True) as conn:
        total = conn.execute(sql.SQL("SELECT count(*) FROM {}.events").format(
            sql.Identifier(schema)) + where, params).fetchone()
        last = conn.execute(sql.SQL("SELECT max(notification_id) FROM (SELECT notification_id"
                                    " FROM {}.events").format(sql.Identifier(schema))
                            + where + sql.SQL(" ORDER BY notification_id LIMIT %s) AS first"),
                            [*params, count]).fetchone()
    return (total[0] if total else 0), (last[0] if last and last[0] else 0)


def one_by_one(
    ithaca: Ithaca, tenant: TenantRecord, projection: Projection, until: int
) -> int:
    """One event per transaction into scratch tables, up to stream position `until`; answers
    the events applied."""
    stream = open_read_model(ithaca, tenant, projection).stream
    projector = Projector(stream, projection, batch_size=1,
                          state_name=projection.name + ONE_BY_ONE_SUFFIX, suffix=ONE_BY_ONE_SUFFIX)
    projector.store.drop_tables(projection.tables, ONE_BY_ONE_SUFFIX)
    projector.store.forget(projector.state_name)
    projector.prepare()
    try:
        return projector.catch_up(until=until).events
    finally:
        projector.store.drop_tables(projection.tables, ONE_BY_ONE_SUFFIX)
        projector.store.forget(projector.state_name)


# Profile -------------------------------------------------------------------------------------

_PHASES: list[tuple[str, str, str]] = [
    ("whole rebuild", "projections/rebuild.py", "rebuild"),
    ("  stream head (max id), per batch", "projections/store.py", "head"),
    ("  read the batch (select_notification_rows)", "eventstore/postgres.py",
     "select_notification_rows"),
    ("  decode (MsgspecMapper.decode)", "eventstore/codec.py", "decode"),
    ("  batch transaction (_apply, commit included)", "projections/engine.py", "_apply"),
    ("    advance the position", "projections/store.py", "advance"),
    ("    projection.apply (rows.load included)", "/projection.py", "apply"),
    ("      rows.load (SELECT ... unnest)", "projections/engine.py", "load"),
    ("    rows.flush (DELETE / INSERT ... unnest)", "projections/engine.py", "flush"),
    ("      value conversion for PostgreSQL (_postgres_in)", "projections/store.py",
     "_postgres_in"),
    ("  waiting on PostgreSQL (psycopg wait)", "psycopg/connection.py", "wait"),
]


def profile_rebuild(ithaca: Ithaca, tenant: TenantRecord, projection: Projection) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    rebuild(ithaca, tenant, projection)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"\nprofile of one rebuild of {projection.name} (cProfile slows Python code down, "
          "not the database):")
    stats.sort_stats("tottime").print_stats(25)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in raw.values())
    print("where the time goes (cumulative seconds, share of the whole rebuild):")
    for label, path, function in _PHASES:
        cumulative = sum(ct for (file, _, name), (_, _, _, ct, _) in raw.items()
                         if name == function and path in file.replace("\\", "/"))
        print(f"  {label:<58} {cumulative:8.2f} s {cumulative / total:6.1%}")


# Running -------------------------------------------------------------------------------------


def add_log_options(parser: argparse.ArgumentParser, *, batch: str) -> None:
    """The options of a benchmark on a synthetic log (`tenant_with_log`); `batch` says what
    the batch size is used for."""
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="approximate events in the log")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=20_000, help=batch)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))


@contextmanager
def tenant_with_log(
    server_url: str, events: int, seed: int, batch: int
) -> Iterator[tuple[Ithaca, TenantRecord, JourneyLog, str]]:
    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as data_dir:
        ithaca = bootstrap(Settings.from_env(
            {}, database_url=url, data_dir=data_dir, log_format="console",
            projection_batch=batch, rebuild_batch=batch,
        ))
        try:
            ithaca.registry.provision_tenant(slug="bench", display_name="Bench",
                                             actor=Actor(kind="cli", id="bench"))
            tenant = ithaca.tenant("bench")
            log = write_tenant_journeys(ithaca, tenant, events=events, seed=seed)
            with psycopg.connect(url, autocommit=True) as conn:
                # Fresh rows have no hint bits or statistics yet: settle them before timing.
                conn.execute(sql.SQL("VACUUM ANALYZE {}.events").format(
                    sql.Identifier(tenant.stream_name)))
            # The simulation's object graph is garbage now; collect it before anything is timed,
            # then collect as `ithaca projections rebuild` does.
            gc.collect()
            relax_garbage_collector()
            yield ithaca, tenant, log, url
        finally:
            ithaca.close()


def run_rounds(
    ithaca: Ithaca, tenant: TenantRecord, url: str, log: JourneyLog, args: argparse.Namespace,
    projections: list[Projection], progress: Callable[[str], None] = print,
) -> list[Figure]:
    schema, batch = tenant.stream_name, args.batch
    stream = open_read_model(ithaca, tenant, projections[0]).stream
    mapper = MsgspecMapper(stream.personal_keys, open_personal=False)
    raw = Figure("raw read", log.head, log.head)
    decode = Figure("raw read + decode", log.head, log.head)
    rebuilds = {p.name: Figure(f"rebuild {p.name}", log.head, 0) for p in projections}
    for round_number in range(1, args.rounds + 1):
        runs = [(raw, timed(lambda: raw_read(url, schema, batch))),
                (decode, timed(lambda: raw_read_and_decode(url, schema, batch, mapper)))]
        runs += [(rebuilds[projection.name],
                  timed(partial(rebuild_counting, ithaca, tenant, projection)))
                 for projection in projections]
        for figure, run in runs:
            figure.keep_best(run)
        progress(f"round {round_number}: " + ", ".join(
            f"{figure.name} {figure.stream_events / run.seconds:,.0f}/s" for figure, run in runs))
    figures = [raw, decode]
    if args.one_by_one:
        projection = next((p for p in projections if p.name == "timelines"), projections[0])
        total, until = topic_positions(url, schema, projection, args.one_by_one)
        run = timed(lambda: one_by_one(ithaca, tenant, projection, until))
        # Its first transactions cover the log's thin start: its stream rate is given for the
        # whole log's mix of topics (topic events/s divided by the model's share of the log).
        single = Figure(f"{projection.name}, one event per transaction",
                        round(run.events * log.head / total) if total else 0, 0)
        single.keep_best(run)
        figures.append(single)
    return [*figures, *rebuilds.values()]


def report(log: JourneyLog, figures: list[Figure], batch: int, rounds: int) -> None:
    raw = figures[0].stream_rate
    print(f"log: {log.events:,} events, {log.members:,} members, "
          f"{len(log.relationship_ids):,} relationships, {log.first_at:%Y-%m-%d} to "
          f"{log.last_at:%Y-%m-%d}; generated in {log.seconds:.0f} s "
          f"({log.events / log.seconds:,.0f} events/s)")
    print(f"batches of {batch}, best of {rounds} rounds; stream events/s = stream positions "
          "covered / s, topic events/s = the model's own events / s, CPU us/ev = this "
          "process's CPU per stream event, GC = the garbage collector's share of the wall time")
    print(f"{'':<40} {'stream ev/s':>12} {'topic ev/s':>11} {'topic events':>13} "
          f"{'seconds':>8} {'CPU us/ev':>9} {'GC':>6} {'vs raw':>7}")
    for figure in figures:
        print(f"{figure.name:<40} {figure.stream_rate:12,.0f} {figure.topic_rate:11,.0f} "
              f"{figure.topic_events:13,} {figure.seconds:8.2f} {figure.cpu_per_event:9.1f} "
              f"{figure.gc_seconds / figure.seconds:6.1%} {figure.stream_rate / raw:7.3f}")
    for figure in figures:
        name = figure.name.removeprefix("rebuild ")
        if name in TARGETED:
            verdict = "meets" if figure.stream_rate >= TARGET else "BELOW"
            print(f"{figure.name}: {figure.stream_rate:,.0f} stream events/s, {verdict} the "
                  f"{TARGET:,}/s target; ratio to raw read {figure.stream_rate / raw:.3f}")


_READ_MODELS = [projection for feature in FEATURES for projection in feature.projections]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_log_options(parser, batch="events per batch (a rebuild's default, ITHACA_REBUILD_BATCH)")
    parser.add_argument("--one-by-one", type=int, default=2_000,
                        help="transactions of the one-event-per-transaction path (0: skip)")
    parser.add_argument("--only", nargs="*", default=[p.name for p in _READ_MODELS],
                        help="read models to rebuild")
    parser.add_argument("--profile", metavar="MODEL", help="profile one more rebuild of MODEL")
    args = parser.parse_args()
    projections = [next(p for p in _READ_MODELS if p.name == name) for name in args.only]
    with tenant_with_log(args.database_url, args.events, args.seed, args.batch) as (
        ithaca, tenant, log, url,
    ):
        print(f"generated {log.events:,} events in {log.seconds:.0f} s")
        figures = run_rounds(ithaca, tenant, url, log, args, projections)
        if args.profile:
            profile_rebuild(ithaca, tenant, ithaca.projection_named(args.profile))
    report(log, figures, args.batch, args.rounds)


if __name__ == "__main__":
    main()
