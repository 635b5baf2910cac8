"""A thousand tenants on one PostgreSQL database: provisioning cost and connections held.

Bootstraps Ithaca as production does (one shared pool of --pool-size connections), provisions
--tenants tenants one after another, then writes one event to every tenant from --writers threads.
A monitor on its own connection samples pg_stat_activity for the database throughout; the pool
should hold at most --pool-size connections however many tenants there are.

Runs on a fresh database `ithaca_bench_<random>` on BENCH_DATABASE_URL's server, dropped at the
end. Usage: python -m bench.tenants [--tenants 1000] [--pool-size 10] [--writers 8]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import tempfile
import threading
import time
from uuid import UUID

import psycopg
from eventsourcing.domain import Aggregate, event

from bench.append import DEFAULT_URL, fresh_database, run_threads
from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.settings import Settings
from services.actor import Actor


class Cohort(Aggregate):
    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name


class Cohorts(StreamApplication):
    name = "cohorts"

    def open_cohort(self, name: str) -> UUID:
        cohort = Cohort(name)
        self.save(cohort)
        return cohort.id


class ConnectionSampler:
    """Counts the database's server connections, other than its own, until stopped."""

    def __init__(self, url: str) -> None:
        self._conn = psycopg.connect(url, autocommit=True)
        self._stop = threading.Event()
        self.samples: list[int] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            row = self._conn.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
            self.samples.append(int(row[0]) if row else 0)
            self._stop.wait(0.005)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


def write_one_event_each(ithaca: Ithaca, slugs: list[str], writers: int) -> float:
    def writer(my_slugs: list[str]) -> None:
        for slug in my_slugs:
            ithaca.tenant_application(ithaca.tenant(slug), Cohorts).open_cohort("Spring 2026")

    return run_threads([
        functools.partial(writer, slugs[number::writers]) for number in range(writers)
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--writers", type=int, default=8, help="threads writing the events")
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    actor = Actor(kind="cli", id="bench")
    slugs = [f"tenant-{number:04d}" for number in range(args.tenants)]
    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as data_dir:
        ithaca = bootstrap(Settings.from_env(
            {}, database_url=url, data_dir=data_dir, pool_size=args.pool_size,
            open_tenants=max(256, args.tenants), log_format="console",
        ))
        try:
            with ConnectionSampler(url) as sampler:
                provisioning: list[float] = []
                for slug in slugs:
                    started = time.perf_counter()
                    ithaca.registry.provision_tenant(slug=slug, display_name=slug, actor=actor)
                    provisioning.append(time.perf_counter() - started)
                during_provisioning = max(sampler.samples, default=0)
                write_seconds = write_one_event_each(ithaca, slugs, args.writers)
            open_streams = len(ithaca.open_streams)
            positions = [
                ithaca.tenant_application(ithaca.tenant(slug), Cohorts).position for slug in slugs
            ]
            assert all(position == 1 for position in positions), "a tenant lacks its event"
        finally:
            ithaca.close()
    held = max(sampler.samples, default=0)
    print(f"{args.tenants} tenants, pool of {args.pool_size}, {args.writers} writer threads; "
          f"{len(sampler.samples)} pg_stat_activity samples; {open_streams} streams open")
    print(f"provisioning: total {sum(provisioning):.1f} s, median "
          f"{1000 * statistics.median(provisioning):.1f} ms, p95 "
          f"{1000 * statistics.quantiles(provisioning, n=20)[-1]:.1f} ms")
    print(f"writes: one event to each tenant in {write_seconds:.2f} s "
          f"({args.tenants / write_seconds:.0f} events/s)")
    print(f"tenants: provisioning {1000 * statistics.mean(provisioning):.1f} ms/tenant")
    print(f"connections held: max {held} (during provisioning {during_provisioning}) "
          f"vs pool size {args.pool_size}")


if __name__ == "__main__":
    main()
