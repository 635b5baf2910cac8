"""Commands over HTTP: a mixed mentoring workload on 8 tenants, served by Granian.

Three contestants run with the same number of client threads, one after the other, in rounds:
  - "commands": the mixed workload below, each request a command through the JSON API (tenant
    resolution, session check, validation, load + rules + one append, the position answered);
  - "no-op": `GET /healthz` on the same server, the floor of HTTP + Granian + Litestar + client;
  - "raw insert": psycopg single-row autocommit INSERTs of an event-sized row, one connection per
    client thread, the database's floor.
The mix per request: 45% message in a relationship, 15% read receipt, 15% meeting proposal,
10% profile update, 15% pause or resume of a relationship.

Runs on a fresh database `ithaca_bench_<random>` on BENCH_DATABASE_URL's server, dropped at the
end. Usage: python -m bench.commands [--tenants 8] [--pairs 4] [--clients 16] [--requests 3000]
[--rounds 2] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
import psycopg

from bench.append import DEFAULT_URL, fresh_database, run_threads
from infra.bootstrap import bootstrap
from infra.settings import Settings
from services.actor import Actor

PASSWORD = "bench password long enough"  # noqa: S105 - synthetic accounts


@dataclass
class Pair:
    """One mentoring relationship of a tenant, with both members' tokens."""

    slug: str
    relationship_id: str
    mentee: dict[str, str]
    mentor: dict[str, str]
    paused: bool = False
    messages: int = 0


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def granian(url: str, data_dir: str, workers: int) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": url, "ITHACA_DATA_DIR": data_dir,
        "ITHACA_LOG_LEVEL": "warning", "ITHACA_LOG_FORMAT": "json",
        "ITHACA_POOL_SIZE": "8",
    }
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "infra", "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                msg = "the server did not become ready"
                raise RuntimeError(msg)
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        request = response.request
        msg = f"{request.method} {request.url}: {response.status_code} {response.text}"
        raise RuntimeError(msg)
    body: dict[str, Any] = response.json()
    return body


def member(client: httpx.Client, slug: str, name: str, role: str) -> dict[str, str]:
    email = f"{name}.{uuid4().hex[:8]}@example.org"
    _ok(client.post(f"/t/{slug}/api/v1/accounts", json={
        "email": email, "name": name, "password": PASSWORD, "roles": [role],
    }))
    token = _ok(client.post(f"/t/{slug}/api/v1/sessions", json={
        "email": email, "password": PASSWORD,
    }))["token"]
    return {"Authorization": f"Bearer {token}"}


