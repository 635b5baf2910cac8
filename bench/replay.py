"""Point-in-time replay throughput, against raw reads of the same log.

One tenant's stream is filled with synthetic journeys (`bench.synthetic_journeys`, default
1,000,000 events), then, in alternating rounds:
  - "raw read": psycopg reading the whole log in batches of `--batch` rows, nothing decoded (the
    floor of any replay; `bench.projections` explains it);
  - "replay to the middle": `projections.replay.engine.build_replay` at the middle position (a
    fresh replay each round: the previous one is dropped first), every replayed read model
    (timelines, dashboards, matching, the member directory) into a schema of its own;
  - "replay to the head": the same at the last position.
and once, resolving the middle event's time to its position (the binary search over positions).

The rate of a replay is stream positions per second: the positions it brought its read models
to (each model reads only its own topics, so the log is read once per model); the ratio is to
the best raw read of the whole log. Each figure is the best of the rounds.

Runs on a fresh database `ithaca_bench_<random>` on BENCH_DATABASE_URL's server (or
`--database-url`), dropped at the end. Usage: python -m bench.replay [--events 1000000]
[--rounds 2] [--batch 20000]
"""

from __future__ import annotations

import argparse
import time

from bench.projections import Figure, add_log_options, raw_read, tenant_with_log, timed
from infra.container import Ithaca
from projections.replay.engine import (
    REPLAYED,
    build_replay,
    drop_replay,
    event_time,
    resolve,
)
from tenants.directory import TenantRecord

__all__ = ["main"]


def replay_once(ithaca: Ithaca, tenant: TenantRecord, position: int) -> int:
    """A replay built from nothing; answers the stream positions it covered."""
    drop_replay(ithaca, tenant, position)
    build_replay(ithaca, tenant, position)
    return position


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_log_options(parser, batch="events per batch (ITHACA_REBUILD_BATCH, which replays use)")
    args = parser.parse_args()
    with tenant_with_log(args.database_url, args.events, args.seed, args.batch) as (
        ithaca, tenant, log, url,
    ):
        print(f"generated {log.events:,} events in {log.seconds:.0f} s")
        head, middle = log.head, log.head // 2
        raw = Figure("raw read of the whole log", head, head)
        halfway = Figure(f"replay to the middle (position {middle:,})", middle, 0)
        whole = Figure(f"replay to the head (position {head:,})", head, 0)
        for round_number in range(1, args.rounds + 1):
            runs = [(raw, timed(lambda: raw_read(url, tenant.stream_name, args.batch))),
                    (halfway, timed(lambda: replay_once(ithaca, tenant, middle))),
                    (whole, timed(lambda: replay_once(ithaca, tenant, head)))]
            for figure, run in runs:
                figure.keep_best(run)
            print(f"round {round_number}: " + ", ".join(
                f"{figure.name} {figure.stream_events / run.seconds:,.0f}/s"
                for figure, run in runs))
        moment = event_time(ithaca, tenant, middle)
        assert moment is not None
        began = time.perf_counter()
        resolved = resolve(ithaca, tenant, as_of=moment)
        resolve_ms = (time.perf_counter() - began) * 1000
    print(f"log: {log.events:,} events ({head:,} positions), {log.members:,} members, "
          f"{len(log.relationship_ids):,} relationships, {log.first_at:%Y-%m-%d} to "
          f"{log.last_at:%Y-%m-%d}; batches of {args.batch:,}, best of {args.rounds} rounds; "
          f"read models replayed: {', '.join(p.name for p in REPLAYED)}")
    print(f"resolving the time {moment.isoformat()} to position {resolved:,}: "
          f"{resolve_ms:.1f} ms")
    for figure in (raw, halfway, whole):
        print(f"{figure.name:<44} {figure.stream_rate:12,.0f} positions/s "
              f"{figure.seconds:8.2f} s  CPU {figure.cpu_per_event:6.1f} us/position  "
              f"vs raw read {figure.stream_rate / raw.stream_rate:6.3f}")


if __name__ == "__main__":
    main()
