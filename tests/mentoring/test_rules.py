"""The rules between relationships: capacity, open requests, one request per pair, who answers
what, who sees what, expiry, and withdrawal on suspension."""

from __future__ import annotations

import uuid
from uuid import UUID

from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.mentoring.values import RelationshipStatus
from tests.mentoring.conftest import Cohort
from tests.tenant_api import TenantApi


def test_a_mentor_at_capacity_cannot_accept_until_a_place_frees_up(cohort: Cohort) -> None:
    ana, cleo, dora = (cohort.entrepreneur(n) for n in ("Ana", "Cleo", "Dora"))
    ben = cohort.mentor("Ben", capacity=2)
    with_ana, with_cleo, with_dora = (cohort.request(m, ben) for m in (ana, cleo, dora))
    cohort.move(with_ana, "accept", ben)
    cohort.move(with_cleo, "accept", ben)
    cohort.move(with_cleo, "start", cleo)
    cohort.move(with_cleo, "pause", cleo)  # a paused relationship still holds its place

    before = cohort.position
    error = cohort.refused(cohort.act(with_dora, "accept", ben), 409, "capacity", before)
    assert "capacity of 2" in error["problem"]
    assert cohort.view(with_dora, ben)["status"] == "requested"

    cohort.move(with_ana, "end", ben, {"reason": "We never found a time."})
    assert cohort.move(with_dora, "accept", ben) == "accepted"


def test_a_mentee_holds_at_most_the_programmes_open_requests(cohort: Cohort) -> None:
    cohort.settle(max_open_requests=2)
    ana = cohort.entrepreneur("Ana")
    ben, carl, dan = (cohort.mentor(n) for n in ("Ben", "Carl", "Dan"))
    to_ben = cohort.request(ana, ben)
    cohort.request(ana, carl)

    before = cohort.position
    third = cohort.acme.post("/api/v1/relationships", ana, json={
        "mentorId": str(dan.id), "introduction": "x" * 60,
    })
    error = cohort.refused(third, 409, "openRequests", before)
    assert "2 open requests" in error["problem"]

    # An answered request no longer counts.
    cohort.move(to_ben, "decline", ben, {"reason": "too_busy"})
    cohort.request(ana, dan)