MENTOR_PROFILE: dict[str, Any] = {
    "headline": "Export and pricing for small manufacturers",
    "bio": "Twenty years in export sales across Latin America and Southeast Asia.",
    "expertise": ["export", "pricing", "sales"], "industries": ["C"],
    "languages": ["en", "es"], "country": "ES", "countriesOfExperience": ["MX", "ID"],
    "timeZone": "Europe/Madrid", "capacity": 20, "monthlyHours": 8,
    "workingHours": {"start": "09:00", "end": "18:00", "weekdays": [0, 1, 2, 3, 4]},
}
ENTREPRENEUR_PROFILE: dict[str, Any] = {
    "businessName": "Batik Sari", "description": "Hand-made batik sold online and in markets.",
    "stage": "growing", "industry": "C", "country": "ID", "languages": ["id", "en"],
    "timeZone": "Asia/Jakarta", "challenges": "Pricing for export", "goals": "First EU buyer",
    "employees": 6,
    "workingHours": {"start": "08:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4, 5]},
}


def prepare(base: str, slugs: list[str], pairs_per_tenant: int) -> list[Pair]:
    pairs: list[Pair] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for slug in slugs:
            mentor_headers = member(client, slug, "mentor", "mentor")
            _ok(client.put(f"/t/{slug}/api/v1/profiles/mentor/me", json=MENTOR_PROFILE,
                           headers=mentor_headers))
            mentor_id = _ok(client.get(f"/t/{slug}/api/v1/me", headers=mentor_headers))["memberId"]
            for number in range(pairs_per_tenant):
                mentee_headers = member(client, slug, f"mentee{number}", "entrepreneur")
                _ok(client.put(f"/t/{slug}/api/v1/profiles/entrepreneur/me",
                               json=ENTREPRENEUR_PROFILE, headers=mentee_headers))
                relationship_id = _ok(client.post(f"/t/{slug}/api/v1/relationships", json={
                    "mentorId": mentor_id,
                    "introduction": "I make batik and want to sell to Europe; your export "
                                    "experience would help me price my first orders.",
                }, headers=mentee_headers))["id"]
                path = f"/t/{slug}/api/v1/relationships/{relationship_id}"
                _ok(client.post(f"{path}/accept", json={}, headers=mentor_headers))
                _ok(client.post(f"{path}/start", json={}, headers=mentor_headers))
                pairs.append(Pair(slug, relationship_id, mentee_headers, mentor_headers))
    return pairs


def provision(url: str, data_dir: str, slugs: list[str]) -> None:
    ithaca = bootstrap(Settings.from_env({}, database_url=url, data_dir=data_dir))
    try:
        for slug in slugs:
            ithaca.registry.provision_tenant(
                slug=slug, display_name=slug, actor=Actor(kind="cli", id="bench")
            )
    finally:
        ithaca.close()


def one_command(client: httpx.Client, pair: Pair, rng: random.Random) -> httpx.Response:
    path = f"/t/{pair.slug}/api/v1/relationships/{pair.relationship_id}"
    pick = rng.random()
    if pick < 0.45 or (pick < 0.60 and pair.messages == 0):  # nothing to mark read yet
        pair.messages += 1
        sender = pair.mentee if rng.random() < 0.5 else pair.mentor
        return client.post(f"{path}/messages", headers=sender,
                           json={"body": "Thanks, I will send the price list by Friday."})
    if pick < 0.60:
        return client.post(f"{path}/messages/read", headers=pair.mentor,
                           json={"upTo": max(1, pair.messages)})
    if pick < 0.75:
        day = rng.randint(1, 27)
        return client.post(f"{path}/meetings", headers=pair.mentee, json={
            "startsAt": f"2027-02-{day:02d}T16:00", "durationMinutes": 45,
            "agenda": "Review the export price list",
        })
    if pick < 0.85:
        return client.put(f"/t/{pair.slug}/api/v1/profiles/entrepreneur/me",
                          headers=pair.mentee, json=ENTREPRENEUR_PROFILE)
    pair.paused = not pair.paused
    return client.post(f"{path}/{'pause' if pair.paused else 'resume'}", headers=pair.mentor,
                       json={})


def run_clients(clients: int, per_client: int, action: Callable[[int], Callable[[], bool]]
                ) -> Latencies:
    """`action(n)` gives client n's request function (True when it succeeded)."""
    tally = Latencies()
    lock = threading.Lock()

    def client(request: Callable[[], bool]) -> Callable[[], None]:
        def run() -> None:
            mine: list[float] = []
            errors = 0
            for _ in range(per_client):
                began = time.perf_counter()
                ok = request()
                mine.append(time.perf_counter() - began)
                errors += not ok
            with lock:
                tally.seconds.extend(mine)
                tally.errors += errors

        return run

    tally.wall = run_threads([client(action(number)) for number in range(clients)])
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=4, help="relationships per tenant")
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--requests", type=int, default=3000, help="requests per contestant")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes")
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    slugs = [f"bench-{n}" for n in range(args.tenants)]
    per_client = max(1, args.requests // args.clients // args.rounds)
    totals = {name: Latencies() for name in ("commands", "no-op", "raw insert")}
    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as data_dir:
        provision(url, data_dir, slugs)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE raw_events (id uuid PRIMARY KEY, topic text, state bytea)")
        state = os.urandom(300)
        with granian(url, data_dir, args.workers) as base:
            pairs = prepare(base, slugs, args.pairs)
            http_clients = [httpx.Client(base_url=base, timeout=60) for _ in range(args.clients)]
            raw_connections = [psycopg.connect(url, autocommit=True) for _ in range(args.clients)]
            refusals: list[str] = []

            def commands(number: int) -> Callable[[], bool]:
                rng = random.Random(number)  # noqa: S311 - a repeatable workload, not a secret
                # Disjoint relationships per client where there are enough of them.
                mine = pairs[number::args.clients] or [pairs[number % len(pairs)]]
                client = http_clients[number]
                def command() -> bool:
                    response = one_command(client, rng.choice(mine), rng)
                    if response.status_code >= 400 and len(refusals) < 5:
                        refusals.append(f"{response.request.method} {response.request.url.path}"
                                        f" {response.status_code} {response.text[:160]}")
                    return response.status_code < 400

                return command

            def no_op(number: int) -> Callable[[], bool]:
                client = http_clients[number]
                return lambda: client.get("/healthz").status_code == 200

            def raw_insert(number: int) -> Callable[[], bool]:
                conn = raw_connections[number]

                def insert() -> bool:
                    conn.execute("INSERT INTO raw_events VALUES (%s, %s, %b)",
                                 (uuid4(), "bench", state))
                    return True

                return insert

            try:
                for _ in range(args.rounds):
                    for name, action in (("no-op", no_op), ("commands", commands),
                                         ("raw insert", raw_insert)):
                        tally = run_clients(args.clients, per_client, action)
                        totals[name].seconds.extend(tally.seconds)
                        totals[name].wall += tally.wall
                        totals[name].errors += tally.errors
            finally:
                for client in http_clients:
                    client.close()
                for conn in raw_connections:
                    conn.close()
    report(args, len(pairs), totals, refusals)


def report(args: argparse.Namespace, pairs: int, totals: dict[str, Latencies],
           refusals: list[str]) -> None:
    print(f"{args.tenants} tenants, {pairs} relationships, {args.clients} client threads, "
          f"{args.workers} Granian workers, {args.rounds} rounds")
    for name, tally in totals.items():
        print(f"    {name:<11} {tally.rate:8.0f}/s  p50 {tally.percentile(0.5) * 1e3:6.1f} ms  "
              f"p99 {tally.percentile(0.99) * 1e3:6.1f} ms  errors {tally.errors}")
    for refusal in refusals:
        print(f"    refused: {refusal}")
    commands_rate = totals["commands"].rate
    print(f"commands vs no-op endpoint: {commands_rate / totals['no-op'].rate:.2f} "
          f"(p50 {totals['commands'].percentile(0.5) * 1e3:.1f} ms vs "
          f"{totals['no-op'].percentile(0.5) * 1e3:.1f} ms)")
    print(f"commands vs raw psycopg inserts: {commands_rate / totals['raw insert'].rate:.2f} "
          f"(p99 {totals['commands'].percentile(0.99) * 1e3:.1f} ms vs "
          f"{totals['raw insert'].percentile(0.99) * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
