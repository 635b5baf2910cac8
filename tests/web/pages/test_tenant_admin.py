"""The tenant admin's settings: the brand (with its live preview), domains, the default language
and the programme's rules; only tenant admins may open them."""

from __future__ import annotations

import html

import msgspec
import pytest

from infra.settings import Settings
from tests.dns import DnsServer, dns_server
from tests.web.pages.conftest import TenantPages

__all__ = ["dns_server"]


@pytest.fixture
def settings(settings: Settings, dns_server: DnsServer) -> Settings:
    """Custom domains are proven against the test's own DNS server."""
    return msgspec.structs.replace(settings, dns_resolver=dns_server.address)

BRAND = {"productName": "Acme Mentoring", "logoUrl": "", "primaryColour": "#1f4e79",
         "accentColour": "#f2a900", "supportEmail": ""}


def test_a_tenant_admin_changes_the_main_colour_and_the_brand_style_sheet_serves_it(
    acme_pages: TenantPages,
) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    form = tia.get("/settings/branding")
    assert form.status_code == 200
    assert 'type="color"' in form.text
    assert 'hx-trigger="input changed delay:300ms"' in form.text

    response = tia.post("/settings/branding", {**BRAND, "primaryColour": "#aa3300",
                                               "productName": "Acme Growth"})
    assert response.status_code in (302, 303)
    assert "The brand has been saved." in tia.get(response.headers["location"][len("/t/acme"):]
                                                  ).text
    css = acme_pages.visitor().get("/brand.css").text
    assert "--brand-primary: #aa3300" in css
    assert "Acme Growth" in acme_pages.visitor().get("/").text


def test_the_preview_shows_an_unsaved_colour(acme_pages: TenantPages) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    preview = tia.post("/settings/branding/preview", {**BRAND, "accentColour": "#00cc66"},
                       htmx=True)
    assert preview.status_code == 200
    assert "<html" not in preview.text
    assert 'class="brand-preview"' in preview.text
    assert "accent=%2300cc66" in preview.text
    stylesheet = tia.get("/settings/branding/preview.css?primary=%23123456&accent=%2300cc66")
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert ".brand-preview" in stylesheet.text
    assert "--brand-accent: #00cc66" in stylesheet.text
    # Nothing was saved, and nothing but a colour reaches a style sheet.
    assert "#00cc66" not in acme_pages.visitor().get("/brand.css").text
    injected = tia.get("/settings/branding/preview.css?primary=red;}body{x:y")
    assert "body" not in injected.text


def test_a_bad_colour_is_shown_beside_its_field_with_the_input_kept(
    acme_pages: TenantPages,
) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    response = tia.post("/settings/branding", {**BRAND, "primaryColour": "blue",
                                               "productName": "Acme Blue"})
    assert response.status_code == 422
    assert 'id="error-primaryColour"' in response.text
    assert 'value="blue"' in response.text
    assert 'value="Acme Blue"' in response.text
    assert "--brand-primary: #1f4e79" in acme_pages.visitor().get("/brand.css").text
    assert "Acme Blue" not in acme_pages.visitor().get("/").text


def test_a_tenant_admin_sets_the_default_language_domains_and_programme_rules(
    acme_pages: TenantPages,
) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    for path in ("/settings", "/settings/languages", "/settings/domains", "/settings/programme"):
        assert tia.get(path).status_code == 200, path
    assert "Settings" in tia.get("/").text
    assert tia.post("/settings/languages", {"defaultLocale": "fr"}).status_code in (302, 303)
    assert 'lang="fr"' in acme_pages.visitor().get("/").text

    assert tia.post("/settings/domains", {"domain": "mentoring.acme.example"}
                    ).status_code in (302, 303)
    assert "mentoring.acme.example" in tia.get("/settings/domains").text
    refused = tia.post("/settings/domains", {"domain": "not a domain"})
    assert refused.status_code == 422
    assert 'id="error-domain"' in refused.text
    assert tia.post("/settings/domains/detach", {"domain": "mentoring.acme.example"}
                    ).status_code in (302, 303)
    assert "mentoring.acme.example" not in tia.get("/settings/domains").text

    saved = tia.post("/settings/programme", {
        "requestExpiryDays": "21", "maxOpenRequests": "3", "followUpMonths": "3, 9",
        "languageFilter": "true", "programmes": "agri-export\nwomen-in-business-2026"})
    assert saved.status_code in (302, 303)
    page = tia.get("/settings/programme").text
    assert 'value="21"' in page
    assert 'value="3, 9"' in page
    assert "agri-export" in page
    bad = tia.post("/settings/programme", {"requestExpiryDays": "21", "maxOpenRequests": "3",
                                           "followUpMonths": "9, 3"})
    assert bad.status_code == 422
    assert 'id="error-followUpMonths"' in bad.text
    assert 'value="9, 3"' in bad.text


def test_a_claimed_domain_waits_for_its_dns_proof_before_it_serves_the_programme(
    acme_pages: TenantPages, dns_server: DnsServer
) -> None:
    # Tia claims Acme's domain: the page shows the TXT record to publish; the domain does not
    # lead to Acme yet.
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    assert tia.post("/settings/domains", {"domain": "Mentoring.Acme.Example"}
                    ).status_code in (302, 303)
    [pending] = acme_pages.served.ithaca.tenant("acme").pending_domains
    page = tia.get("/settings/domains").text
    assert "Waiting for proof" in page
    assert pending.record in page
    assert pending.challenge in page
    overview = tia.get("/settings").text
    assert "Waiting for proof" in overview
    assert pending.domain in overview
    client = acme_pages.served.client
    assert client.get("/api/v1/tenant", headers={"Host": pending.domain}).status_code == 404

    # Verifying before the record is published says what to publish.
    early = tia.post("/settings/domains/verify", {"domain": pending.domain})
    assert early.status_code == 422
    assert html.escape(pending.record) in early.text

    # Once it is published, the domain serves Acme.
    dns_server.publish(pending.record, pending.challenge)
    assert tia.post("/settings/domains/verify", {"domain": pending.domain}
                    ).status_code in (302, 303)
    assert "Waiting for proof" not in tia.get("/settings/domains").text
    assert client.get("/api/v1/tenant", headers={"Host": pending.domain}).json()["slug"] == "acme"

    # An address or the platform's own name is refused beside the field.
    for refused_domain in ("127.0.0.1", "localhost", "beta.ithaca.localhost"):
        refused = tia.post("/settings/domains", {"domain": refused_domain})
        assert refused.status_code == 422
        assert 'id="error-domain"' in refused.text


def test_a_member_who_is_not_a_tenant_admin_may_not_open_the_settings(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    assert ana.get("/settings").status_code == 403
    assert ana.get("/settings/branding").status_code == 403
    assert ana.post("/settings/branding", {**BRAND, "primaryColour": "#000000"}
                    ).status_code == 403
    assert "#000000" not in acme_pages.visitor().get("/brand.css").text
