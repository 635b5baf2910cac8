"""Writing a tenant's journeys: how many members a number of events takes, and what a run
wrote."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from bench.synthetic_journeys.population import Journeys
from infra.container import Ithaca
from infra.eventstore.streams import StreamApplication
from tenants.directory import TenantRecord

DEFAULT_START = datetime(2024, 6, 3, tzinfo=UTC)
EVENTS_PER_ENTREPRENEUR = 171
"""Events the log holds per entrepreneur at the journeys' mix; `events` is divided by it."""
MENTORS_PER_ENTREPRENEUR = 0.25


@dataclass(frozen=True)
class JourneyLog:
    """What a run wrote."""

    events: int
    head: int
    """The stream's position after the last append."""
    seconds: float
    first_at: datetime
    last_at: datetime
    entrepreneur_ids: list[UUID]
    mentor_ids: list[UUID]
    relationship_ids: list[UUID]
    topics: dict[str, int]
    """Events per topic."""
    emails: dict[UUID, str]
    """Every member's e-mail address (they all sign in with `SYNTHETIC_PASSWORD`)."""

    @property
    def members(self) -> int:
        return len(self.entrepreneur_ids) + len(self.mentor_ids)


class JourneyWriter(StreamApplication):
    """Appends the generated events to the tenant's stream (nothing else)."""

    name = "synthetic_journeys"


def write_journeys(
    app: StreamApplication, *, events: int, seed: int = 0, start: datetime = DEFAULT_START,
    batch_events: int = 2000,
) -> JourneyLog:
    """Appends about `events` events of synthetic journeys to the stream `app` is bound to."""
    entrepreneurs = max(4, round(events / EVENTS_PER_ENTREPRENEUR))
    mentors = max(2, round(entrepreneurs * MENTORS_PER_ENTREPRENEUR))
    began = time.perf_counter()
    journeys = Journeys(app, entrepreneurs=entrepreneurs, mentors=mentors, seed=seed,
                        start=start, batch_events=batch_events)
    journeys.run()
    return _log_of(journeys, time.perf_counter() - began)


def write_tenant_journeys(
    ithaca: Ithaca, tenant: TenantRecord, *, events: int, seed: int = 0,
    start: datetime = DEFAULT_START,
) -> JourneyLog:
    """`write_journeys` into a provisioned tenant's stream."""
    return write_journeys(ithaca.tenant_application(tenant, JourneyWriter), events=events,
                          seed=seed, start=start)


def _log_of(journeys: Journeys, seconds: float) -> JourneyLog:
    return JourneyLog(
        events=journeys.written, head=journeys.head, seconds=seconds,
        first_at=journeys.start, last_at=journeys.now,
        entrepreneur_ids=[e.id for e in journeys.entrepreneurs],
        mentor_ids=[m.id for m in journeys.mentors],
        relationship_ids=list(journeys.relationship_ids),
        topics={get_topic(kind): count for kind, count in journeys.kinds.most_common()},
        emails={person.id: person.member.email
                for person in [*journeys.entrepreneurs, *journeys.mentors]},
    )
