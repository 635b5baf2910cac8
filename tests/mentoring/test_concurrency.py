"""Racing commands cannot break a rule between relationships: the caseload they share makes one
of them record first and the other check again."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import ConflictError
from services.mentoring.values import RelationshipStatus
from tests.mentoring.conftest import Cohort

RACERS = 6


def test_racing_accepts_never_exceed_a_mentors_capacity(cohort: Cohort) -> None:
    ben = cohort.mentor("Ben", capacity=1)
    requests = [cohort.request(cohort.entrepreneur(f"Mentee {n}"), ben) for n in range(RACERS)]
    mentoring = cohort.mentoring
    bens_caller = Caller(
        member_id=ben.id, roles=frozenset({Role.MENTOR}), session_id=uuid.uuid4(), locale="en"
    )
    start = threading.Barrier(RACERS)

    def accept(relationship_id: UUID) -> str:
        start.wait()
        try:
            mentoring.accept(relationship_id, bens_caller, bens_caller.actor())
        except ConflictError as error:
            return f"refused:{error.field}"
        return "accepted"

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(accept, requests))

    assert outcomes.count("accepted") == 1, outcomes
    assert all(o in ("accepted", "refused:capacity") for o in outcomes), outcomes
    statuses = [mentoring.get_relationship(r, bens_caller).status for r in requests]
    assert statuses.count(RelationshipStatus.ACCEPTED) == 1
    assert statuses.count(RelationshipStatus.REQUESTED) == RACERS - 1
    assert len([e for e in cohort.mine(ben).values() if e["status"] == "accepted"]) == 1


def test_racing_requests_by_one_mentee_respect_the_open_request_limit(cohort: Cohort) -> None:
    cohort.settle(max_open_requests=1)
    ana = cohort.entrepreneur("Ana")
    mentors = [cohort.mentor(f"Mentor {n}") for n in range(RACERS)]
    mentoring = cohort.mentoring
    start = threading.Barrier(RACERS)

    def request(mentor_id: UUID) -> str:
        start.wait()
        try:
            mentoring.request_mentor(ana.id, mentor_id, "z" * 60, Caller(
                member_id=ana.id, roles=frozenset({Role.ENTREPRENEUR}),
                session_id=uuid.uuid4(), locale="en",
            ).actor())
        except ConflictError as error:
            return f"refused:{error.field}"
        return "requested"

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(request, [m.id for m in mentors]))

    assert outcomes.count("requested") == 1, outcomes
    assert all(o in ("requested", "refused:openRequests") for o in outcomes), outcomes
    assert len(cohort.mine(ana)) == 1
