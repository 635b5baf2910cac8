"""The rules of erasure, told against the privacy application alone: certifying an erasure
closes the account and the member's mentoring and reports in one step, a member is erased once,
a tenant admin erases only members they outrank (never themselves), and once the keys are
destroyed every copy of the member's personal data in the log reads as erased.

(The whole procedure, read models and storage included, is `tests/privacy/test_erasure.py`.)"""

from __future__ import annotations

import uuid

import pytest

from services.accounts.application import Accounts, NotSignedInError
from services.accounts.domain import MemberStatus, Role, SessionKind
from services.errors import ConflictError, ForbiddenError, NotFoundError
from services.mentoring.application import Mentoring
from services.mentoring.values import RelationshipStatus, WithdrawalCause
from services.moderation.application import Moderation
from services.moderation.domain import ReportReason, ReportStatus
from services.privacy.application import ENDED_BY_ERASURE, REPORT_CLOSED_BY_ERASURE, Privacy
from services.privacy.domain import ErasureGround, RequestedBy
from services.profiles.application import Profiles
from tests.rules import OPERATOR, PASSWORD, EmbeddedTenant

pytestmark = pytest.mark.rules

ERASED = "[erased]"


@pytest.fixture
def privacy(embedded_tenant: EmbeddedTenant) -> Privacy:
    return embedded_tenant.app(Privacy)


