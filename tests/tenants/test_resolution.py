"""Tenant resolution: a request finds its tenant by subdomain, custom domain or /t/ prefix."""

from __future__ import annotations

import msgspec
import pytest

from infra.bootstrap import bootstrap
from infra.settings import Settings
from services.actor import Actor
from tests.dns import DnsServer, attach_with_proof
from tests.web import PLATFORM_API, Served, serving

TENANT_INFO = "/api/v1/tenant"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def operator(served: Served) -> dict[str, str]:
    return served.operator()


def test_a_tenant_answers_on_its_subdomain_its_own_domain_and_its_path_prefix(
    served: Served, operator: dict[str, str], dns_server: DnsServer
) -> None:
    # Acme's programme is provisioned in Spanish and given its own domain.
    served.provision(operator, "acme", displayName="Acme Mentoring", defaultLocale="es",
                     timeZone="America/Bogota")
    attach_with_proof(served, operator, dns_server, "acme", "Mentoring.Acme.Example")

    # The same tenant answers on acme.{base domain}, on its own domain and under /t/acme.
    answers = [
        served.client.get(TENANT_INFO, headers={"Host": "acme.ithaca.localhost:8000"}),
        served.client.get(TENANT_INFO, headers={"Host": "mentoring.acme.example"}),
        served.client.get(f"/t/acme{TENANT_INFO}"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "slug": "acme",
            "displayName": "Acme Mentoring",
            "defaultLocale": "es",
            "timeZone": "America/Bogota",
            "branding": {
                "productName": "Acme Mentoring", "logoUrl": "", "primaryColour": "#1f4e79",
                "accentColour": "#f2a900", "supportEmail": "",
            },
        }


def test_the_path_prefix_wins_over_the_host(served: Served, operator: dict[str, str]) -> None:
    # A preview link to Beta opened on Acme's subdomain shows Beta.
    served.provision(operator, "acme")
    served.provision(operator, "beta")
    answer = served.client.get(f"/t/beta{TENANT_INFO}", headers={"Host": "acme.ithaca.localhost"})
    assert answer.json()["slug"] == "beta"


def test_an_unknown_host_or_slug_is_a_404_naming_what_was_looked_up(served: Served) -> None:
    by_host = served.client.get(TENANT_INFO, headers={"Host": "nobody.ithaca.localhost"})
    assert by_host.status_code == 404
    assert by_host.json() == {"error": {
        "status": 404, "problem": "no tenant at host 'nobody.ithaca.localhost'", "field": "host",
    }}

    by_domain = served.client.get(TENANT_INFO, headers={"Host": "mentoring.unknown.example"})
    assert "'mentoring.unknown.example'" in by_domain.json()["error"]["problem"]

    by_slug = served.client.get(f"/t/nobody{TENANT_INFO}")
    assert by_slug.status_code == 404
    assert by_slug.json() == {"error": {
        "status": 404, "problem": "no tenant with slug 'nobody'", "field": "slug",
    }}

    # The platform's own address is nobody's tenant, and says how tenants are reached.
    platform = served.client.get(TENANT_INFO, headers={"Host": "ithaca.localhost"})
    assert platform.status_code == 404
    assert "platform's own address" in platform.json()["error"]["problem"]


def test_a_suspended_tenant_is_refused_in_json_for_apis_and_in_html_for_browsers(
    served: Served, operator: dict[str, str]
) -> None:
    served.provision(operator, "acme", displayName="Acme Mentoring")
    served.client.post(f"{PLATFORM_API}/tenants/acme/suspension",
                       json={"reason": "unpaid invoice 2026-11"}, headers=operator)
    host = {"Host": "acme.ithaca.localhost"}

    api = served.client.get(TENANT_INFO, headers={**host, "Accept": "application/json"})
    assert api.status_code == 403
    problem = api.json()["error"]["problem"]
    assert "Acme Mentoring (acme) is suspended" in problem
    assert "unpaid" not in problem  # the reason is between the operator and the tenant

    browser = served.client.get(TENANT_INFO, headers={**host, "Accept": BROWSER_ACCEPT})
    assert browser.status_code == 403
    assert browser.headers["content-type"].startswith("text/html")
    assert "Acme Mentoring (acme) is suspended" in browser.text
    assert "Error 403" in browser.text  # the branded error page

    # Accept: */* (curl, scripts) gets JSON.
    curl = served.client.get(f"/t/acme{TENANT_INFO}", headers={"Accept": "*/*"})
    assert (curl.status_code, curl.json()["error"]["status"]) == (403, 403)


def test_a_suspension_applies_from_the_next_request_however_long_the_cache_lives(
    settings: Settings,
) -> None:
    # Tenants are cached for an hour, yet a suspension through this process is seen at once.
    with serving(msgspec.structs.replace(settings, tenant_cache_seconds=3600.0)) as served:
        operator = served.operator()
        served.provision(operator, "acme")
        host = {"Host": "acme.ithaca.localhost"}
        assert served.client.get(TENANT_INFO, headers=host).status_code == 200

        served.client.post(f"{PLATFORM_API}/tenants/acme/suspension",
                           json={"reason": "audit"}, headers=operator)
        assert served.client.get(TENANT_INFO, headers=host).status_code == 403

        served.client.request("DELETE", f"{PLATFORM_API}/tenants/acme/suspension",
                              json={"reason": "audit passed"}, headers=operator)
        assert served.client.get(TENANT_INFO, headers=host).status_code == 200


def test_changes_made_by_another_process_are_seen_once_the_cache_is_stale(
    served: Served,
) -> None:
    # Another process (here: a second composition root on the same storage) provisions Acme
    # and later suspends it; with no caching allowed, this app follows at once.
    other = bootstrap(served.ithaca.settings)
    try:
        actor = Actor(kind="cli", id="test")
        other.registry.provision_tenant(slug="acme", display_name="Acme", actor=actor)
        host = {"Host": "acme.ithaca.localhost"}
        assert served.client.get(TENANT_INFO, headers=host).status_code == 200
        other.registry.suspend_tenant("acme", "audit", actor)
        assert served.client.get(TENANT_INFO, headers=host).status_code == 403
    finally:
        other.close()


def test_a_detached_domain_no_longer_leads_to_the_tenant(
    served: Served, operator: dict[str, str], dns_server: DnsServer
) -> None:
    served.provision(operator, "acme")
    attach_with_proof(served, operator, dns_server, "acme", "mentoring.acme.example")
    host = {"Host": "mentoring.acme.example"}
    assert served.client.get(TENANT_INFO, headers=host).status_code == 200

    detached = served.client.delete(f"{PLATFORM_API}/tenants/acme/domains/mentoring.acme.example",
                                    headers=operator)
    assert detached.status_code == 200, detached.text
    assert detached.json()["domains"] == []
    assert served.client.get(TENANT_INFO, headers=host).status_code == 404
