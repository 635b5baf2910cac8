"""Blocking: no requests between a blocked pair; open ones are withdrawn, said so; nothing else
ends silently."""

from __future__ import annotations

import uuid

from tests.mentoring.conftest import INTRODUCTION, Cohort


def test_ben_blocks_ana_and_her_open_request_is_withdrawn(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship_id = cohort.request(ana, ben)

    response = cohort.acme.post("/api/v1/blocks", ben, json={"memberId": str(ana.id)})
    assert response.status_code == 201, response.text
    assert response.json()["withdrawnRequests"] == [str(relationship_id)]
    assert response.json()["currentRelationships"] == []
    assert response.json()["position"] == cohort.position
    seen = cohort.view(relationship_id, ana)
    assert (seen["status"], seen["withdrawalCause"]) == ("withdrawn", "block")

    # Ana cannot ask again, without being told who blocked whom.
    before = cohort.position
    again = cohort.acme.post("/api/v1/relationships", ana, json={
        "mentorId": str(ben.id), "introduction": INTRODUCTION,
    })
    cohort.refused(again, 403, "mentorId", before)

    # Once Ben lifts the block, she can.
    lifted = cohort.acme.delete(f"/api/v1/blocks/{ana.id}", ben)
    assert lifted.status_code == 200, lifted.text
    cohort.request(ana, ben)


def test_a_block_by_either_side_holds_until_both_are_lifted(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    assert cohort.acme.post("/api/v1/blocks", ana, json={"memberId": str(ben.id)}).status_code \
        == 201
    assert cohort.acme.post("/api/v1/blocks", ben, json={"memberId": str(ana.id)}).status_code \
        == 201
    body = {"mentorId": str(ben.id), "introduction": INTRODUCTION}
    cohort.acme.delete(f"/api/v1/blocks/{ben.id}", ana)
    before = cohort.position
    cohort.refused(cohort.acme.post("/api/v1/relationships", ana, json=body), 403, "mentorId",
                   before)
    cohort.acme.delete(f"/api/v1/blocks/{ana.id}", ben)
    assert cohort.acme.post("/api/v1/relationships", ana, json=body).status_code == 201


def test_a_block_leaves_a_current_relationship_running_and_says_so(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    relationship_id = cohort.request(ana, ben)
    cohort.move(relationship_id, "accept", ben)
    cohort.move(relationship_id, "start", ben)
    response = cohort.acme.post("/api/v1/blocks", ana, json={"memberId": str(ben.id)})
    assert response.json()["withdrawnRequests"] == []
    assert response.json()["currentRelationships"] == [str(relationship_id)]
    assert cohort.view(relationship_id, ben)["status"] == "active"
    assert cohort.move(relationship_id, "end", ana, {"reason": "I blocked Ben."}) == "ended"


def test_bad_blocks_name_the_member_and_store_nothing(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    cohort.acme.post("/api/v1/blocks", ana, json={"memberId": str(ben.id)})
    before = cohort.position
    for body, status in [
        ({"memberId": str(ana.id)}, 422),  # herself
        ({"memberId": str(uuid.uuid4())}, 404),
        ({"memberId": str(ben.id)}, 409),  # already blocked
        ({"memberId": "ben"}, 400),
        ({}, 400),
    ]:
        response = cohort.acme.post("/api/v1/blocks", ana, json=body)
        cohort.refused(response, status, "memberId", before)
    # Ben never blocked Ana, and nobody blocks a stranger.
    cohort.refused(cohort.acme.delete(f"/api/v1/blocks/{ana.id}", ben), 409, "memberId", before)
    cohort.refused(cohort.acme.delete(f"/api/v1/blocks/{uuid.uuid4()}", ben), 404, "memberId",
                   before)
    assert cohort.acme.post("/api/v1/blocks", json={"memberId": str(ben.id)}).status_code == 401
