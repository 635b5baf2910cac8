"""A mentoring relationship from request to completion, as its two members live it."""

from __future__ import annotations

from uuid import UUID

from tests.mentoring.conftest import INTRODUCTION, Cohort
from tests.tenant_api import SignedInMember


def test_ana_is_mentored_by_ben_from_request_to_completion(cohort: Cohort) -> None:
    acme = cohort.acme
    ana = cohort.entrepreneur("Ana")
    ben = cohort.mentor("Ben")

    # Ana introduces herself and asks Ben for mentoring.
    response = acme.post("/api/v1/relationships", ana, json={
        "mentorId": str(ben.id), "introduction": INTRODUCTION,
    })
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "requested"
    assert response.json()["position"] == cohort.position
    relationship_id = UUID(response.json()["id"])

    # Ben finds the request among his relationships and reads the introduction.
    bens = cohort.mine(ben)
    assert bens[str(relationship_id)]["side"] == "mentor"
    assert bens[str(relationship_id)]["counterpartId"] == str(ana.id)
    assert bens[str(relationship_id)]["status"] == "requested"
    seen = cohort.view(relationship_id, ben)
    assert seen["introduction"] == INTRODUCTION
    assert seen["menteeId"] == str(ana.id)
    assert seen["requestedAt"].startswith("2031-03-03T09:00:00")
    assert seen["expiresAt"].startswith("2031-03-17T09:00:00")  # the default 14 days

    # Ben accepts the next day; Ana starts the relationship.
    cohort.clock.advance(days=1)
    assert cohort.move(relationship_id, "accept", ben) == "accepted"
    assert cohort.view(relationship_id, ana)["answeredAt"].startswith("2031-03-04")
    assert cohort.move(relationship_id, "start", ana) == "active"
    assert cohort.view(relationship_id, ana)["activatedAt"] is not None
    assert cohort.mine(ana)[str(relationship_id)]["side"] == "mentee"
    assert cohort.mine(ana)[str(relationship_id)]["status"] == "active"

    _they_write_and_read_each_other(cohort, relationship_id, ana, ben)

    # Summer break: Ben pauses, Ana resumes in the autumn; they complete in winter.
    assert cohort.move(relationship_id, "pause", ben) == "paused"
    assert cohort.view(relationship_id, ana)["pausedAt"] is not None
    assert cohort.move(relationship_id, "resume", ana) == "active"
    assert cohort.move(relationship_id, "complete", ben) == "completed"

    finished = cohort.view(relationship_id, ana)
    assert finished["status"] == "completed"
    assert finished["closedAt"] is not None
    assert cohort.mine(ana)[str(relationship_id)]["status"] == "completed"
    assert cohort.mine(ben)[str(relationship_id)]["status"] == "completed"

    # The conversation stays readable but closed for new messages.
    messages = f"/api/v1/relationships/{relationship_id}/messages"
    assert len(acme.get(messages, ben).json()["messages"]) == 2
    before = cohort.position
    late = acme.post(messages, ana, json={"body": "One more thing..."})
    error = cohort.refused(late, 409, "status", before)
    assert "completed" in error["problem"]


def test_either_member_ends_a_relationship_with_a_reason(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship_id = cohort.request(ana, ben)
    cohort.move(relationship_id, "accept", ben)
    assert cohort.move(relationship_id, "end", ana, {"reason": "My business closed."}) == "ended"
    ended = cohort.view(relationship_id, ben)
    assert ended["endReason"] == "My business closed."
    assert ended["endedBy"] == str(ana.id)
    # The place in Ben's capacity is free again.
    assert cohort.mine(ben)[str(relationship_id)]["status"] == "ended"


def _they_write_and_read_each_other(
    cohort: Cohort, relationship_id: UUID, ana: SignedInMember, ben: SignedInMember
) -> None:
    acme = cohort.acme
    # They write to each other.
    messages = f"/api/v1/relationships/{relationship_id}/messages"
    first = acme.post(messages, ana, json={"body": "Thank you! When could we talk?"})
    assert first.status_code == 201, first.text
    assert first.json()["number"] == 1
    cohort.clock.advance(hours=2)
    reply = acme.post(messages, ben, json={"body": "Tuesday at 10, by video?"})
    assert reply.json()["number"] == 2

    # Ben reads Ana's message; Ana sees that he has, and that his reply is unread by her.
    read = acme.post(f"{messages}/read", ben, json={"upTo": 2})
    assert read.status_code == 200, read.text
    conversation = acme.get(messages, ana).json()["messages"]
    assert [m["number"] for m in conversation] == [1, 2]
    assert conversation[0]["senderId"] == str(ana.id)
    assert conversation[0]["body"] == "Thank you! When could we talk?"
    assert conversation[0]["readAt"].startswith("2031-03-04T11:00:00")
    assert conversation[1]["readAt"] is None
    assert conversation[1]["sentAt"].startswith("2031-03-04T11:00:00")

    # Reading again changes nothing.
    position = cohort.position
    again = acme.post(f"{messages}/read", ben, json={"upTo": 2})
    assert again.json()["position"] == position == cohort.position

    # Ana reads the reply.
    acme.post(f"{messages}/read", ana, json={"upTo": 2})
    assert acme.get(messages, ben).json()["messages"][1]["readAt"] is not None
