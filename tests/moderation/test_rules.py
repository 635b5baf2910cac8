"""The rules of moderation, told against the application alone: what a report may be about, the
queue of open reports, the three decisions (dismiss, warn, suspend) and who may take them, and
suspension and reinstatement. (Blocks between members are mentoring's: see
`tests/mentoring/test_application_rules.py`.)"""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.mentoring.application import Mentoring
from services.mentoring.values import RelationshipStatus, WithdrawalCause
from services.moderation.application import Moderation
from services.moderation.domain import Decision, Report, ReportReason, ReportStatus
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules


class Desk:
    """The tenant's moderation desk: Pia (a programme admin) decides what members report."""

    def __init__(self, tenant: EmbeddedTenant) -> None:
        self.tenant = tenant
        self.moderation, self.mentoring = tenant.app(Moderation), tenant.app(Mentoring)
        self.pia = tenant.member("Pia", Role.PROGRAMME_ADMIN)

    def report(
        self, reporter: Caller, member_id: UUID, *, reason: ReportReason = ReportReason.SPAM,
        relationship_id: UUID | None = None, message_number: int | None = None,
    ) -> Report:
        report, _ = self.moderation.file_report(
            reporter=reporter, member_id=member_id, reason=reason,
            details="Sent me the same advert five times.", relationship_id=relationship_id,
            message_number=message_number, actor=reporter.actor(), conversations=self.mentoring,
        )
        return report

    def decide(self, report: Report, decision: Decision, by: Caller | None = None) -> Report:
        decided, _ = self.moderation.decide(
            report.id, decision, "Checked the messages.", (by or self.pia).actor(),
            self.mentoring,
        )
        return decided


@pytest.fixture
def desk(embedded_tenant: EmbeddedTenant) -> Desk:
    return Desk(embedded_tenant)


