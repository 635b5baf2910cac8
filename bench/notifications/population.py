"""The bench's tenants and members, and the reminders written for them as due work rows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from bench.notifications.reminders import reminder_rows
from infra.container import Ithaca
from infra.scheduling.scheduler import Scheduler
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor

__all__ = ["Population", "populate", "queue_reminders"]

ACTOR = Actor(kind="cli", id="bench")
PASSWORD = "bench password long enough"  # noqa: S105 - synthetic accounts
_ZONES = (
    "UTC", "Europe/Madrid", "Africa/Lagos", "Africa/Nairobi", "Asia/Kolkata", "Asia/Jakarta",
    "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "America/New_York",
    "America/Mexico_City", "America/Los_Angeles",
)


@dataclass(frozen=True)
class Population:
    slugs: list[str]
    members: dict[str, list[UUID]]
    """Each tenant's members, by slug."""
    schemas: dict[str, str]
    """Each tenant's PostgreSQL schema, by slug."""

    @property
    def member_count(self) -> int:
        return sum(len(members) for members in self.members.values())


def daytime_zones(now: datetime, lasting: timedelta) -> list[str]:
    """Zones where it is day from now until `lasting` from now: the reminders are MEETINGS
    notifications, which members' quiet hours (21:00-08:00 by default) would hold back."""
    def daytime(zone: str, at: datetime) -> bool:
        return 9 <= at.astimezone(ZoneInfo(zone)).hour < 20

    zones = [zone for zone in _ZONES if daytime(zone, now) and daytime(zone, now + lasting)]
    assert zones, "no zone in daytime"
    return zones


def populate(ithaca: Ithaca, tenants: int, rng: random.Random, lasting: timedelta) -> Population:
    """Provisions the tenants (in zones where it is day) with 1-5 members each, then sends
    the sign-up mail those members asked for, so that only reminders are left to carry out."""
    zones = daytime_zones(datetime.now(UTC), lasting)
    slugs = [f"reminders-{number:03d}" for number in range(tenants)]
    members: dict[str, list[UUID]] = {}
    for number, slug in enumerate(slugs):
        ithaca.registry.provision_tenant(
            slug=slug, display_name=f"Programme {number}", actor=ACTOR,
            time_zone=zones[number % len(zones)])
        accounts = ithaca.tenant_application(ithaca.tenant(slug), Accounts)
        members[slug] = [
            accounts.create_member(
                email=f"member{index}@{slug}.example", name=f"Member {index} of {number}",
                password=PASSWORD, roles=[Role.MENTOR], locale="en", actor=ACTOR,
            )[0].id
            for index in range(rng.randint(1, 5))
        ]
    schemas = {slug: ithaca.tenant(slug).stream_name for slug in slugs}
    return Population(slugs, members, schemas)


def drain(scheduler: Scheduler) -> int:
    """Carries out what is due now (the members' sign-up mail) until nothing is left."""
    total = 0
    while done := scheduler.run_once():
        total += done
    return total


def queue_reminders(
    scheduler: Scheduler, population: Population, reminders: int, start: datetime,
    window: timedelta, rng: random.Random, first_id: int,
) -> list[datetime]:
    """Writes `reminders` rows falling due evenly over `window` from `start`, each to a tenant
    and member drawn at random; answers their due instants."""
    step = window / reminders
    due = [start + step * number for number in range(reminders)]
    by_tenant: dict[str, list[datetime]] = {slug: [] for slug in population.slugs}
    for instant in due:
        by_tenant[rng.choice(population.slugs)].append(instant)
    now = datetime.now(UTC)
    for slug, instants in by_tenant.items():
        table = scheduler.table(scheduler.ithaca.tenant(slug))
        table.add(reminder_rows(population.members[slug], instants, first_id), now)
    return due
