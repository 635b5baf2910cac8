"""Append throughput: an application service command versus a raw single-row INSERT.

(a) One tenant, one writer. Each command produces one event through a `StreamApplication`, either
    creating an aggregate ("create") or loading an existing one and commanding it ("command").
    The yardstick is psycopg inserting the same stored bytes, one autocommit row at a time, into a
    plain table with the same columns and primary key. The library's default PostgreSQL path
    (`PERSISTENCE_MODULE=eventsourcing.postgres`, JSON transcoder) runs the same commands. The
    contestants alternate in rounds so that drift in the machine's speed hits all of them alike.
(b) Eight writers, each on its own tenant (threads, one shared pool of eight), versus eight raw
    writer threads each on its own connection.

Runs on a fresh database `ithaca_bench_<random>` on BENCH_DATABASE_URL's server, dropped at the
end. Usage: python -m bench.append [--commands 3000] [--rounds 6] [--writers 8]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from psycopg import sql

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from infra.settings import Settings
from services.actor import Actor

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# The domain: a mentoring session is logged, then notes are added to it. -------------------------


class MentoringSession(Aggregate):
    @event("Logged")
    def __init__(
        self, relationship_id: UUID, mentor_id: UUID, held_at: datetime, agenda: list[str]
    ) -> None:
        self.relationship_id = relationship_id
        self.mentor_id = mentor_id
        self.held_at = held_at
        self.agenda = agenda
        self.notes: list[str] = []

    @event("NoteAdded")
    def add_note(self, note: str) -> None:
        self.notes.append(note)


def log_session(app: Application[UUID]) -> UUID:
    session = MentoringSession(
        relationship_id=uuid4(),
        mentor_id=uuid4(),
        held_at=datetime(2025, 3, 14, 15, 30, tzinfo=UTC),
        agenda=["pricing", "export paperwork"],
    )
    app.save(session)
    return session.id


def add_note(app: Application[UUID], session_id: UUID) -> None:
    session: object = app.repository.get(session_id)
    assert isinstance(session, MentoringSession)
    session.add_note("Send the price list by Friday")
    app.save(session)


class Sessions(StreamApplication):
    """Ithaca's path: a tenant stream on the shared pool, msgspec encoding."""

    name = "sessions"


class LibrarySessions(Application[UUID]):
    """The library's default path: its own PostgreSQL datastore and JSON transcoder."""

    name = "sessions"


# Raw psycopg: the floor for one autocommit row per write. ----------------------------------------


RAW_TABLE = (
    "CREATE TABLE IF NOT EXISTS raw_events ("
    " originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
    " topic text NOT NULL, state bytea NOT NULL,"
    " PRIMARY KEY (originator_id, originator_version))"
)
RAW_INSERT = (
    "INSERT INTO raw_events (originator_id, originator_version, topic, state)"
    " VALUES (%s, %s, %s, %b)"
)


class RawWriter:
    def __init__(self, url: str, topic: str, state: bytes) -> None:
        self.conn = psycopg.connect(url, autocommit=True)
        self.topic, self.state = topic, state

    def insert(self) -> None:
        self.conn.execute(RAW_INSERT, (uuid4(), 1, self.topic, self.state))

    def close(self) -> None:
        self.conn.close()


# Measuring. --------------------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def time(self, action: Callable[[], object], times: int) -> None:
        started = time.perf_counter()
        for _ in range(times):
            action()
        self.seconds += time.perf_counter() - started
        self.count += times

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def run_threads(targets: list[Callable[[], None]]) -> float:
    """Runs each target in its own thread, all released at once; returns the wall time."""
    start = threading.Barrier(len(targets) + 1)
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        start.wait()
        try:
            target()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    name = f"ithaca_bench_{uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def library_env(url: str) -> dict[str, str]:
    """The library's own PostgreSQL settings for the same database (its default transcoder)."""
    parts = urlsplit(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "CREATE_TABLE": "y",
    }