def test_an_erased_member_can_no_longer_sign_in_and_gets_a_certificate(
    embedded_tenant: EmbeddedTenant, privacy: Privacy,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.entrepreneur("Ana")
    token = accounts.sign_in(email="ana@acme.example", password=PASSWORD,
                             kind=SessionKind.BEARER, actor=ana.actor()).token

    certified = privacy.certify(ana.member_id, RequestedBy.MEMBER, ErasureGround.MEMBER_REQUEST,
                                ana.actor())
    erasure = certified.erasure
    assert (erasure.member_id, erasure.requested_by, erasure.ground) == (
        ana.member_id, RequestedBy.MEMBER, ErasureGround.MEMBER_REQUEST)
    assert erasure.erased_at == embedded_tenant.clock()
    assert any("personal-data key" in item for item in erasure.destroyed)

    # Her sessions end, and her address is answered as an unknown one.
    with pytest.raises(NotSignedInError):
        accounts.authenticate(token)
    with pytest.raises(NotSignedInError) as unknown:
        accounts.sign_in(email="ana@acme.example", password=PASSWORD, kind=SessionKind.BEARER,
                         actor=ana.actor())
    assert unknown.value.field == "password"
    assert accounts.get_member(ana.member_id).status is MemberStatus.ERASED

    # The certificate is found by its id, and by her, at the position it was recorded.
    assert privacy.certificate(erasure.certificate_id).position == certified.position
    earlier = privacy.erasure_of(ana.member_id)
    assert earlier is not None
    assert earlier.erasure.certificate_id == erasure.certificate_id
    assert [c.erasure.member_id for c in privacy.erasures()] == [ana.member_id]
    with pytest.raises(NotFoundError) as no_certificate:
        privacy.certificate(uuid.uuid4())
    assert no_certificate.value.field == "certificateId"


def test_a_member_is_erased_once_and_nothing_more_is_recorded_about_them(
    embedded_tenant: EmbeddedTenant, privacy: Privacy,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    privacy.certify(ana.member_id, RequestedBy.MEMBER, ErasureGround.CONSENT_WITHDRAWN,
                    ana.actor())

    with pytest.raises(ConflictError) as twice:
        privacy.certify(ana.member_id, RequestedBy.MEMBER, ErasureGround.MEMBER_REQUEST,
                        ana.actor())
    assert twice.value.field == "memberId"
    with pytest.raises(ConflictError) as closed:
        embedded_tenant.app(Accounts).change_locale(ana.member_id, "fr", OPERATOR)
    assert closed.value.field == "memberId"
    with pytest.raises(NotFoundError) as nobody:
        privacy.certify(uuid.uuid4(), RequestedBy.TENANT_ADMIN, ErasureGround.OBJECTION,
                        OPERATOR)
    assert nobody.value.field == "memberId"


def test_an_erasure_closes_the_members_mentoring_and_the_reports_about_them(
    embedded_tenant: EmbeddedTenant, privacy: Privacy,
) -> None:
    mentoring, moderation = embedded_tenant.app(Mentoring), embedded_tenant.app(Moderation)
    ana, cleo = embedded_tenant.entrepreneur("Ana"), embedded_tenant.entrepreneur("Cleo")
    ben, carl = embedded_tenant.mentor("Ben"), embedded_tenant.mentor("Carl")
    current = embedded_tenant.mentoring(ana, ben)
    open_request = embedded_tenant.requested(ana, carl)
    report, _ = moderation.file_report(
        reporter=cleo, member_id=ana.member_id, reason=ReportReason.SPAM,
        details="Adverts in every message.", relationship_id=None, message_number=None,
        actor=cleo.actor(), conversations=mentoring,
    )

    certified = privacy.certify(ana.member_id, RequestedBy.MEMBER,
                                ErasureGround.MEMBER_REQUEST, ana.actor())
    assert certified.counterparts == {ben.member_id, carl.member_id}

    ended = mentoring.get_relationship(current, ben)
    assert (ended.status, ended.ended_by, ended.end_reason) == (
        RelationshipStatus.ENDED, ana.member_id, ENDED_BY_ERASURE)
    withdrawn = mentoring.get_relationship(open_request, carl)
    assert (withdrawn.status, withdrawn.withdrawal_cause) == (
        RelationshipStatus.WITHDRAWN, WithdrawalCause.ERASURE)
    # Ben's place is free again.
    assert [e.status for e in mentoring.relationships_of(ben.member_id)] == [
        RelationshipStatus.ENDED]

    closed = moderation.get_report(report.id)
    assert (closed.status, closed.note) == (ReportStatus.DISMISSED, REPORT_CLOSED_BY_ERASURE)
    assert moderation.open_reports() == []


def test_a_tenant_admin_erases_members_they_outrank_but_never_themselves(
    embedded_tenant: EmbeddedTenant, privacy: Privacy,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    tess = embedded_tenant.member("Tess", Role.TENANT_ADMIN)
    theo = embedded_tenant.member("Theo", Role.TENANT_ADMIN)

    with pytest.raises(ForbiddenError) as herself:
        privacy.certify(tess.member_id, RequestedBy.TENANT_ADMIN, ErasureGround.MEMBER_REQUEST,
                        tess.actor())
    assert herself.value.field == "memberId"
    assert "/me/erasure" in herself.value.problem
    with pytest.raises(ForbiddenError) as peer:
        privacy.certify(theo.member_id, RequestedBy.TENANT_ADMIN, ErasureGround.MEMBER_REQUEST,
                        tess.actor())
    assert peer.value.field == "memberId"
    assert privacy.erasures() == []

    privacy.certify(ana.member_id, RequestedBy.TENANT_ADMIN, ErasureGround.NO_LONGER_NEEDED,
                    tess.actor())
    # The platform's operators answer for tenant admins.
    privacy.certify(theo.member_id, RequestedBy.TENANT_ADMIN, ErasureGround.MEMBER_REQUEST,
                    OPERATOR)
    assert {c.erasure.member_id for c in privacy.erasures()} == {ana.member_id, theo.member_id}


def test_once_the_keys_are_destroyed_the_members_data_reads_as_erased_everywhere(
    embedded_tenant: EmbeddedTenant, privacy: Privacy,
) -> None:
    mentoring = embedded_tenant.app(Mentoring)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    relationship = embedded_tenant.mentoring(ana, ben)
    mentoring.send_message(relationship, ana, "Here are my figures for March.", ana.actor())
    mentoring.send_message(relationship, ben, "Thanks, reading them now.", ben.actor())

    certified = privacy.certify(ana.member_id, RequestedBy.MEMBER,
                                ErasureGround.MEMBER_REQUEST, ana.actor())
    privacy.destroy_keys(ana.member_id, certified.counterparts)
    # Safe to run again, as an interrupted erasure does.
    privacy.destroy_keys(ana.member_id, certified.counterparts)

    assert embedded_tenant.app(Accounts).get_member(ana.member_id).name == ERASED
    profile = embedded_tenant.app(Profiles).find_entrepreneur_profile(ana.member_id)
    assert profile is not None
    assert profile.business_name == ERASED
    # Ben keeps his own words; hers, and the reason her erasure gave, are gone.
    assert [m.body for m in mentoring.messages(relationship, ben)] == [
        ERASED, "Thanks, reading them now."]
    ended = mentoring.get_relationship(relationship, ben)
    assert (ended.introduction, ended.end_reason) == (ERASED, ERASED)
    assert embedded_tenant.app(Accounts).get_member(ben.member_id).name == "Ben"
