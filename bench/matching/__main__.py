"""`python -m bench.matching`: the run's options, and the figures it prints last."""

from __future__ import annotations

import argparse
import os
import sys

from bench import matching
from bench.append import DEFAULT_URL, fresh_database
from bench.matching.baseline import TOP
from bench.matching.measurement import Figures, percentile, run


def report(args: argparse.Namespace, figures: Figures) -> None:
    assert figures.index
    assert figures.baseline
    assert figures.catch_up
    assert figures.candidates
    index_p50, index_p95 = percentile(figures.index, 0.5), percentile(figures.index, 0.95)
    base_p50, base_p95 = percentile(figures.baseline, 0.5), percentile(figures.baseline, 0.95)
    print(f"{args.mentors} mentors, {args.entrepreneurs} entrepreneurs, "
          f"{args.relationships} requests; {args.queries} profile changes, top {TOP}")
    print(f"written: {figures.events_written} events in {figures.write_seconds:.1f} s "
          f"({figures.events_written / figures.write_seconds:,.0f} events/s, bulk appends)")
    print(f"candidates per entrepreneur after the language filter: median "
          f"{percentile(figures.candidates, 0.5):,.0f}")
    print(f"catch-up after each change: p50 {percentile(figures.catch_up, 0.5) * 1e3:.1f} ms")
    print(f"results differing from the baseline: {figures.mismatches}")
    print(f"the same list again, nothing changed: p50 "
          f"{percentile(figures.repeated, 0.5) * 1e3:.2f} ms, "
          f"p95 {percentile(figures.repeated, 0.95) * 1e3:.2f} ms")
    print(f"projection of {args.mentors + args.entrepreneurs:,} profiles: "
          f"{figures.events_projected:,} events in {figures.projection_seconds:.1f} s "
          f"({figures.events_projected / figures.projection_seconds:,.0f} events/s); "
          f"index cold load {figures.cold_load_seconds:.1f} s")
    print(f"top-{TOP}, index (refresh included): p50 {index_p50 * 1e3:.2f} ms, "
          f"p95 {index_p95 * 1e3:.2f} ms (target <= 20 ms: "
          f"{'met' if index_p95 <= 0.020 else 'MISSED'})")
    print(f"top-{TOP}, brute-force NumPy baseline: p50 {base_p50 * 1e3:.2f} ms, "
          f"p95 {base_p95 * 1e3:.2f} ms")
    print(f"index vs baseline: {base_p50 / index_p50:.1f}x faster at p50, "
          f"{base_p95 / index_p95:.1f}x at p95")


def main() -> None:
    summary = matching.__doc__.splitlines()[0] if matching.__doc__ else None
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=summary)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server to create the scratch database on")
    parser.add_argument("--mentors", type=int, default=100_000)
    parser.add_argument("--entrepreneurs", type=int, default=200_000)
    parser.add_argument("--relationships", type=int, default=None,
                        help="mentoring requests (default: 0.8 per mentor)")
    parser.add_argument("--queries", type=int, default=300, help="timed profile changes")
    parser.add_argument("--warm-up", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true",
                        help="2,000 mentors and 4,000 entrepreneurs: runs in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.mentors, args.entrepreneurs, args.queries = 2_000, 4_000, 40
    if args.relationships is None:
        args.relationships = int(args.mentors * 0.8)
    server_url = args.database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with fresh_database(server_url) as url:
        figures = run(args, url, progress)
    report(args, figures)


if __name__ == "__main__":
    main()
