"""The aggregates an application caches are shared by every thread of the process: one thread
bringing a popular mentor's caseload up to date must not change it under another thread that is
copying it ("dictionary changed size during iteration"), nor hand anyone a half-changed copy."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.actor import Actor
from services.mentoring.domain import Caseload
from tests.mentoring.conftest import INTRODUCTION, Cohort

WRITERS, READERS, REQUESTS = 4, 4, 80


@pytest.fixture
def threads_switching_often() -> Iterator[None]:
    """Threads take turns every few microseconds instead of every 5 ms, so a copy of a cached
    aggregate and a change to it interleave in a few hundred commands, as they do in days of
    production."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.usefixtures("threads_switching_often")
def test_threads_reading_and_changing_one_caseload_each_get_a_whole_copy(cohort: Cohort) -> None:
    ben = cohort.mentor("Ben")
    mentoring = cohort.mentoring
    writing = threading.Event()
    writing.set()
    seen_sizes: list[int] = []

    def request_ben(count: int) -> None:
        for _ in range(count):
            mentee = uuid.uuid4()
            mentoring.request_mentor(mentee, ben.id, INTRODUCTION,
                                     Actor(kind="member", id=str(mentee)))

    def read_bens_caseload() -> None:
        while writing.is_set():
            # A copy is whole: each request added one entry and one version.
            caseload = mentoring.find(Caseload.create_id(ben.id), Caseload)
            if caseload is not None:
                assert len(caseload.entries) == caseload.version - 1
                seen_sizes.append(len(caseload.entries))
            time.sleep(0)

    with ThreadPoolExecutor(WRITERS + READERS) as threads:
        readers = [threads.submit(read_bens_caseload) for _ in range(READERS)]
        writers = [threads.submit(request_ben, REQUESTS // WRITERS) for _ in range(WRITERS)]
        try:
            for writer in writers:
                writer.result(timeout=60)
        finally:
            writing.clear()
        for reader in readers:
            reader.result(timeout=60)

    assert len(mentoring.relationships_of(ben.id)) == REQUESTS
    assert seen_sizes, "the readers never read"
