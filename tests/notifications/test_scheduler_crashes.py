"""A worker killed while a mail it claimed is on its way, ten times over: every notification
still arrives, and the only mail that arrives twice is mail a crash kept from being recorded (at
most one duplicate per crash).

The worker is the real `ithaca projections run` (which runs the scheduler beside the
projections), in a process group of its own, on the test's backend. The SMTP sink runs in the
test and, when told, holds the next new mail without answering: the worker has sent it and
waits for the 250, nothing is recorded yet. Then the worker is killed with SIGKILL. Half the
time the server had the mail (it must not be lost, and may come again once); half the time it
was lost in flight (it must come again). The work the worker had claimed comes back when its
lease ends (ITHACA_WORK_LEASE_SECONDS, two seconds here), and the next worker carries it out.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import time as clock_time
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple, NoReturn
from uuid import UUID

import msgspec
import pytest

from infra.container import Ithaca
from infra.delivery.records import DeliveryRecords, NotificationCentre, Outcome
from infra.mail.sink import MailSink, ReceivedMail
from infra.scheduling.due_work import DueWorkTable, WorkStatus
from infra.settings import Settings
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from services.mentoring.application import Mentoring
from services.mentoring.notifications import REQUEST_RECEIVED
from services.notifications.application import Notifications
from services.notifications.values import Channel
from services.profiles.application import Profiles
from services.profiles.domain import MentorDetails, WorkingHours
from services.tokens import VERIFY_EMAIL
from tenants.directory import TenantRecord
from tests.environment import environment_of
from tests.mail.fixtures import free_port
from tests.servers import REPO, TIME_SCALE
from tests.tenant_api import PASSWORD

CRASHES = 10
ENTREPRENEURS = 6
MENTORS = 5
"""Each entrepreneur asks each mentor (the programme allows five open requests each)."""
PRODUCT = "Acme Mentoring"
LEASE_SECONDS = 2
WAIT_SECONDS = 60 * TIME_SCALE
"""The longest a worker may take to reach a mail, or to finish every piece of work."""
DUE_AT_ONCE = frozenset({VERIFY_EMAIL, REQUEST_RECEIVED})
LOG_TAIL_LINES = 40
ADMIN = Actor(kind="cli", id="test")
INTRODUCTION = "Hello! I run a small bakery in Porto and would love your advice on a second shop."


class MailKey(NamedTuple):
    """One notification as its recipient sees it: no two notifications here share both."""

    to: str
    subject: str


def mail_key(message: EmailMessage) -> MailKey:
    return MailKey(to=message["To"].addresses[0].addr_spec, subject=str(message["Subject"]))


class HoldingSink:
    """A real SMTP sink that can hold the next mail it has not been offered before: its sender
    has sent it all and waits for the server's answer (250), which does not come.

    A held mail is either kept (the server has it: the sender, killed now, never learns so) or
    lost (as when the connection breaks before the end of the data, which a server discards:
    the sender, killed now, never learns that either). Only the mail the sink has counted
    `arrived`."""

    def __init__(self) -> None:
        self.sink = MailSink("127.0.0.1", free_port(), on_mail=self._received)
        self.holding = threading.Event()
        """Set while a mail is held."""
        self.kept: list[MailKey] = []
        self.lost: list[MailKey] = []
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._offered: set[MailKey] = set()
        self._arrived: Counter[MailKey] = Counter()
        self._passes: int | None = None
        self._keep = True

    @property
    def port(self) -> int:
        return self.sink.port

    def arrived(self) -> Counter[MailKey]:
        """How often each notification arrived."""
        with self._lock:
            return Counter(self._arrived)

    def hold_after(self, new_mails: int, *, keep: bool) -> None:
        """Lets `new_mails` mails not offered before through (and any offered before), then
        holds the next new one, and keeps it or loses it."""
        with self._lock:
            self._passes, self._keep = new_mails, keep
        self.holding.clear()
        self._released.clear()

    def release(self) -> None:
        """Answers the held mail (to a sender that may be dead) and holds nothing more."""
        with self._lock:
            self._passes = None
        self._released.set()

    def _received(self, mail: ReceivedMail) -> None:
        # Called by the sink before it answers 250; it runs on the sink's event loop, which
        # waits with it (only the worker talks to the sink).
        key = mail_key(mail.message)
        with self._lock:
            new = key not in self._offered
            self._offered.add(key)
            hold = new and self._passes == 0
            if hold:
                self._passes = None
                (self.kept if self._keep else self.lost).append(key)
            elif new and self._passes is not None:
                self._passes -= 1
            if not hold or self._keep:
                self._arrived[key] += 1
        if hold:
            self.holding.set()
            self._released.wait(timeout=WAIT_SECONDS)


class Worker:
    """One `ithaca projections run`, the leader of its own process group."""

    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infra", "projections", "run"],
                cwd=REPO, env={**environment, "PYTHONFAULTHANDLER": "1"},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the whole group, as a host that dies."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, as a supervisor stops it."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20 * TIME_SCALE)
        except subprocess.TimeoutExpired:
            self.fail("the worker was still running 20 s after SIGTERM")

    def fail(self, problem: str) -> NoReturn:
        status = self.process.poll()
        lines = self.log_path.read_text(errors="replace").splitlines()
        self.kill()
        pytest.fail("\n".join([
            problem, f"the worker: {'still running' if status is None else f'exit {status}'}",
            f"the last {LOG_TAIL_LINES} of its {len(lines)} log lines ({self.log_path}):",
            *lines[-LOG_TAIL_LINES:],
        ]), pytrace=False)


@pytest.fixture
def sink() -> Iterator[HoldingSink]:
    holding = HoldingSink()
    with holding.sink:
        try:
            yield holding
        finally:
            holding.release()  # the sink's loop must be free to stop


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def worker_environment(settings: Settings, sink: HoldingSink) -> dict[str, str]:
    worker_settings = msgspec.structs.replace(
        settings, mail_host="127.0.0.1", mail_port=sink.port,
        work_lease_seconds=float(LEASE_SECONDS), mail_sweep_seconds=1.0,
        # A worker kept waiting for the 250 waits until it is killed, however slowly the test
        # gets round to it, rather than giving up and retrying later.
        mail_timeout=WAIT_SECONDS,
    )
    return {**os.environ, **environment_of(worker_settings)}


class Cohort(NamedTuple):
    mentor_ids: list[UUID]
    expected: set[MailKey]
    """The mail that falls due at once: each member's address confirmation and each mentor's
    "X asks you to be their mentor"."""


def cohort(ithaca: Ithaca, tenant: TenantRecord) -> Cohort:
    """Entrepreneurs who have each asked every mentor; nothing sent yet."""
    accounts = ithaca.tenant_application(tenant, Accounts)
    notifications = ithaca.tenant_application(tenant, Notifications)
    expected: set[MailKey] = set()
    members: dict[Role, list[tuple[UUID, str, str]]] = {}
    for role, count in ((Role.ENTREPRENEUR, ENTREPRENEURS), (Role.MENTOR, MENTORS)):
        for number in range(count):
            name, email = f"{role.title()} {number}", f"{role}.{number}@example.org"
            member_id, _ = accounts.sign_up(
                email=email, name=name, password=PASSWORD, roles=[role], locale="en",
                actor=ADMIN)
            # Requests are not account mail: without this, quiet hours in the member's zone
            # would hold them back whenever the test runs in the evening.
            notifications.choose_quiet_hours(member_id, "00:00", "00:00", ADMIN)
            members.setdefault(role, []).append((member_id, name, email))
            expected.add(MailKey(email, f"Confirm your e-mail address for {PRODUCT}"))
    profiles = ithaca.tenant_application(tenant, Profiles)
    for mentor_id, _, _ in members[Role.MENTOR]:
        profiles.save_mentor_profile(mentor_id, MentorDetails(
            headline="Retail founder", bio="Twenty years of shops.", expertise=["finance"],
            industries=[], languages=["en"], country="PT", countries_of_experience=["PT"],
            time_zone="Europe/Lisbon",
            working_hours=WorkingHours(start=clock_time(9), end=clock_time(17), weekdays=[0]),
            capacity=ENTREPRENEURS, monthly_hours=8,
        ), ADMIN)
    mentoring = ithaca.tenant_application(tenant, Mentoring)
    for mentee_id, mentee_name, _ in members[Role.ENTREPRENEUR]:
        for mentor_id, _, mentor_email in members[Role.MENTOR]:
            mentoring.request_mentor(mentee_id, mentor_id, INTRODUCTION, ADMIN)
            expected.add(MailKey(mentor_email, f"{mentee_name} asks you to be their mentor"))
    return Cohort([mentor_id for mentor_id, _, _ in members[Role.MENTOR]], expected)


def due_now(table: DueWorkTable) -> Counter[WorkStatus]:
    """The statuses of the work that falls due at once (the mail above); reminders and expiries
    days ahead stay pending."""
    statuses: Counter[WorkStatus] = Counter()
    for (kind, status), count in table.statuses().items():
        if kind in DUE_AT_ONCE:
            statuses[status] += count
    return statuses


def wait_until_done(worker: Worker, table: DueWorkTable, pieces: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while (statuses := due_now(table)) != {WorkStatus.DONE: pieces}:
        if worker.process.poll() is not None:
            worker.fail(f"the worker exited with the work in {dict(statuses)}")
        if time.monotonic() > deadline:
            worker.fail(f"after {WAIT_SECONDS:g} s the work was still {dict(statuses)}")
        time.sleep(0.2)


# Workers of their own, which a crash takes down apart from the web, are how PostgreSQL
# deployments run (on the embedded default the scheduler is a thread of the one web process);
# each kill costs a worker's start, so the ten run on PostgreSQL only.
@pytest.mark.postgres_only
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_worker_killed_with_mail_on_its_way_loses_nothing_and_resends_at_most_once(
    ithaca: Ithaca, settings: Settings, sink: HoldingSink, workers: list[Worker],
    tmp_path: Path,
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name=PRODUCT, actor=ADMIN)
    tenant = ithaca.tenant("acme")
    mentor_ids, expected = cohort(ithaca, tenant)
    environment = worker_environment(settings, sink)
    rng = random.Random(16)  # noqa: S311 - where the crashes land, not secrets

    for crash in range(CRASHES):
        # A few new mails go through, then one is held: the worker has sent it and waits for
        # the server's answer. The host dies. Every other time, the server has the mail.
        sink.hold_after(rng.randint(0, 2), keep=crash % 2 == 0)
        worker = Worker(environment, tmp_path / f"worker-{crash}.log")
        workers.append(worker)
        if not sink.holding.wait(WAIT_SECONDS):
            worker.fail(f"crash {crash}: no new mail reached the sink in {WAIT_SECONDS:g} s")
        worker.kill()
        sink.release()
    assert len({*sink.kept, *sink.lost}) == CRASHES  # each crash held another notification
    assert len(sink.arrived()) < len(expected)  # and left work for the last worker

    worker = Worker(environment, tmp_path / "worker-last.log")
    workers.append(worker)
    table = DueWorkTable(ithaca.tenant_stream(tenant))
    wait_until_done(worker, table, len(expected))
    worker.stop()
    # What falls due days ahead (reminders, expiries) waits for its day, crashes or not.
    assert {status for (kind, status) in table.statuses() if kind not in DUE_AT_ONCE} == {
        WorkStatus.PENDING}

    # Every notification arrived, those lost in flight too; the only ones that arrived twice
    # are those a crash kept from hearing that they had arrived, once each.
    arrived = sink.arrived()
    assert set(arrived) == expected
    assert all(arrived[key] == 1 for key in sink.lost)
    twice = {key for key, count in arrived.items() if count > 1}
    assert twice <= set(sink.kept)
    assert max(arrived.values()) <= 2
    assert sum(arrived.values()) - len(expected) <= CRASHES
    # Recorded once each: one e-mail delivery per notification, one line in each mentor's
    # notification centre per request.
    stream = ithaca.tenant_stream(tenant)
    assert DeliveryRecords(stream).counts()[(Channel.EMAIL, Outcome.SENT)] == len(expected)
    centre = NotificationCentre(stream)
    assert [centre.unread(mentor_id) for mentor_id in mentor_ids] == [ENTREPRENEURS] * MENTORS
