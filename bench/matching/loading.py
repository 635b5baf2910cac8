"""Writing the synthetic programme in bulk through the event store: every member with their
profile (and entrepreneurs' self-assessments), then a year of mentoring requests that favour
popular mentors (answered, declined, expired or still open), many aggregates per append."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import BaseAggregate
from eventsourcing.persistence import Mapper
from psycopg import sql

from bench.matching.synthesis import Synthesis, zipf
from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.personal import PersonalKeys
from infra.eventstore.postgres import PostgresProcessRecorder
from infra.eventstore.streams import EventStream, StreamApplication
from services.accounts.domain import Member, Role
from services.actor import Actor
from services.mentoring.domain import Relationship
from services.mentoring.values import DeclineReason, WithdrawalCause
from services.profiles.domain import (
    EntrepreneurProfile,
    MentorProfile,
    SelfAssessmentHistory,
    derive_need_areas,
)

ACTOR = Actor(kind="cli", id="bench-matching")
FAKE_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2g$YmVuY2hiZW5jaGJlbmNo"
MEMBERS_PER_APPEND = 250
REQUESTS_PER_APPEND = 2 * MEMBERS_PER_APPEND
CHUNK = 10_000
BASE_TIME = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

Aggregates = list[BaseAggregate[UUID]]


class ProvisionedKeys(PersonalKeys):
    """Members' personal-data keys, made up front and stored with one COPY (sign-ups make them
    one round trip at a time), then served from memory to the bulk loader's encoder."""

    def __init__(self, stream: EventStream, subjects: Iterable[UUID]) -> None:
        super().__init__()
        recorder = stream.events
        assert isinstance(recorder, PostgresProcessRecorder), "the bench runs on PostgreSQL"
        self._keys = {subject: os.urandom(32) for subject in subjects}
        statement = sql.SQL("COPY {}.personal_keys (subject_id, key) FROM STDIN").format(
            sql.Identifier(recorder.schema))
        with recorder.server.connection() as conn, conn.cursor() as cursor, \
                cursor.copy(statement) as copy:
            for subject, key in self._keys.items():
                copy.write_row((subject, key))

    def _fetch(self, subject: UUID, *, create: bool) -> bytes | None:
        return self._keys[subject]

    def _erase(self, subject: UUID) -> bool:
        raise NotImplementedError

    def _known(self, subject: UUID) -> bool:
        return subject in self._keys


class BulkLoader(StreamApplication):
    """Appends many members' aggregates at once (the bench's shortcut past sign-ups)."""

    name = "bench_matching"

    def __init__(self, stream: EventStream, keys: PersonalKeys) -> None:
        self._keys = keys
        super().__init__(stream)

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(self._keys)



def email(kind: str, number: int) -> str:
    return f"{kind}{number}@bench.example"


def member(member_id: UUID, kind: str, number: int, role: Role) -> Member:
    return Member(
        id=member_id, email=email(kind, number), name=f"{kind.title()} {number}",
        password_hash=FAKE_HASH, roles=[role], locale="en", actor=ACTOR,
    )


def save_in_batches(loader: BulkLoader, groups: Iterable[Aggregates], per_append: int) -> None:
    """Saves each group's aggregates, `per_append` groups per append (a group, one member's or
    one request's, is never split)."""
    batch: Aggregates = []
    for count, group in enumerate(groups, start=1):
        batch += group
        if count % per_append == 0:
            loader.save(*batch)
            batch.clear()
    if batch:
        loader.save(*batch)


def write_members(
    loader: BulkLoader, synthesis: Synthesis, mentor_ids: list[UUID],
    entrepreneur_ids: list[UUID], progress: Callable[[str], None],
) -> list[int]:
    """Writes every member with their profile (and entrepreneurs' self-assessments), many
    members per append; answers mentors' capacities."""
    capacities: list[int] = []

    def mentors(first: int, count: int) -> Iterator[Aggregates]:
        for number, details in enumerate(synthesis.mentors(first, count), start=first):
            account = member(mentor_ids[number], "mentor", number, Role.MENTOR)
            profile = MentorProfile(member_id=account.id, actor=ACTOR)
            profile.change(details, ACTOR)
            capacities.append(details.capacity)
            yield [account, profile]

    def entrepreneurs(first: int, count: int) -> Iterator[Aggregates]:
        drawn = synthesis.entrepreneurs(first, count)
        for number, (business, ratings) in enumerate(drawn, start=first):
            account = member(entrepreneur_ids[number], "entrepreneur", number, Role.ENTREPRENEUR)
            entrepreneur = EntrepreneurProfile(member_id=account.id, actor=ACTOR)
            entrepreneur.change(business, ACTOR)
            history = SelfAssessmentHistory(member_id=account.id, actor=ACTOR)
            needs = derive_need_areas(ratings)
            history.submit(questionnaire_version=1, ratings=ratings, notes={},
                           need_areas=needs, at=BASE_TIME, actor=ACTOR)
            entrepreneur.assess_needs(need_areas=needs, questionnaire_version=1, actor=ACTOR)
            yield [account, entrepreneur, history]

    for write, ids, kind in ((mentors, mentor_ids, "mentors"),
                             (entrepreneurs, entrepreneur_ids, "entrepreneurs")):
        for first in range(0, len(ids), CHUNK):
            count = min(CHUNK, len(ids) - first)
            save_in_batches(loader, write(first, count), MEMBERS_PER_APPEND)
            progress(f"  {first + count} {kind} written")
    return capacities


def write_relationships(
    loader: BulkLoader, synthesis: Synthesis, mentor_ids: list[UUID],
    entrepreneur_ids: list[UUID], capacities: list[int], count: int,
) -> None:
    """A year of requests; popular mentors (Zipf over mentors) get many more of them."""
    rng = synthesis.rng
    popularity = zipf(len(mentor_ids), 0.7)
    chosen_mentors = rng.choice(len(mentor_ids), size=count, p=popularity)
    chosen_mentees = rng.integers(0, len(entrepreneur_ids), size=count)
    taken = [0] * len(mentor_ids)

    def requests() -> Iterator[Aggregates]:
        for index in range(count):
            mentor_index = int(chosen_mentors[index])
            requested_at = BASE_TIME + timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
            relationship = Relationship(
                mentee_id=entrepreneur_ids[int(chosen_mentees[index])],
                mentor_id=mentor_ids[mentor_index], introduction="Hello, could you mentor me?",
                requested_at=requested_at, expires_at=requested_at + timedelta(days=14),
                actor=ACTOR)
            waited = timedelta(hours=min(300.0, float(rng.lognormal(3.2, 1.0))))
            answered_at = requested_at + waited
            outcome = rng.random()
            if outcome < 0.45 and taken[mentor_index] < capacities[mentor_index]:
                relationship.accept(answered_at, ACTOR)
                relationship.start(answered_at + timedelta(days=2), ACTOR)
                taken[mentor_index] += 1
            elif outcome < 0.65:
                relationship.decline(relationship.mentor_id, DeclineReason.TOO_BUSY, "",
                                     answered_at, ACTOR)
            elif outcome < 0.80:
                relationship.expire(requested_at + timedelta(days=14), ACTOR)
            elif outcome < 0.85:
                relationship.withdraw(WithdrawalCause.MENTEE, requested_at + timedelta(days=1),
                                      ACTOR)
            yield [relationship]

    save_in_batches(loader, requests(), REQUESTS_PER_APPEND)