def test_a_member_reports_another_and_the_report_waits_in_the_queue(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    report = desk.report(ana, ben.member_id, reason=ReportReason.ASKING_FOR_MONEY)
    assert report.status is ReportStatus.OPEN
    assert (report.reporter_id, report.reported_member_id) == (ana.member_id, ben.member_id)
    assert [r.id for r in desk.moderation.open_reports()] == [report.id]

    with pytest.raises(InvalidInputError) as themselves:
        desk.report(ana, ana.member_id)
    assert themselves.value.field == "memberId"
    with pytest.raises(NotFoundError) as nobody:
        desk.report(ana, uuid.uuid4())
    assert nobody.value.field == "memberId"
    assert len(desk.moderation.open_reports()) == 1


def test_a_message_report_names_a_message_the_reported_member_wrote_to_the_reporter(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    eve = embedded_tenant.entrepreneur("Eve")
    relationship = embedded_tenant.mentoring(ana, ben)
    desk.mentoring.send_message(relationship, ben, "Wire me 500 euros first.", ben.actor())
    desk.mentoring.send_message(relationship, ana, "No.", ana.actor())

    report = desk.report(ana, ben.member_id, relationship_id=relationship, message_number=1)
    assert (report.relationship_id, report.message_number) == (relationship, 1)

    refusals = [
        ({"relationship_id": relationship}, InvalidInputError, "messageNumber"),
        ({"message_number": 1}, InvalidInputError, "relationshipId"),
        ({"relationship_id": relationship, "message_number": 2}, InvalidInputError, "memberId"),
        ({"relationship_id": relationship, "message_number": 9}, NotFoundError, "messageNumber"),
    ]
    for where, error, field in refusals:
        with pytest.raises(error) as refused:
            desk.report(ana, ben.member_id, **where)  # type: ignore[arg-type]
        assert refused.value.field == field

    # Eve cannot report what she could not read.
    with pytest.raises(NotFoundError) as outsider:
        desk.report(eve, ben.member_id, relationship_id=relationship, message_number=1)
    assert outsider.value.field == "relationshipId"


def test_a_dismissal_closes_the_report_and_does_nothing_to_the_member(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    report = desk.report(ana, ben.member_id)

    dismissed = desk.decide(report, Decision.DISMISS)
    assert dismissed.status is ReportStatus.DISMISSED
    assert desk.moderation.open_reports() == []
    assert desk.moderation.warnings_of(ben.member_id) == []
    assert not embedded_tenant.app(Accounts).get_member(ben.member_id).suspended

    # A report is decided once.
    with pytest.raises(ConflictError) as decided:
        desk.decide(report, Decision.SUSPEND)
    assert decided.value.field == "status"


def test_a_warning_is_kept_on_the_members_standing(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    first = desk.report(ana, ben.member_id, reason=ReportReason.SPAM)
    second = desk.report(ana, ben.member_id, reason=ReportReason.HARASSMENT)

    assert desk.decide(first, Decision.WARN).status is ReportStatus.WARNED
    desk.decide(second, Decision.WARN)
    warnings = desk.moderation.warnings_of(ben.member_id)
    assert [(w.report_id, w.reason) for w in warnings] == [
        (first.id, ReportReason.SPAM), (second.id, ReportReason.HARASSMENT)]
    assert warnings[0].note == "Checked the messages."
    # A warning is no suspension.
    assert not embedded_tenant.app(Accounts).get_member(ben.member_id).suspended


def test_a_suspension_withdraws_the_members_open_requests_and_stops_new_ones(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    # Ben mentors Cleo, who reports him; Ana is still waiting for his answer.
    ana, cleo = embedded_tenant.entrepreneur("Ana"), embedded_tenant.entrepreneur("Cleo")
    ben = embedded_tenant.mentor("Ben")
    current = embedded_tenant.mentoring(cleo, ben)
    report = desk.report(cleo, ben.member_id, reason=ReportReason.OFF_PLATFORM_SOLICITATION)
    open_request = embedded_tenant.requested(ana, ben)

    assert desk.decide(report, Decision.SUSPEND).status is ReportStatus.SUSPENDED
    assert embedded_tenant.app(Accounts).get_member(ben.member_id).suspended
    withdrawn = desk.mentoring.get_relationship(open_request, ana)
    assert withdrawn.status is RelationshipStatus.WITHDRAWN
    assert withdrawn.withdrawal_cause is WithdrawalCause.SUSPENSION
    # A current relationship is left for its members to end.
    assert desk.mentoring.get_relationship(current, cleo).status is RelationshipStatus.ACTIVE

    dora = embedded_tenant.entrepreneur("Dora")
    with pytest.raises(InvalidInputError) as suspended:
        embedded_tenant.requested(dora, ben)
    assert suspended.value.field == "mentorId"

    # A second report about him closes as suspended; he stays suspended, once.
    later = desk.report(ana, ben.member_id)
    assert desk.decide(later, Decision.SUSPEND).status is ReportStatus.SUSPENDED


def test_staff_warn_and_suspend_only_members_they_outrank(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    paul = embedded_tenant.member("Paul", Role.PROGRAMME_ADMIN)
    tess = embedded_tenant.member("Tess", Role.TENANT_ADMIN)
    about_paul = desk.report(ana, paul.member_id)

    # Pia cannot warn her peer Paul, nor suspend him, but she may dismiss the report.
    for decision in (Decision.WARN, Decision.SUSPEND):
        with pytest.raises(ForbiddenError) as peer:
            desk.decide(about_paul, decision)
        assert peer.value.field == "memberId"
    with pytest.raises(ForbiddenError):
        desk.moderation.suspend_member(paul.member_id, "Rude.", desk.pia.actor(), desk.mentoring)

    # The tenant admin outranks him.
    desk.decide(about_paul, Decision.WARN, by=tess)
    assert len(desk.moderation.warnings_of(paul.member_id)) == 1


def test_a_member_is_suspended_once_and_reinstated_once(
    embedded_tenant: EmbeddedTenant, desk: Desk,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ben = embedded_tenant.mentor("Ben")
    desk.moderation.suspend_member(ben.member_id, "Spam.", desk.pia.actor(), desk.mentoring)
    assert accounts.get_member(ben.member_id).suspended
    with pytest.raises(ConflictError) as already:
        desk.moderation.suspend_member(ben.member_id, "Spam.", desk.pia.actor(), desk.mentoring)
    assert already.value.field == "status"

    desk.moderation.reinstate(ben.member_id, "Appeal upheld.", desk.pia.actor())
    assert not accounts.get_member(ben.member_id).suspended
    with pytest.raises(ConflictError) as not_suspended:
        desk.moderation.reinstate(ben.member_id, "Again.", desk.pia.actor())
    assert not_suspended.value.field == "status"

    # Reinstated, he takes requests again.
    embedded_tenant.requested(embedded_tenant.entrepreneur("Ana"), ben)
