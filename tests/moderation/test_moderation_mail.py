"""What a warned, suspended or reinstated member is told: the decision and where to read it,
never who reported them nor what the report said; account mail, which cannot be turned off."""

from __future__ import annotations

import pytest

from infra.erasure import erase_member
from services.accounts.domain import Role
from services.moderation.domain import Decision, ReportReason
from services.moderation.notifications import MODERATION_MAIL, REINSTATED, SUSPENDED, WARNED
from services.notifications.values import Category
from services.privacy.domain import ErasureGround, RequestedBy
from tests.due_work import carried_out, derived, position
from tests.moderation.test_rules import Desk
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules


def mail_text(*parts: object) -> str:
    return "\n".join(str(part) for part in parts)


def test_a_warned_member_learns_the_category_and_where_to_read_the_note_but_not_who(
    embedded_tenant: EmbeddedTenant,
) -> None:
    desk = Desk(embedded_tenant)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    since = position(embedded_tenant)
    report = desk.report(ana, ben.member_id, reason=ReportReason.HARASSMENT)
    desk.decide(report, Decision.WARN)

    [warning] = derived(embedded_tenant, MODERATION_MAIL, since)
    assert (warning.kind, warning.member_id) == (WARNED, ben.member_id)
    assert MODERATION_MAIL.kinds[WARNED] is Category.ACCOUNT
    told = carried_out(embedded_tenant, MODERATION_MAIL, warning)
    assert told is not None
    content = told.content
    assert content.subject == "A warning from the Acme Mentoring moderators"
    assert content.greeting == "Hello Ben,"
    assert "a report about you (harassment)" in content.paragraphs[0]
    assert content.action_url.endswith("/my-data#warnings")
    everything = mail_text(content.subject, *content.paragraphs, *content.small_print)
    assert "Ana" not in everything
    assert "advert" not in everything  # the report's details
    assert "Checked the messages" not in everything  # the note stays on the page


def test_a_suspended_member_is_told_what_it_means_unless_reinstated_meanwhile(
    embedded_tenant: EmbeddedTenant,
) -> None:
    desk = Desk(embedded_tenant)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    since = position(embedded_tenant)
    desk.decide(desk.report(ana, ben.member_id), Decision.SUSPEND)

    [suspension] = derived(embedded_tenant, MODERATION_MAIL, since)
    assert (suspension.kind, suspension.member_id) == (SUSPENDED, ben.member_id)
    told = carried_out(embedded_tenant, MODERATION_MAIL, suspension)
    assert told is not None
    assert told.content.subject == "Your Acme Mentoring account is suspended"
    assert "you cannot sign in" in told.content.paragraphs[0]
    assert "report" not in mail_text(*told.content.paragraphs)

    desk.moderation.reinstate(ben.member_id, "Misunderstanding cleared up.", desk.pia.actor())
    assert carried_out(embedded_tenant, MODERATION_MAIL, suspension) is None


def test_a_reinstated_member_is_told_their_account_works_again_unless_suspended_meanwhile(
    embedded_tenant: EmbeddedTenant,
) -> None:
    desk = Desk(embedded_tenant)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    desk.decide(desk.report(ana, ben.member_id), Decision.SUSPEND)
    since = position(embedded_tenant)
    desk.moderation.reinstate(ben.member_id, "Misunderstanding cleared up.", desk.pia.actor())

    [reinstatement] = derived(embedded_tenant, MODERATION_MAIL, since)
    assert (reinstatement.kind, reinstatement.member_id) == (REINSTATED, ben.member_id)
    assert MODERATION_MAIL.kinds[REINSTATED] is Category.ACCOUNT
    told = carried_out(embedded_tenant, MODERATION_MAIL, reinstatement)
    assert told is not None
    assert told.content.subject == "Your Acme Mentoring account works again"
    assert told.content.greeting == "Hello Ben,"
    assert "You can sign in again" in told.content.paragraphs[0]
    assert "Misunderstanding" not in mail_text(*told.content.paragraphs)
    assert "suspension of your account was lifted" in told.content.small_print[0]

    desk.decide(desk.report(ana, ben.member_id), Decision.SUSPEND)
    assert carried_out(embedded_tenant, MODERATION_MAIL, reinstatement) is None


def test_an_erased_member_is_told_nothing(embedded_tenant: EmbeddedTenant) -> None:
    desk = Desk(embedded_tenant)
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    since = position(embedded_tenant)
    desk.decide(desk.report(ana, ben.member_id), Decision.WARN)
    tess = embedded_tenant.member("Tess", Role.TENANT_ADMIN)
    erase_member(embedded_tenant.ithaca, embedded_tenant.record, ben.member_id,
                 requested_by=RequestedBy.TENANT_ADMIN, ground=ErasureGround.MEMBER_REQUEST,
                 actor=tess.actor())

    [warning] = derived(embedded_tenant, MODERATION_MAIL, since)
    assert carried_out(embedded_tenant, MODERATION_MAIL, warning) is None
