"""The rules of mentoring, told against the application alone: whom an entrepreneur may ask and
how often, a mentor's capacity, who answers, withdraws and moves a relationship on, when
requests expire, what blocks do, and who may talk in a relationship.

(`test_rules.py` beside this one tells the same kind of rules through the HTTP API.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.mentoring.application import Mentoring, Recorded
from services.mentoring.values import DeclineReason, RelationshipStatus, WithdrawalCause
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.rules import INTRODUCTION, OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules


@pytest.fixture
def mentoring(embedded_tenant: EmbeddedTenant) -> Mentoring:
    return embedded_tenant.app(Mentoring)


def test_an_entrepreneur_asks_a_mentor_with_an_introduction(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")

    recorded = mentoring.request_mentor(ana.member_id, ben.member_id, f"  {INTRODUCTION} ",
                                        ana.actor())
    request = mentoring.get_relationship(recorded.relationship.id, ben)
    assert request.status is RelationshipStatus.REQUESTED
    assert (request.mentee_id, request.mentor_id) == (ana.member_id, ben.member_id)
    assert request.introduction == INTRODUCTION
    # Both see it in their list of relationships.
    assert [e.relationship_id for e in mentoring.relationships_of(ana.member_id)] == [request.id]
    assert [e.relationship_id for e in mentoring.relationships_of(ben.member_id)] == [request.id]


def test_a_request_goes_to_a_real_mentor_with_a_real_introduction(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    cleo = embedded_tenant.member("Cleo", Role.MENTOR)  # no mentor profile yet
    dora = embedded_tenant.entrepreneur("Dora")

    refusals = [
        (ana.member_id, ben.member_id, "Hi!", InvalidInputError, "introduction"),
        (ben.member_id, ben.member_id, INTRODUCTION, InvalidInputError, "mentorId"),
        (ana.member_id, cleo.member_id, INTRODUCTION, InvalidInputError, "mentorId"),
        (ana.member_id, dora.member_id, INTRODUCTION, InvalidInputError, "mentorId"),
        (ana.member_id, uuid.uuid4(), INTRODUCTION, NotFoundError, "mentorId"),
    ]
    for mentee_id, mentor_id, introduction, error, field in refusals:
        with pytest.raises(error) as refused:
            mentoring.request_mentor(mentee_id, mentor_id, introduction, ana.actor())
        assert refused.value.field == field
    assert mentoring.relationships_of(ana.member_id) == []


def test_one_open_request_per_pair_and_none_while_mentored(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    first = embedded_tenant.requested(ana, ben)

    # Asking Ben again while he has not answered names the open request.
    with pytest.raises(ConflictError) as again:
        embedded_tenant.requested(ana, ben)
    assert again.value.field == "mentorId"
    assert str(first) in again.value.problem

    # Nor while he mentors her.
    mentoring.accept(first, ben, ben.actor())
    with pytest.raises(ConflictError) as mentored:
        embedded_tenant.requested(ana, ben)
    assert mentored.value.field == "mentorId"
    assert "already mentors you" in mentored.value.problem

    # Once that relationship is over, she may ask him again.
    mentoring.end(first, ana, "Moving abroad.", ana.actor())
    assert embedded_tenant.requested(ana, ben) != first


def test_an_entrepreneur_holds_at_most_the_programmes_open_requests(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    embedded_tenant.app(Programme).change_settings(ProgrammeSettings(max_open_requests=2),
                                                   OPERATOR)
    ana = embedded_tenant.entrepreneur("Ana")
    ben, carl, dan = (embedded_tenant.mentor(name) for name in ("Ben", "Carl", "Dan"))
    to_ben = embedded_tenant.requested(ana, ben)
    embedded_tenant.requested(ana, carl)

    with pytest.raises(ConflictError) as third:
        embedded_tenant.requested(ana, dan)
    assert third.value.field == "openRequests"
    assert "2 open requests" in third.value.problem

    # An answered request no longer counts.
    declined = mentoring.decline(to_ben, ben, DeclineReason.TOO_BUSY, " Full until June. ",
                                 ben.actor()).relationship
    assert (declined.status, declined.decline_reason, declined.decline_note) == (
        RelationshipStatus.DECLINED, DeclineReason.TOO_BUSY, "Full until June.")
    embedded_tenant.requested(ana, dan)


def test_a_mentor_at_capacity_accepts_no_one_until_a_place_frees_up(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, cleo, dora = (embedded_tenant.entrepreneur(n) for n in ("Ana", "Cleo", "Dora"))
    ben = embedded_tenant.mentor("Ben", capacity=2)
    with_ana, with_cleo, with_dora = (embedded_tenant.requested(m, ben) for m in (ana, cleo, dora))
    mentoring.accept(with_ana, ben, ben.actor())
    mentoring.accept(with_cleo, ben, ben.actor())
    # A paused relationship still holds its place.
    mentoring.start(with_cleo, cleo, cleo.actor())
    mentoring.pause(with_cleo, cleo, cleo.actor())

    with pytest.raises(ConflictError) as full:
        mentoring.accept(with_dora, ben, ben.actor())
    assert full.value.field == "capacity"
    assert "capacity of 2" in full.value.problem
    assert mentoring.get_relationship(with_dora, ben).status is RelationshipStatus.REQUESTED

    mentoring.end(with_ana, ben, "We never found a time.", ben.actor())
    accepted = mentoring.accept(with_dora, ben, ben.actor())
    assert accepted.relationship.status is RelationshipStatus.ACCEPTED


def test_the_mentor_answers_the_mentee_withdraws_and_others_see_nothing(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    eve = embedded_tenant.entrepreneur("Eve")
    pia = embedded_tenant.member("Pia", Role.PROGRAMME_ADMIN)
    request = embedded_tenant.requested(ana, ben)

    wrong_sides: list[Callable[[], Recorded]] = [
        lambda: mentoring.accept(request, ana, ana.actor()),
        lambda: mentoring.decline(request, ana, DeclineReason.OTHER, "", ana.actor()),
        lambda: mentoring.withdraw(request, ben, ben.actor()),
    ]
    for command in wrong_sides:
        with pytest.raises(ForbiddenError) as wrong_side:
            command()
        assert wrong_side.value.field == "role"

    # Someone outside the relationship cannot tell it exists; a programme admin sees it but
    # does not answer for the mentor.
    with pytest.raises(NotFoundError) as hidden:
        mentoring.get_relationship(request, eve)
    assert hidden.value.field == "relationshipId"
    with pytest.raises(NotFoundError):
        mentoring.accept(request, eve, eve.actor())
    assert mentoring.get_relationship(request, pia).status is RelationshipStatus.REQUESTED
    with pytest.raises(ForbiddenError):
        mentoring.accept(request, pia, pia.actor())

    withdrawn = mentoring.withdraw(request, ana, ana.actor()).relationship
    assert withdrawn.status is RelationshipStatus.WITHDRAWN
    assert withdrawn.withdrawal_cause is WithdrawalCause.MENTEE


def test_a_relationship_moves_from_request_to_completion_one_step_at_a_time(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    relationship = embedded_tenant.requested(ana, ben)

    def status_after(step: str, by: Caller) -> RelationshipStatus:
        recorded: Recorded = getattr(mentoring, step)(relationship, by, by.actor())
        return recorded.relationship.status

    # A relationship is started only once accepted.
    with pytest.raises(ConflictError) as too_soon:
        mentoring.start(relationship, ana, ana.actor())
    assert too_soon.value.field == "status"

    assert status_after("accept", ben) is RelationshipStatus.ACCEPTED
    assert status_after("start", ana) is RelationshipStatus.ACTIVE
    assert status_after("pause", ben) is RelationshipStatus.PAUSED
    assert status_after("resume", ana) is RelationshipStatus.ACTIVE
    # Ending early takes a reason; completing does not.
    with pytest.raises(InvalidInputError) as no_reason:
        mentoring.end(relationship, ana, "  ", ana.actor())
    assert no_reason.value.field == "reason"
    assert status_after("complete", ben) is RelationshipStatus.COMPLETED

    # A finished relationship stays finished.
    for step in ("accept", "start", "pause", "resume", "complete"):
        with pytest.raises(ConflictError) as closed:
            status_after(step, ben)
        assert closed.value.field == "status"
    with pytest.raises(ConflictError):
        mentoring.end(relationship, ana, "Too late.", ana.actor())


def test_an_unanswered_request_expires_after_the_programmes_days(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    embedded_tenant.app(Programme).change_settings(ProgrammeSettings(request_expiry_days=7),
                                                   OPERATOR)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    request = embedded_tenant.requested(ana, ben)

    embedded_tenant.clock.advance(days=7)
    # Overdue, it reads as expired before anything records it, and can no longer be accepted.
    assert mentoring.get_relationship(request, ana).status_at(
        embedded_tenant.clock()) is RelationshipStatus.EXPIRED
    with pytest.raises(ConflictError) as overdue:
        mentoring.accept(request, ben, ben.actor())
    assert overdue.value.field == "status"
    assert "expired" in overdue.value.problem

    mentoring.expire_overdue_requests(embedded_tenant.clock())
    assert mentoring.get_relationship(request, ana).status is RelationshipStatus.EXPIRED
    # The expired request no longer stands in the way of a new one.
    embedded_tenant.requested(ana, ben)


def test_a_block_withdraws_open_requests_and_stops_new_ones_until_lifted(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, cleo = embedded_tenant.entrepreneur("Ana"), embedded_tenant.entrepreneur("Cleo")
    ben = embedded_tenant.mentor("Ben")
    open_request = embedded_tenant.requested(ana, ben)
    current = embedded_tenant.mentoring(cleo, ben)

    # Ben blocks Ana: her open request is withdrawn, and she cannot ask again.
    outcome = mentoring.block(ben.member_id, ana.member_id, ben.actor())
    assert outcome.withdrawn == [open_request]
    assert outcome.still_current == []
    withdrawn = mentoring.get_relationship(open_request, ana)
    assert withdrawn.withdrawal_cause is WithdrawalCause.BLOCK
    assert mentoring.is_blocked(ben.member_id, ana.member_id)
    with pytest.raises(ForbiddenError) as blocked:
        embedded_tenant.requested(ana, ben)
    assert blocked.value.field == "mentorId"
    with pytest.raises(ConflictError) as twice:
        mentoring.block(ben.member_id, ana.member_id, ben.actor())
    assert twice.value.field == "memberId"

    # Blocking Cleo ends nothing: their relationship carries on until one of them ends it.
    outcome = mentoring.block(ben.member_id, cleo.member_id, ben.actor())
    assert (outcome.withdrawn, outcome.still_current) == ([], [current])
    assert mentoring.get_relationship(current, cleo).status is RelationshipStatus.ACTIVE

    # Nobody blocks themselves or a stranger; only the one who blocked lifts the block.
    with pytest.raises(InvalidInputError):
        mentoring.block(ben.member_id, ben.member_id, ben.actor())
    with pytest.raises(NotFoundError):
        mentoring.block(ben.member_id, uuid.uuid4(), ben.actor())
    with pytest.raises(ConflictError):
        mentoring.unblock(ana.member_id, ben.member_id, ana.actor())
    mentoring.unblock(ben.member_id, ana.member_id, ben.actor())
    assert not mentoring.is_blocked(ben.member_id, ana.member_id)
    embedded_tenant.requested(ana, ben)


def test_only_the_two_members_talk_and_only_while_the_relationship_runs(
    embedded_tenant: EmbeddedTenant, mentoring: Mentoring,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    pia = embedded_tenant.member("Pia", Role.PROGRAMME_ADMIN)
    relationship = embedded_tenant.requested(ana, ben)

    with pytest.raises(ConflictError) as unanswered:
        mentoring.send_message(relationship, ana, "Hello?", ana.actor())
    assert unanswered.value.field == "status"

    mentoring.accept(relationship, ben, ben.actor())
    first, _ = mentoring.send_message(relationship, ben, "Welcome, Ana!", ben.actor())
    second, _ = mentoring.send_message(relationship, ana, "Thank you!", ana.actor())
    assert (first, second) == (1, 2)
    with pytest.raises(InvalidInputError) as empty:
        mentoring.send_message(relationship, ana, "   ", ana.actor())
    assert empty.value.field == "body"

    # An admin may see the relationship but not its conversation.
    with pytest.raises(ForbiddenError) as admin:
        mentoring.messages(relationship, pia)
    assert admin.value.field == "role"
    assert [m.number for m in mentoring.messages(relationship, ben)] == [1, 2]

    mentoring.mark_read(relationship, ana, 1, ana.actor())
    with pytest.raises(InvalidInputError) as beyond:
        mentoring.mark_read(relationship, ana, 5, ana.actor())
    assert beyond.value.field == "upTo"

    mentoring.end(relationship, ben, "Done for now.", ben.actor())
    with pytest.raises(ConflictError):
        mentoring.send_message(relationship, ana, "One more thing.", ana.actor())
