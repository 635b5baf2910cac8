"""The fast tier: each context's rules told as stories against its application services alone.

A test gets a fresh tenant on the embedded store (SQLite files in the test's temporary
directory), wired by `bootstrap` as every process is, and calls commands on the applications
themselves: no HTTP, no PostgreSQL, so a whole context's rules run in seconds. The HTTP
journeys beside them prove the wiring (routes, bodies, status codes); these prove the rules.

    pytestmark = pytest.mark.rules

    def test_a_mentor_answers_a_request(embedded_tenant: EmbeddedTenant) -> None:
        mentoring = embedded_tenant.app(Mentoring)
        ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
        ...

Run just this tier with `./dev test -m rules`.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import msgspec
import pytest

from infra.bootstrap import bootstrap
from infra.clock import SettableClock
from infra.eventstore.streams import StreamApplication
from infra.settings import Settings
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role, SessionKind
from services.actor import Actor
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurDetails, MentorDetails, WorkingHours
from tenants.directory import TenantRecord
from tests.dns import DnsServer

__all__ = [
    "INTRODUCTION",
    "OPERATOR",
    "PASSWORD",
    "EmbeddedTenant",
    "embedded_tenant",
    "entrepreneur_details",
    "mentor_details",
]

AppT = TypeVar("AppT", bound=StreamApplication)

START = "2031-03-03T09:00:00+00:00"
"""A Monday morning: every story starts here, on a clock it moves itself."""
PASSWORD = "a long enough password"  # noqa: S105 - a test fixture
INTRODUCTION = (
    "I run a small bakery in Porto and want to open a second shop next year; your retail "
    "experience would help me plan it."
)
OPERATOR = Actor(kind="cli", id="rules")
"""The platform acting (the CLI): above every tenant role."""


class EmbeddedTenant:
    """Acme, a freshly provisioned tenant (time zone Europe/Madrid), its application services,
    its members and the clock they all tell time by."""

    def __init__(self, settings: Settings, clock: SettableClock) -> None:
        """Opens Acme in `settings.data_path`, where `provision` recorded it."""
        self.clock = clock
        self.ithaca = bootstrap(settings, clock)
        self.record: TenantRecord = self.ithaca.tenant("acme")

    @staticmethod
    def provision(settings: Settings, clock: SettableClock) -> None:
        ithaca = bootstrap(settings, clock)
        try:
            ithaca.registry.provision_tenant(
                slug="acme", display_name="Acme Mentoring", actor=OPERATOR,
                time_zone="Europe/Madrid",
            )
        finally:
            ithaca.close()

    def close(self) -> None:
        self.ithaca.close()

    def app(self, kind: type[AppT]) -> AppT:
        """The tenant's instance of an application service (one per kind, on its stream)."""
        return self.ithaca.tenant_application(self.record, kind)

    def member(self, name: str, *roles: Role) -> Caller:
        """A member with these roles, signed in: the caller their commands come from."""
        accounts = self.app(Accounts)
        email = f"{name.lower()}@acme.example"
        accounts.create_member(
            email=email, name=name, password=PASSWORD, roles=list(roles), locale="en",
            actor=OPERATOR,
        )
        return self.signed_in(email)

    def signed_in(self, email: str) -> Caller:
        accounts = self.app(Accounts)
        session = accounts.sign_in(
            email=email, password=PASSWORD, kind=SessionKind.BEARER, actor=OPERATOR
        )
        return accounts.authenticate(session.token)

    def entrepreneur(self, name: str, *, time_zone: str = "Europe/Lisbon") -> Caller:
        """An entrepreneur who has written their profile."""
        caller = self.member(name, Role.ENTREPRENEUR)
        self.app(Profiles).save_entrepreneur_profile(
            caller.member_id, entrepreneur_details(time_zone=time_zone), OPERATOR
        )
        return caller

    def mentor(self, name: str, *, capacity: int = 2, time_zone: str = "Europe/Madrid") -> Caller:
        """A mentor who has written their profile, taking up to `capacity` mentees."""
        caller = self.member(name, Role.MENTOR)
        self.app(Profiles).save_mentor_profile(
            caller.member_id, mentor_details(capacity=capacity, time_zone=time_zone), OPERATOR
        )
        return caller

    def requested(self, mentee: Caller, mentor: Caller) -> UUID:
        """The id of the mentee's open request to the mentor."""
        recorded = self.app(Mentoring).request_mentor(
            mentee.member_id, mentor.member_id, INTRODUCTION, mentee.actor()
        )
        return recorded.relationship.id

    def mentoring(self, mentee: Caller, mentor: Caller) -> UUID:
        """The id of an active relationship between them (requested, accepted, started)."""
        mentoring = self.app(Mentoring)
        relationship_id = self.requested(mentee, mentor)
        mentoring.accept(relationship_id, mentor, mentor.actor())
        mentoring.start(relationship_id, mentee, mentee.actor())
        return relationship_id


OFFICE_HOURS = WorkingHours(start=time(9), end=time(17), weekdays=[0, 1, 2, 3, 4])


def entrepreneur_details(**changes: Any) -> EntrepreneurDetails:
    """A bakery in Porto, as its owner describes it, with `changes`."""
    return msgspec.structs.replace(EntrepreneurDetails(
        business_name="Pereira Bakery", description="Bread and pastries in Porto.",
        stage="early", industry="C", country="PT", languages=["pt", "en"],
        time_zone="Europe/Lisbon", working_hours=OFFICE_HOURS, challenges="Cash flow.",
        goals="A second shop.", employees=2,
    ), **changes)


def mentor_details(**changes: Any) -> MentorDetails:
    """A retail mentor in Madrid taking two mentees, with `changes`."""
    return msgspec.structs.replace(MentorDetails(
        headline="Retail and cash-flow planning", bio="Twenty years running shops.",
        expertise=["finance", "marketing"], industries=["C"], languages=["en"],
        country="ES", countries_of_experience=["PT"], time_zone="Europe/Madrid",
        working_hours=OFFICE_HOURS, capacity=2, monthly_hours=8,
    ), **changes)


def _settings(data_path: Path, resolver: str) -> Settings:
    return Settings.from_env(
        {},
        data_dir=str(data_path),
        dns_resolver=resolver,
        tenant_cache_seconds=0.0,
        # Argon2 at production cost takes ~50 ms a hash; every member here signs in once.
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
        mail_background=False,
        projections_in_process="off",
    )


@functools.cache
def _provisioned(directory: Path, resolver: str) -> Path:
    """Acme provisioned once per test session (and xdist worker): provisioning is most of what
    a fresh tenant costs, and copying its files is almost free."""
    data_path = directory / "data"
    EmbeddedTenant.provision(_settings(data_path, resolver), SettableClock(START))
    return data_path


@pytest.fixture
def embedded_tenant(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, quiet_resolver: DnsServer,
    ithaca_clock: SettableClock,
) -> Iterator[EmbeddedTenant]:
    """A fresh tenant on SQLite in the test's own directory, on the test's one clock
    (`ithaca_clock`), stopped at `START`."""
    provisioned = _provisioned(tmp_path_factory.getbasetemp() / "provisioned_acme",
                               quiet_resolver.address)
    # The platform's file is still open in this process, so its write-ahead log is copied
    # with it; its shared-memory index is left for SQLite to rebuild from that log.
    shutil.copytree(provisioned, tmp_path / "data", ignore=shutil.ignore_patterns("*-shm"))
    ithaca_clock.set(START)
    tenant = EmbeddedTenant(_settings(tmp_path / "data", quiet_resolver.address), ithaca_clock)
    try:
        yield tenant
    finally:
        tenant.close()
