"""The projection engine: batches applied exactly once, failures isolated per tenant, reads that
wait for a position, rebuilds that swap in without downtime, leases between workers, and a
worker process killed mid-batch again and again. Every test runs on both backends unless it is
about PostgreSQL's advisory locks."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from infra.container import Ithaca
from infra.settings import Settings
from projections.engine import ProjectionFailedError, Projector
from projections.leases import PostgresLeases
from projections.reading import NotCaughtUpError, open_read_model
from projections.rebuild import rebuild
from projections.status import statuses
from projections.tables import Column, ColumnType, Table
from projections.worker import ProjectionWorker
from services.actor import Actor
from tenants.directory import TenantRecord
from tests.projections.tallies import (
    GROUPS,
    TALLIES,
    Tally,
    TallyProjection,
    TallyWriter,
    write_tallies,
)

ROOT = Path(__file__).resolve().parents[2]

Tables = dict[str, list[tuple[object, ...]]]


def _tenant(ithaca: Ithaca, slug: str) -> TenantRecord:
    ithaca.registry.provision_tenant(
        slug=slug, display_name=slug.title(), actor=Actor(kind="cli", id="test"))
    return ithaca.tenant(slug)


@pytest.fixture
def tenant(ithaca: Ithaca) -> TenantRecord:
    return _tenant(ithaca, "acme")


def _rows(ithaca: Ithaca, tenant: TenantRecord, suffix: str = "") -> Tables:
    """Every row of the tally read model, in key order (the live tables or a shadow copy)."""
    store = open_read_model(ithaca, tenant, TallyProjection()).store
    return {
        table.name: store.select(
            "SELECT * FROM {t} ORDER BY " + ", ".join(table.key), (), t=table.name + suffix)
        for table in (TALLIES, GROUPS)
    }


def _clean_rebuild_rows(ithaca: Ithaca, tenant: TenantRecord) -> Tables:
    """The read model built from scratch, in one go, into tables of its own."""
    stream = open_read_model(ithaca, tenant, TallyProjection()).stream
    check = Projector(stream, TallyProjection(), state_name="tallies__check", suffix="__check")
    check.prepare()
    check.catch_up()
    return _rows(ithaca, tenant, "__check")


def test_a_batch_and_its_position_commit_together_and_nothing_is_applied_twice(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    # 40 tallies counted up 5 times each: 240 events, projected 7 at a time.
    head, _ = write_tallies(ithaca, tenant, tallies=40, counts_each=5)
    stream = open_read_model(ithaca, tenant, TallyProjection()).stream
    projector = Projector(stream, TallyProjection(), batch_size=7)
    done = projector.catch_up()
    assert (done.events, done.position, done.batches) == (240, head, 35)
    again = Projector(stream, TallyProjection(), batch_size=7).catch_up()
    assert again.events == 0
    store = projector.store
    assert store.select("SELECT total, events FROM {t}", (), t="tally_groups") == [(200, 240)]
    assert {row["count"] for row in store.rows(TALLIES)} == {5}
    assert _rows(ithaca, tenant) == _clean_rebuild_rows(ithaca, tenant)


def test_a_projection_that_fails_stops_at_the_event_for_that_tenant_only(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    healthy = _tenant(ithaca, "globex")
    write_tallies(ithaca, tenant, tallies=3, counts_each=1)
    writer = ithaca.tenant_application(tenant, TallyWriter)
    writer.save(Tally("p", "poison"))
    poisoned_at = writer.position
    write_tallies(ithaca, tenant, tallies=2, counts_each=1)
    write_tallies(ithaca, healthy, tallies=4, counts_each=2)

    worker = ProjectionWorker(ithaca, [TallyProjection()], threads=2, poll_seconds=0.2)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = {row.tenant: row for row in statuses(ithaca, [TallyProjection()])}
            if found["acme"].error and found["globex"].lag_events == 0:
                break
            time.sleep(0.05)
    finally:
        worker.stop()
    acme, globex = found["acme"], found["globex"]
    # Acme stopped just before the poisoned event, said where and why; Globex went on.
    assert acme.error_position == poisoned_at
    assert acme.position == poisoned_at - 1
    assert "a poisoned tally" in (acme.error or "")
    assert acme.lag_events > 0
    assert (globex.error, globex.lag_events) == (None, 0)
    with pytest.raises(ProjectionFailedError) as failure:
        Projector(open_read_model(ithaca, tenant, TallyProjection()).stream,
                  TallyProjection()).catch_up()
    assert failure.value.position == poisoned_at


def test_a_read_waits_for_the_position_a_command_reached(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    model = open_read_model(ithaca, tenant, TallyProjection())
    position, _ = write_tallies(ithaca, tenant, tallies=5, counts_each=1)
    # No worker yet: the read model cannot get there, and the read says so in time.
    with pytest.raises(NotCaughtUpError) as refused:
        model.wait_for(position, timeout=0.2)
    assert refused.value.status_code == 503
    assert refused.value.field == "after"
    worker = ProjectionWorker(ithaca, [TallyProjection()], threads=1, poll_seconds=30)
    worker.start()
    try:
        # Woken by the append itself (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite),
        # not by the 30-second poll.
        position, _ = write_tallies(ithaca, tenant, tallies=5, counts_each=1)
        assert model.wait_for(position, timeout=10) >= position
        assert model.store.select("SELECT events FROM {t}", (), t="tally_groups") == [(20,)]
    finally:
        worker.stop()


def test_a_rebuild_swaps_in_new_tables_while_reads_go_on(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    write_tallies(ithaca, tenant, tallies=30, counts_each=4)
    model = open_read_model(ithaca, tenant, TallyProjection())
    Projector(model.stream, TallyProjection()).catch_up()
    before = model.store.state("tallies")
    assert before is not None

    problems: list[str] = []
    reading = threading.Event()
    reading.set()

    def read_continuously() -> None:
        while reading.is_set():
            try:
                total = model.store.select("SELECT sum(total) FROM {t}", (), t="tally_groups")
                if total[0][0] < 120:
                    problems.append(f"read a total of {total[0][0]}")
            except Exception as error:  # any failed read is the finding
                problems.append(repr(error))

    reader = threading.Thread(target=read_continuously)
    reader.start()

    def meanwhile() -> None:
        # Just before the swap: the live tables still answer, and more events arrive, which
        # the live projection goes on to apply after the swap.
        assert model.store.select("SELECT sum(total) FROM {t}", (), t="tally_groups") == [(120,)]
        write_tallies(ithaca, tenant, tallies=1, counts_each=10, group="late")

    try:
        rebuild(ithaca, tenant, TallyProjection(), before_swap=meanwhile)
    finally:
        reading.clear()
        reader.join()
    assert problems == []
    after = model.store.state("tallies")
    assert after is not None
    assert after.generation == before.generation + 1
    assert after.position < model.store.head(model.stream)
    Projector(model.stream, TallyProjection()).catch_up()
    assert model.store.select(
        "SELECT group_name, total FROM {t} ORDER BY group_name", (), t="tally_groups",
    ) == [("g", 120), ("late", 10)]
    assert _rows(ithaca, tenant) == _clean_rebuild_rows(ithaca, tenant)
    # The shadow's tables and state are gone; a second rebuild works the same way.
    assert {state.name for state in model.store.states()} == {"tallies", "tallies__check"}
    rebuild(ithaca, tenant, TallyProjection())
    assert _rows(ithaca, tenant) == _clean_rebuild_rows(ithaca, tenant)


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_lease_is_held_by_one_worker_and_passes_on_when_it_dies(
    ithaca: Ithaca, tenant: TenantRecord, settings: Settings,
) -> None:
    first = PostgresLeases(settings.database_url, application_name="ithaca:first")
    second = PostgresLeases(settings.database_url, application_name="ithaca:second")
    try:
        assert first.try_acquire(tenant.stream_name, "tallies")
        assert not second.try_acquire(tenant.stream_name, "tallies")
        assert second.try_acquire(tenant.stream_name, "other")  # leases are per projection
        # The first worker's process dies: PostgreSQL ends its session and frees its leases.
        with psycopg.connect(settings.database_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE application_name = 'ithaca:first'")
        deadline = time.monotonic() + 5
        while not second.try_acquire(tenant.stream_name, "tallies"):
            assert time.monotonic() < deadline, "the lease was not freed within seconds"
            time.sleep(0.05)
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("backend", ["postgres"])
def test_two_workers_never_work_on_the_same_tenant_projection_at_once(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    others = [_tenant(ithaca, f"tenant-{number}") for number in range(3)]
    for each in (tenant, *others):
        write_tallies(ithaca, each, tallies=40, counts_each=10)
    workers = [ProjectionWorker(ithaca, [TallyProjection(0.002)], threads=2, poll_seconds=0.2,
                                batch_size=20) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + 60
        while any(row.lag_events for row in statuses(ithaca, [TallyProjection()])):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        for worker in workers:
            worker.stop()
    # Both worked, neither ever computed a batch the other had already applied, and the sums
    # are exact.
    assert all(worker.counters.batches > 0 for worker in workers)
    assert sum(worker.counters.superseded for worker in workers) == 0
    assert sum(worker.counters.events for worker in workers) == 4 * 440
    for each in (tenant, *others):
        assert _rows(ithaca, each) == _clean_rebuild_rows(ithaca, each)


@pytest.fixture
def worker_processes(settings: Settings) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _start_worker(
    settings: Settings, started: list[subprocess.Popen[str]]
) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.projections.worker_process", settings.database_url,
         settings.data_dir, "25", "0.01"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    started.append(process)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_killing_the_worker_mid_batch_again_and_again_leaves_what_a_clean_rebuild_gives(
    ithaca: Ithaca, tenant: TenantRecord, settings: Settings,
    worker_processes: list[subprocess.Popen[str]],
) -> None:
    head, _ = write_tallies(ithaca, tenant, tallies=60, counts_each=25)  # 1,560 events
    model = open_read_model(ithaca, tenant, TallyProjection())
    rng = random.Random(4)  # noqa: S311 - kill moments, not secrets
    positions_at_kills = []
    for kill in range(6):
        process = _start_worker(settings, worker_processes)
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        positions_at_kills.append(model.position)
        if kill % 2:  # more events arrive while no worker runs
            head, _ = write_tallies(ithaca, tenant, tallies=5, counts_each=3)
    assert 0 < positions_at_kills[-1] < head, positions_at_kills  # kills landed mid-way
    _start_worker(settings, worker_processes)
    model.wait_for(head, timeout=60)
    assert _rows(ithaca, tenant) == _clean_rebuild_rows(ithaca, tenant)
    assert model.store.select("SELECT sum(total) FROM {t}", (), t="tally_groups") == [
        (60 * 25 + 3 * 5 * 3,)]


def test_a_real_column_takes_whole_and_fractional_numbers_in_one_batch(
    ithaca: Ithaca, tenant: TenantRecord,
) -> None:
    scores = Table("test_scores", (Column("name", ColumnType.TEXT),
                                   Column("score", ColumnType.REAL)), key=("name",))
    store = open_read_model(ithaca, tenant, TallyProjection()).store
    store.create_tables([scores])
    with store.transaction() as transaction:
        transaction.write(scores, [{"name": "a", "score": 1}, {"name": "b", "score": 2.5}], [])
    assert store.rows(scores, order_by="name") == [
        {"name": "a", "score": 1.0}, {"name": "b", "score": 2.5}]


@pytest.mark.parametrize("backend", ["postgres"])
def test_preparing_a_read_model_that_exists_does_not_wait_for_a_batch_being_written(
    ithaca: Ithaca, tenant: TenantRecord, settings: Settings,
) -> None:
    # The worker is writing a batch into the tallies (its transaction holds the table) while a
    # test or the CLI prepares the same read model to catch it up: preparing must find the
    # tables and indexes there and go on, not queue behind the batch (two such waits in
    # opposite table orders were a deadlock).
    stream = open_read_model(ithaca, tenant, TallyProjection()).stream
    Projector(stream, TallyProjection()).prepare()
    schema = tenant.stream_name
    with psycopg.connect(settings.database_url) as batch:
        batch.execute(f'LOCK TABLE "{schema}".tally_tallies IN ROW EXCLUSIVE MODE')
        prepared = threading.Event()

        def prepare() -> None:
            Projector(stream, TallyProjection()).prepare()
            prepared.set()

        preparer = threading.Thread(target=prepare, daemon=True)
        preparer.start()
        assert prepared.wait(timeout=5), "preparing waited for the batch's transaction"
        batch.rollback()
    preparer.join(timeout=5)
