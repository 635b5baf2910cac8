"""The audit trail page: staff changes made through the admin pages, with their reasons, listed
by name for an auditor; the filters; the auditor's own page reads; who may open it."""

from __future__ import annotations

from tests.web.pages.conftest import TenantPages

WEIGHTS = {"language": "1", "expertise": "4", "industry": "1", "country": "1", "hours": "1",
           "stage": "0.5", "capacity": "0.5", "responsiveness": "1", "openRequests": "1"}


def test_changes_made_on_the_admin_pages_show_in_the_trail_by_name_with_their_reasons(
    acme_pages: TenantPages,
) -> None:
    pam = acme_pages.member("Pam Admin", roles=["programme_admin"])
    tia = acme_pages.member("Tia Owner", roles=["tenant_admin"])
    ugo = acme_pages.member("Ugo Auditor", roles=["auditor"])
    # Pam reweighs matching and Tia changes the default language, each saying why.
    saved = pam.post("/admin/matching", {**WEIGHTS, "reason": "Board asked for expertise"})
    assert saved.status_code in (302, 303), saved.text
    saved = tia.post("/settings/languages", {"defaultLocale": "es",
                                             "reason": "Most members speak Spanish"})
    assert saved.status_code in (302, 303), saved.text
    # A reason too long is refused beside its field, and nothing changes.
    refused = tia.post("/settings/languages", {"defaultLocale": "fr", "reason": "x" * 501})
    assert refused.status_code == 422
    assert 'id="error-reason"' in refused.text
    acme_pages.project()

    page = ugo.get("/audit/trail", params={"kind": "action"})
    assert page.status_code == 200, page.text
    assert "MatchingConfiguration.WeightsChanged" in page.text
    assert "Pam Admin" in page.text
    assert "Board asked for expertise" in page.text
    assert "Tenant.DefaultLocaleChanged" in page.text
    assert "Tia Owner" in page.text
    assert "Most members speak Spanish" in page.text
    assert "Tenant.Provisioned" in page.text
    assert "cli:test" in page.text
    # Narrowed to one action, the other disappears.
    narrowed = ugo.get("/audit/trail", params={"action": "Tenant.DefaultLocaleChanged"})
    assert "Most members speak Spanish" in narrowed.text
    assert "Board asked for expertise" not in narrowed.text


def test_an_auditors_page_reads_are_listed_and_bad_filters_are_shown_beside_their_field(
    acme_pages: TenantPages,
) -> None:
    ugo = acme_pages.member("Ugo Auditor", roles=["auditor"])
    ena = acme_pages.member("Ena", roles=["entrepreneur"])
    assert ugo.get("/admin/members").status_code == 200
    assert ena.get("/relationships").status_code == 200
    acme_pages.project()

    page = ugo.get("/audit/trail", params={"kind": "read"})
    assert page.status_code == 200
    assert "<code>/admin/members</code>" in page.text
    assert "/relationships</code>" not in page.text  # Ena's own reads are not audited
    assert "Ugo Auditor" in page.text

    for name, value in (("kind", "write"), ("from", "soon"), ("subject", "Ena")):
        refused = ugo.get("/audit/trail", params={name: value})
        assert refused.status_code == 422
        assert f'id="error-{name}"' in refused.text
        assert f'value="{value}"' in refused.text or name == "kind"  # kept to correct it


def test_members_without_the_role_cannot_open_the_trail(acme_pages: TenantPages) -> None:
    ena = acme_pages.member("Ena", roles=["entrepreneur"])
    pam = acme_pages.member("Pam", roles=["programme_admin"])
    assert ena.get("/audit/trail").status_code == 403
    assert pam.get("/audit/trail").status_code == 403
    visitor = acme_pages.visitor()
    assert visitor.get("/audit/trail", follow_redirects=False).status_code in (302, 303)
