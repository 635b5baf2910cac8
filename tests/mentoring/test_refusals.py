"""Bad input and illegal transitions: each names its field, and nothing is recorded."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from tests.mentoring.conftest import INTRODUCTION, Cohort
from tests.tenant_api import SignedInMember


def test_bad_requests_name_the_field_and_store_nothing(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    newcomer = cohort.mentor("Nell", profile=False)
    eve = cohort.entrepreneur("Eve")
    mentor_only = cohort.mentor("Mo")
    cases: list[tuple[SignedInMember, dict[str, Any], int, str]] = [
        (ana, {"mentorId": str(ben.id), "introduction": "Hi Ben, help?"}, 400, "introduction"),
        (ana, {"mentorId": str(ben.id), "introduction": "x" * 2001}, 400, "introduction"),
        (ana, {"mentorId": str(ben.id), "introduction": "Hi" + " " * 60}, 422, "introduction"),
        (ana, {"mentorId": str(ben.id)}, 400, "introduction"),
        (ana, {"mentorId": "not-an-id", "introduction": INTRODUCTION}, 400, "mentorId"),
        (ana, {"mentorId": str(ben.id), "introduction": INTRODUCTION, "urgent": True}, 400,
         "urgent"),
        (ana, {"mentorId": str(uuid.uuid4()), "introduction": INTRODUCTION}, 404, "mentorId"),
        (ana, {"mentorId": str(eve.id), "introduction": INTRODUCTION}, 422, "mentorId"),
        (ana, {"mentorId": str(newcomer.id), "introduction": INTRODUCTION}, 422, "mentorId"),
        (mentor_only, {"mentorId": str(ben.id), "introduction": INTRODUCTION}, 403, "role"),
    ]
    before = cohort.position
    for member, body, status, field in cases:
        response = cohort.acme.post("/api/v1/relationships", member, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.text)
    assert cohort.position == before


def test_no_one_can_mentor_themselves(cohort: Cohort) -> None:
    both = cohort.acme.member("Bo", roles=["entrepreneur", "mentor"])
    before = cohort.position
    response = cohort.acme.post("/api/v1/relationships", both, json={
        "mentorId": str(both.id), "introduction": INTRODUCTION,
    })
    cohort.refused(response, 422, "mentorId", before)


def test_bad_answers_messages_and_receipts_name_the_field(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship_id = cohort.request(ana, ben)
    before = cohort.position
    for body, status, field in [
        ({"reason": "busy"}, 400, "reason"),
        ({"reason": "other", "note": "n" * 1001}, 400, "note"),
        ({}, 400, "reason"),
    ]:
        cohort.refused(cohort.act(relationship_id, "decline", ben, body), status, field, before)

    cohort.move(relationship_id, "accept", ben)
    before = cohort.position
    for body, status, field in [({}, 400, "reason"), ({"reason": ""}, 400, "reason"),
                                ({"reason": "   "}, 422, "reason")]:
        cohort.refused(cohort.act(relationship_id, "end", ana, body), status, field, before)

    messages = f"/api/v1/relationships/{relationship_id}/messages"
    for body, status, field in [
        ({"body": ""}, 400, "body"), ({"body": "b" * 5001}, 400, "body"),
        ({"body": " \n "}, 422, "body"), ({"text": "hi"}, 400, "text"),
    ]:
        cohort.refused(cohort.acme.post(messages, ana, json=body), status, field, before)
    cohort.refused(cohort.acme.post(f"{messages}/read", ben, json={"upTo": 1}), 422, "upTo",
                   before)
    cohort.acme.post(messages, ana, json={"body": "Hello"})
    before = cohort.position
    for up_to, status in [(0, 400), (2, 422), (-1, 400)]:
        response = cohort.acme.post(f"{messages}/read", ben, json={"upTo": up_to})
        cohort.refused(response, status, "upTo", before)


# Each state, how to reach it, and the commands it refuses (command, who: mentee/mentor).
_REACH: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = {
    "requested": [],
    "accepted": [("accept", "mentor", None)],
    "declined": [("decline", "mentor", {"reason": "too_busy"})],
    "withdrawn": [("withdraw", "mentee", None)],
    "active": [("accept", "mentor", None), ("start", "mentee", None)],
    "paused": [("accept", "mentor", None), ("start", "mentor", None),
               ("pause", "mentee", None)],
    "completed": [("accept", "mentor", None), ("start", "mentor", None),
                  ("complete", "mentee", None)],
    "ended": [("accept", "mentor", None), ("end", "mentor", {"reason": "No time."})],
}
_ALL = [
    ("accept", "mentor", None), ("decline", "mentor", {"reason": "other"}),
    ("withdraw", "mentee", None), ("start", "mentee", None), ("pause", "mentee", None),
    ("resume", "mentor", None), ("complete", "mentor", None),
    ("end", "mentee", {"reason": "Enough."}),
]
_ALLOWED = {
    "requested": {"accept", "decline", "withdraw"},
    "accepted": {"start", "end"},
    "active": {"pause", "complete", "end"},
    "paused": {"resume", "complete", "end"},
}


@pytest.mark.parametrize("state", list(_REACH))
def test_illegal_transitions_name_the_current_state(cohort: Cohort, state: str) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    who = {"mentee": ana, "mentor": ben}
    relationship_id: UUID = cohort.request(ana, ben)
    for command, side, body in _REACH[state]:
        cohort.move(relationship_id, command, who[side], body)
    assert cohort.view(relationship_id, ana)["status"] == state

    before = cohort.position
    for command, side, body in _ALL:
        if command in _ALLOWED.get(state, set()):
            continue
        response = cohort.act(relationship_id, command, who[side], body)
        error = cohort.refused(response, 409, "status", before)
        assert f"the relationship is {state}" in error["problem"], (command, error)
