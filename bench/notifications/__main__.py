"""`python -m bench.notifications`: the run's options, and the figures it prints last."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench import notifications
from bench.append import DEFAULT_URL, fresh_database
from bench.notifications.measurement import Figures, Phase, percentile, run

TARGET_P99 = 5.0


def lateness(values: list[float]) -> str:
    return (f"p50 {percentile(values, 0.5):.2f} s, p99 {percentile(values, 0.99):.2f} s, "
            f"max {max(values, default=float('nan')):.2f} s")


def phase_lines(phase: Phase) -> list[str]:
    who = f"{phase.processes} scheduler process{'es' if phase.processes > 1 else ''}"
    raw = ", ".join(f"{rate:,.0f}" for rate in phase.raw_rates)
    missing = "" if phase.complete else f" (INCOMPLETE: {phase.reminders - phase.sent:,} not sent)"
    met = "met" if percentile(phase.at_sink, 0.99) < TARGET_P99 and phase.complete else "MISSED"
    statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(phase.statuses.items()))
    return [
        f"{who}: {phase.sent:,} of {phase.reminders:,} reminders in {phase.seconds:.1f} s"
        f"{missing}; due work rows: {statuses}",
        f"{who}: lateness recorded by the scheduler (settled_at - due_at): "
        f"{lateness(phase.recorded)}",
        f"{who}: reminders sent {phase.rate:,.0f}/s vs raw SMTP sends {phase.raw_rate:,.0f}/s "
        f"({phase.processes} session{'s' if phase.processes > 1 else ''}; rounds {raw}): "
        f"ratio {phase.rate / phase.raw_rate:.3f}",
        f"{who}: lateness at the sink (arrival - due_at): {lateness(phase.at_sink)} "
        f"(target p99 < {TARGET_P99:.0f} s: {met})",
    ]


def report(args: argparse.Namespace, figures: Figures) -> None:
    population = figures.population
    print(f"{len(population.slugs)} tenants, {population.member_count} members; "
          f"{args.reminders:,} reminders due within {args.window} s per phase; "
          f"scheduler sweep every {args.sweep_seconds:g} s; "
          f"sink `ithaca mail-sink` in its own process ({figures.sink_mib:,.0f} MiB resident)")
    print(f"a reminder is {figures.message_bytes:,} bytes; set-up {figures.setup_seconds:.1f} s")
    for phase in figures.phases:
        for line in phase_lines(phase):
            print(line)


def main() -> None:
    summary = notifications.__doc__.splitlines()[0] if notifications.__doc__ else None
    parser = argparse.ArgumentParser(prog="python -m bench.notifications", description=summary)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server to create the scratch database on")
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--window", type=float, default=60.0,
                        help="seconds over which the reminders fall due")
    parser.add_argument("--processes", default="1,4",
                        help="scheduler processes of each phase, comma-separated")
    parser.add_argument("--sweep-seconds", type=float, default=1.0,
                        help="ITHACA_MAIL_SWEEP_SECONDS of the schedulers (at least 1)")
    parser.add_argument("--raw-sends", type=int, default=5_000,
                        help="raw SMTP sends in each baseline round")
    parser.add_argument("--stalled-after", type=float, default=120.0,
                        help="seconds without a new mail after which a phase gives up")
    parser.add_argument("--logs", default=None,
                        help="a directory to keep the logs of the sink, the schedulers and the "
                             "set-up in (default: a temporary one, removed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true",
                        help="5,000 reminders across 10 tenants: a smoke run of a few minutes")
    args = parser.parse_args()
    if args.quick:
        args.reminders, args.tenants, args.raw_sends = 5_000, 10, 1_000
    args.processes = [int(count) for count in args.processes.split(",")]
    server_url = (args.database_url or os.environ.get("TEST_DATABASE_URL")
                  or os.environ.get("ITHACA_DATABASE_URL") or DEFAULT_URL)

    def progress(line: str) -> None:
        print(line, file=sys.__stderr__, flush=True)  # sys.stderr becomes the log file

    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as scratch:
        workdir = Path(args.logs or scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        figures = run(args, url, workdir, progress)
    report(args, figures)


if __name__ == "__main__":
    main()