def test_one_open_request_per_pair_and_none_while_mentored(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    first = cohort.request(ana, ben)
    body = {"mentorId": str(ben.id), "introduction": "y" * 80}

    before = cohort.position
    again = cohort.acme.post("/api/v1/relationships", ana, json=body)
    assert str(first) in cohort.refused(again, 409, "mentorId", before)["problem"]

    cohort.move(first, "accept", ben)
    while_mentored = cohort.acme.post("/api/v1/relationships", ana, json=body)
    cohort.refused(while_mentored, 409, "mentorId", before=cohort.position)

    # Once that relationship is over, Ana may ask Ben again.
    cohort.move(first, "end", ana, {"reason": "Moving abroad."})
    assert cohort.acme.post("/api/v1/relationships", ana, json=body).status_code == 201


def test_only_the_mentor_answers_and_only_the_mentee_withdraws(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    admin = cohort.acme.member("Pia", roles=["programme_admin"])
    relationship_id = cohort.request(ana, ben)
    before = cohort.position
    cohort.refused(cohort.act(relationship_id, "accept", ana), 403, "role", before)
    cohort.refused(cohort.act(relationship_id, "decline", ana, {"reason": "other"}), 403,
                   "role", before)
    cohort.refused(cohort.act(relationship_id, "withdraw", ben), 403, "role", before)
    cohort.refused(cohort.act(relationship_id, "accept", admin), 403, "role", before)

    assert cohort.move(relationship_id, "withdraw", ana) == "withdrawn"
    assert cohort.view(relationship_id, ben)["withdrawalCause"] == "mentee"
    assert cohort.mine(ben)[str(relationship_id)]["status"] == "withdrawn"


def test_the_mentee_sees_only_that_a_request_was_declined(cohort: Cohort) -> None:
    ana, ben = cohort.entrepreneur("Ana"), cohort.mentor("Ben")
    admin = cohort.acme.member("Pia", roles=["programme_admin"])
    auditor = cohort.acme.member("Aude", roles=["auditor"])
    relationship_id = cohort.request(ana, ben)
    declined = cohort.move(
        relationship_id, "decline", ben, {"reason": "not_a_fit", "note": "Not my sector."}
    )
    assert declined == "declined"

    for who in (ben, admin, auditor):
        seen = cohort.view(relationship_id, who)
        assert (seen["declineReason"], seen["declineNote"]) == ("not_a_fit", "Not my sector.")
    anas = cohort.view(relationship_id, ana)
    assert anas["status"] == "declined"
    assert anas["declineReason"] is None
    assert anas["declineNote"] is None
    assert "Not my sector" not in str(cohort.mine(ana))


def test_only_members_admins_and_auditors_see_a_relationship(cohort: Cohort) -> None:
    ana, ben, eve = cohort.entrepreneur("Ana"), cohort.mentor("Ben"), cohort.entrepreneur("Eve")
    admin = cohort.acme.member("Pia", roles=["programme_admin"])
    relationship_id = cohort.request(ana, ben)

    hidden = cohort.acme.get(f"/api/v1/relationships/{relationship_id}", eve)
    unknown = cohort.acme.get(f"/api/v1/relationships/{uuid.uuid4()}", eve)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"]["field"] == unknown.json()["error"]["field"] == "relationshipId"
    assert hidden.json()["error"]["problem"].startswith("no relationship with id")

    # Eve cannot act on it either, nor read or write its messages.
    before = cohort.position
    cohort.refused(cohort.act(relationship_id, "withdraw", eve), 404, "relationshipId", before)
    messages = f"/api/v1/relationships/{relationship_id}/messages"
    assert cohort.acme.get(messages, eve).status_code == 404
    cohort.move(relationship_id, "accept", ben)

    # A programme admin sees the relationship but not the private conversation.
    assert cohort.view(relationship_id, admin)["status"] == "accepted"
    refused = cohort.acme.get(messages, admin)
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "role"
    before = cohort.position
    cohort.refused(cohort.acme.post(messages, admin, json={"body": "Hi"}), 403, "role", before)


def test_another_tenants_relationship_answers_like_an_unknown_one(cohort: Cohort) -> None:
    acme = cohort.acme
    acme.served.ithaca.registry.provision_tenant(
        slug="beta", display_name="Beta", actor=Actor(kind="cli", id="test")
    )
    beta = Cohort(TenantApi(acme.served, "beta"))
    theirs = beta.request(beta.entrepreneur("Bea"), beta.mentor("Bo"))
    admin = acme.member("Pia", roles=["programme_admin"])
    for path in (f"/api/v1/relationships/{theirs}", f"/api/v1/relationships/{uuid.uuid4()}"):
        response = acme.get(path, admin)
        assert response.status_code == 404
        assert response.json()["error"]["field"] == "relationshipId"
    ana = cohort.entrepreneur("Ana")
    before = cohort.position
    cohort.refused(cohort.act(theirs, "withdraw", ana), 404, "relationshipId", before)


def test_an_unanswered_request_expires_after_the_programmes_days(cohort: Cohort) -> None:
    cohort.settle(request_expiry_days=3, max_open_requests=1)
    ana, ben, carl = cohort.entrepreneur("Ana"), cohort.mentor("Ben"), cohort.mentor("Carl")
    relationship_id = cohort.request(ana, ben)
    mentoring = cohort.mentoring

    # Before the deadline nothing expires.
    cohort.clock.advance(days=2, hours=23)
    before = cohort.position
    assert mentoring.expire_overdue_requests(cohort.clock()) == before

    # At the deadline the request reads as expired, and answering it is refused unrecorded.
    cohort.clock.advance(hours=1)
    assert cohort.view(relationship_id, ana)["status"] == "expired"
    assert cohort.mine(ben)[str(relationship_id)]["status"] == "expired"
    error = cohort.refused(cohort.act(relationship_id, "accept", ben), 409, "status", before)
    assert "expired" in error["problem"]
    cohort.refused(cohort.act(relationship_id, "withdraw", ana), 409, "status", before)
    # It no longer counts against Ana's open requests.
    to_carl = cohort.request(ana, carl)

    # The expiry run records it, once.
    after = mentoring.expire_overdue_requests(cohort.clock())
    assert after > before
    expired = mentoring.get_relationship(relationship_id, _caller(ana.id))
    assert expired.status is RelationshipStatus.EXPIRED
    assert expired.closed_at == cohort.clock()
    assert mentoring.expire_overdue_requests(cohort.clock()) == after
    assert cohort.view(to_carl, ana)["status"] == "requested"


def test_suspending_a_member_withdraws_every_open_request_by_or_to_them(
    cohort: Cohort,
) -> None:
    ana, cleo, dora = (cohort.entrepreneur(n) for n in ("Ana", "Cleo", "Dora"))
    ben = cohort.mentor("Ben", capacity=3)
    from_ana, from_cleo, with_dora = (cohort.request(m, ben) for m in (ana, cleo, dora))
    cohort.move(with_dora, "accept", ben)

    moderator = Actor(kind="member", id=str(uuid.uuid4()))
    before = cohort.position
    position = cohort.mentoring.withdraw_open_requests_of(ben.id, moderator)
    assert position > before
    for relationship_id in (from_ana, from_cleo):
        seen = cohort.view(relationship_id, ana if relationship_id == from_ana else cleo)
        assert seen["status"] == "withdrawn"
        assert seen["withdrawalCause"] == "suspension"
    assert cohort.view(with_dora, dora)["status"] == "accepted"
    # Nothing left to withdraw: nothing recorded.
    assert cohort.mentoring.withdraw_open_requests_of(ben.id, moderator) == position
    assert cohort.mentoring.withdraw_open_requests_of(uuid.uuid4(), moderator) == position


def _caller(member_id: UUID) -> Caller:
    return Caller(member_id=member_id, roles=frozenset({Role.ENTREPRENEUR}),
                  session_id=uuid.uuid4(), locale="en")
