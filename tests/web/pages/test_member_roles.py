"""A tenant admin gives Mia the programme admin's role on a page: roles are named in words
(never `programme_admin`), the change needs a reason, and an unknown member is a 404."""

from __future__ import annotations

import re
import uuid

from services.accounts.application import Accounts
from services.accounts.domain import Role
from tests.web.pages.conftest import TenantPages

_TAGS = re.compile(r'<span class="tag">([^<]*)</span>')


def test_a_tenant_admin_assigns_a_role_named_in_words(acme_pages: TenantPages) -> None:
    tess = acme_pages.member("Tess", roles=["tenant_admin"])
    mia = acme_pages.member("Mia Chen", roles=["entrepreneur"])
    acme_pages.project()

    listed = tess.get("/settings/members")
    assert listed.status_code == 200
    row = next(part for part in listed.text.split("<tr>") if "Mia Chen" in part)
    assert _TAGS.findall(row) == ["Entrepreneur"]
    form_path = f"/settings/members/{mia.member_id}/roles"
    assert f'href="/t/acme{form_path}"' in row

    form = tess.get(form_path).text
    assert '<label for="role-programme_admin">Programme admin</label>' in form
    assert "Runs the programme" in form

    no_reason = tess.post(form_path, {"roles": ["entrepreneur", "programme_admin"]})
    assert no_reason.status_code == 400
    assert 'id="error-reason"' in no_reason.text
    assert 'value="programme_admin" aria-describedby="purpose-programme_admin" checked' in (
        no_reason.text)

    assert mia.member_id is not None
    saved = tess.post(form_path, {"roles": ["entrepreneur", "programme_admin"],
                                  "reason": "Runs the spring cohort"})
    assert saved.status_code in (302, 303), saved.text
    ithaca = acme_pages.served.ithaca
    accounts = ithaca.tenant_application(ithaca.tenant("acme"), Accounts)
    assert set(accounts.get_member(mia.member_id).roles) == {
        Role.ENTREPRENEUR, Role.PROGRAMME_ADMIN}
    after = tess.get(saved.headers["location"].removeprefix("/t/acme")).text
    assert "The roles have been saved." in after
    row = next(part for part in after.split("<tr>") if "Mia Chen" in part)
    assert _TAGS.findall(row) == ["Entrepreneur", "Programme admin"]
    assert "programme_admin" not in after

    # On the programme admin's members page, too, roles are words.
    assert "Programme admin" in mia.get("/admin/members").text


def test_only_tenant_admins_change_roles_and_unknown_members_are_not_found(
    acme_pages: TenantPages,
) -> None:
    tess = acme_pages.member("Tess", roles=["tenant_admin"])
    mia = acme_pages.member("Mia", roles=["mentor"])
    assert tess.get(f"/settings/members/{uuid.uuid4()}/roles").status_code == 404
    assert mia.get("/settings/members").status_code == 403
    refused = mia.post(f"/settings/members/{mia.member_id}/roles",
                       {"roles": ["tenant_admin"], "reason": "Me"})
    assert refused.status_code == 403
