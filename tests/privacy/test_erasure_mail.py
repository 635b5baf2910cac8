"""Who hears that an erasure is done: the tenant admin who carried it out on the member's
request, with the certificate's link to pass on; never the erased member, whose address is gone
(a member who erases their own account keeps the certificate from the page)."""

from __future__ import annotations

import pytest

from infra.erasure import erase_member
from services.accounts.domain import Role
from services.notifications.values import Category
from services.privacy.domain import ErasureGround, RequestedBy
from services.privacy.notifications import ERASURE_DONE, ERASURE_MAIL
from tests.due_work import carried_out, derived, position
from tests.rules import OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules


def test_the_admin_who_erased_a_member_gets_the_certificate_to_pass_on(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    tess = embedded_tenant.member("Tess", Role.TENANT_ADMIN)
    since = position(embedded_tenant)
    certificate = erase_member(
        embedded_tenant.ithaca, embedded_tenant.record, ana.member_id,
        requested_by=RequestedBy.TENANT_ADMIN, ground=ErasureGround.MEMBER_REQUEST,
        actor=tess.actor())

    [done] = derived(embedded_tenant, ERASURE_MAIL, since)
    assert (done.kind, done.member_id) == (ERASURE_DONE, tess.member_id)
    assert ERASURE_MAIL.kinds[ERASURE_DONE] is Category.ACCOUNT
    told = carried_out(embedded_tenant, ERASURE_MAIL, done)
    assert told is not None
    assert told.content.greeting == "Hello Tess,"
    assert told.content.subject == "The erasure you carried out is complete"
    assert told.content.action_url.endswith(f"/api/v1/erasures/{certificate.certificate_id}")
    assert str(ana.member_id) in told.content.paragraphs[0]
    assert "Ana" not in "\n".join((*told.content.paragraphs, *told.content.small_print))


def test_a_member_erasing_themselves_or_the_operator_erasing_is_told_by_no_mail(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    since = position(embedded_tenant)
    erase_member(embedded_tenant.ithaca, embedded_tenant.record, ana.member_id,
                 requested_by=RequestedBy.MEMBER, ground=ErasureGround.MEMBER_REQUEST,
                 actor=ana.actor())
    erase_member(embedded_tenant.ithaca, embedded_tenant.record, ben.member_id,
                 requested_by=RequestedBy.TENANT_ADMIN, ground=ErasureGround.MEMBER_REQUEST,
                 actor=OPERATOR)

    assert derived(embedded_tenant, ERASURE_MAIL, since) == []
