"""Many members writing to one record at once (the requests reaching a popular mentor, a lively
conversation) are all recorded: a command that another writer got ahead of is run again, after
a jittered pause, for as long as its time budget lasts; only a rule refuses it. A command that
still collides when the budget has run out is refused naming the record that kept changing."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from uuid import UUID

import pytest

from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import ConflictError
from services.mentoring.domain import Caseload
from services.mentoring.values import RelationshipStatus
from tests.mentoring.conftest import INTRODUCTION, Cohort

AT_ONCE = 64

T = TypeVar("T")


def _all_at_once(commands: list[Callable[[], T]]) -> list[T | str]:
    """Runs the commands in as many threads, released together; a refusal reads
    `refused:<field>`."""
    start = threading.Barrier(len(commands))

    def run(command: Callable[[], T]) -> T | str:
        start.wait(timeout=30)
        try:
            return command()
        except ConflictError as error:
            return f"refused:{error.field}"

    with ThreadPoolExecutor(len(commands)) as threads:
        return list(threads.map(run, commands))


def _caller(member_id: UUID, role: Role) -> Caller:
    return Caller(member_id=member_id, roles=frozenset({role}), session_id=uuid.uuid4(),
                  locale="en")


def test_sixty_four_requests_to_one_mentor_at_once_are_all_recorded(cohort: Cohort) -> None:
    ben = cohort.mentor("Ben")
    mentoring = cohort.mentoring
    mentees = [uuid.uuid4() for _ in range(AT_ONCE)]

    def request(mentee_id: UUID) -> Callable[[], UUID]:
        actor = Actor(kind="member", id=str(mentee_id))
        return lambda: mentoring.request_mentor(
            mentee_id, ben.id, INTRODUCTION, actor).relationship.id

    outcomes = _all_at_once([request(mentee) for mentee in mentees])

    assert [o for o in outcomes if isinstance(o, str)] == []
    assert {entry.relationship_id for entry in mentoring.relationships_of(ben.id)} == set(
        outcomes)


def test_sixty_four_accepts_at_once_are_refused_only_for_capacity(cohort: Cohort) -> None:
    places = 20  # the most a profile allows
    ben = cohort.mentor("Ben", capacity=places)
    mentoring = cohort.mentoring
    requests = [
        mentoring.request_mentor(
            mentee_id, ben.id, INTRODUCTION, Actor(kind="member", id=str(mentee_id))
        ).relationship.id
        for mentee_id in (uuid.uuid4() for _ in range(AT_ONCE))
    ]
    bens_caller = _caller(ben.id, Role.MENTOR)

    def accept(relationship_id: UUID) -> Callable[[], str]:
        return lambda: str(mentoring.accept(relationship_id, bens_caller, bens_caller.actor())
                           .relationship.status)

    outcomes = _all_at_once([accept(request) for request in requests])

    assert outcomes.count(RelationshipStatus.ACCEPTED) == places, outcomes
    assert outcomes.count("refused:capacity") == AT_ONCE - places, outcomes
    assert len(mentoring.relationships_of(ben.id)) == AT_ONCE


def test_sixty_four_messages_at_once_in_one_conversation_are_all_recorded(
    cohort: Cohort,
) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship = cohort.request(ana, ben)
    cohort.move(relationship, "accept", ben)
    mentoring = cohort.mentoring
    anas, bens = _caller(ana.id, Role.ENTREPRENEUR), _caller(ben.id, Role.MENTOR)

    def send(caller: Caller, n: int) -> Callable[[], int]:
        return lambda: mentoring.send_message(
            relationship, caller, f"Message {n}", caller.actor())[0]

    outcomes = _all_at_once([send(anas if n % 2 else bens, n) for n in range(AT_ONCE)])

    assert sorted(o for o in outcomes if isinstance(o, int)) == list(range(1, AT_ONCE + 1)), (
        outcomes)
    bodies = {message.body for message in mentoring.messages(relationship, anas)}
    assert bodies == {f"Message {n}" for n in range(AT_ONCE)}


def test_a_command_still_colliding_when_its_time_is_up_is_refused_naming_the_record(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ben = cohort.mentor("Ben")
    mentoring = cohort.mentoring
    monkeypatch.setattr(mentoring, "retry_budget_seconds", 0.3)
    attempts = 0

    def request_that_is_always_overtaken() -> None:
        # Each attempt loads Ben's caseload, then another mentee's request changes it first.
        nonlocal attempts
        attempts += 1
        caseload = mentoring.get(Caseload.create_id(ben.id), Caseload, field="mentorId")
        someone = uuid.uuid4()
        mentoring.request_mentor(someone, ben.id, INTRODUCTION, Actor(kind="member",
                                                                      id=str(someone)))
        caseload.note_block(uuid.uuid4(), blocked=True, at=cohort.clock(), actor=Actor(
            kind="member", id=str(ben.id)))
        mentoring.record(caseload)

    mentoring.request_mentor(uuid.uuid4(), ben.id, INTRODUCTION, Actor(kind="cli", id="t"))
    started = time.monotonic()
    with pytest.raises(ConflictError) as refusal:
        mentoring.retrying(request_that_is_always_overtaken)
    elapsed = time.monotonic() - started

    assert refusal.value.field == "caseloadId"
    assert f"the caseload {Caseload.create_id(ben.id)} kept changing" in refusal.value.problem
    assert elapsed >= mentoring.retry_budget_seconds, "it was given up before its time was up"
    assert attempts >= 3


def test_messages_sent_at_once_with_idempotency_keys_are_all_recorded_once(
    cohort: Cohort,
) -> None:
    # Keyed commands hold their appends open until their answers are saved beside them, on a
    # connection of their own: thirty-two of them at once in one conversation, over a pool of
    # four connections, must neither wait each other out nor be refused.
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship_id = cohort.request(ana, ben)
    cohort.move(relationship_id, "accept", ben)
    path = f"/api/v1/relationships/{relationship_id}/messages"

    def send(number: int) -> Callable[[], tuple[int, int]]:
        sender = (ana, ben)[number % 2]
        key = {"Idempotency-Key": f"message-{number}"}
        body = {"body": f"Message number {number}"}

        def post() -> tuple[int, int]:
            first = cohort.acme.post(path, sender, json=body, headers=key)
            retried = cohort.acme.post(path, sender, json=body, headers=key)
            assert retried.json() == first.json()
            return first.status_code, retried.status_code

        return post

    outcomes = _all_at_once([send(number) for number in range(32)])

    assert outcomes == [(201, 201)] * 32
    listed = cohort.acme.get(path, ana)
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["messages"]) == 32