def one_writer(ithaca: Ithaca, url: str, commands: int, rounds: int) -> dict[str, Tally]:
    tenant = ithaca.tenant("bench-one")
    app = ithaca.tenant_application(tenant, Sessions)
    library = LibrarySessions(env=library_env(url))
    sample = app.mapper.to_stored_event(
        MentoringSession(
            relationship_id=uuid4(), mentor_id=uuid4(),
            held_at=datetime(2025, 3, 14, 15, 30, tzinfo=UTC), agenda=["pricing", "export"],
        ).collect_events()[0]
    )
    raw = RawWriter(url, sample.topic, sample.state)
    raw.conn.execute(RAW_TABLE)
    per_round = max(1, commands // rounds)
    # Sessions to command, created untimed: each command loads a one-event aggregate.
    ours_to_note = iter([log_session(app) for _ in range(per_round * rounds)])
    library_to_note = iter([log_session(library) for _ in range(per_round * rounds)])
    tallies = {name: Tally() for name in (
        "raw", "app create", "app command", "library create", "library command"
    )}
    for warm_up in (lambda: log_session(app), lambda: log_session(library), raw.insert):
        for _ in range(50):
            warm_up()
    try:
        for _ in range(rounds):
            tallies["raw"].time(raw.insert, per_round)
            tallies["app create"].time(lambda: log_session(app), per_round)
            tallies["app command"].time(lambda: add_note(app, next(ours_to_note)), per_round)
            tallies["library create"].time(lambda: log_session(library), per_round)
            tallies["library command"].time(
                lambda: add_note(library, next(library_to_note)), per_round
            )
    finally:
        raw.close()
        library.close()
    return tallies


def many_writers(ithaca: Ithaca, url: str, writers: int, commands: int) -> tuple[float, float]:
    apps = [
        ithaca.tenant_application(ithaca.tenant(f"bench-w{number}"), Sessions)
        for number in range(writers)
    ]
    sample = apps[0].mapper.to_stored_event(
        MentoringSession(
            relationship_id=uuid4(), mentor_id=uuid4(),
            held_at=datetime(2025, 3, 14, 15, 30, tzinfo=UTC), agenda=["pricing", "export"],
        ).collect_events()[0]
    )
    raws = [RawWriter(url, sample.topic, sample.state) for _ in range(writers)]

    def app_writer(app: Sessions) -> Callable[[], None]:
        def write() -> None:
            for _ in range(commands):
                log_session(app)

        return write

    def raw_writer(raw: RawWriter) -> Callable[[], None]:
        def write() -> None:
            for _ in range(commands):
                raw.insert()

        return write

    try:
        app_seconds = raw_seconds = 0.0
        for _ in range(2):  # two rounds each, alternating
            raw_seconds += run_threads([raw_writer(raw) for raw in raws])
            app_seconds += run_threads([app_writer(app) for app in apps])
    finally:
        for raw in raws:
            raw.close()
    total = 2 * writers * commands
    return total / app_seconds, total / raw_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=3000, help="commands in (a)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds in (a)")
    parser.add_argument("--writers", type=int, default=8, help="writer threads in (b)")
    parser.add_argument(
        "--commands-per-writer", type=int, default=500, help="commands per writer in (b)"
    )
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    actor = Actor(kind="cli", id="bench")
    with fresh_database(server_url) as url, tempfile.TemporaryDirectory() as data_dir:
        ithaca = bootstrap(Settings.from_env(
            {}, database_url=url, data_dir=data_dir, pool_size=args.writers,
            log_format="console",
        ))
        try:
            for slug in ["bench-one", *(f"bench-w{n}" for n in range(args.writers))]:
                ithaca.registry.provision_tenant(slug=slug, display_name=slug, actor=actor)
            one = one_writer(ithaca, url, args.commands, args.rounds)
            app_rate, raw_rate = many_writers(
                ithaca, url, args.writers, args.commands_per_writer
            )
        finally:
            ithaca.close()
    raw = one["raw"].rate
    print(f"(a) {one['raw'].count} commands per contestant in {args.rounds} alternating rounds")
    for name in ("app create", "app command", "library create", "library command"):
        tally = one[name]
        print(f"    {name:<16} {tally.rate:8.0f}/s  {1e6 / tally.rate:7.0f} us/command")
    print(f"    {'raw insert':<16} {raw:8.0f}/s  {1e6 / raw:7.0f} us/insert")
    print(f"append 1 writer (create):  app {one['app create'].rate:.0f}/s raw {raw:.0f}/s "
          f"ratio {one['app create'].rate / raw:.2f}")
    print(f"append 1 writer (command): app {one['app command'].rate:.0f}/s raw {raw:.0f}/s "
          f"ratio {one['app command'].rate / raw:.2f}")
    print(f"library default 1 writer (create):  {one['library create'].rate:.0f}/s "
          f"ratio {one['library create'].rate / raw:.2f}")
    print(f"library default 1 writer (command): {one['library command'].rate:.0f}/s "
          f"ratio {one['library command'].rate / raw:.2f}")
    print(f"append {args.writers} writers/{args.writers} tenants: app {app_rate:.0f}/s "
          f"raw {raw_rate:.0f}/s ratio {app_rate / raw_rate:.2f}")


if __name__ == "__main__":
    main()
