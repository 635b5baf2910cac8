"""The platform API: operators provision and look after tenants over HTTP with a bearer token."""

from __future__ import annotations

from typing import Any

import pytest

from infra.container import Ithaca
from services.actor import Actor
from tests.dns import DnsServer, attach_with_proof
from tests.web import PLATFORM_API, Served

TENANTS = f"{PLATFORM_API}/tenants"


@pytest.fixture
def operator(served: Served) -> dict[str, str]:
    return served.operator("olga")


def _actors(ithaca: Ithaca) -> list[Actor]:
    """Who caused each event in the platform stream, oldest first."""
    registry = ithaca.registry
    notifications = registry.recorder.select_notifications(start=1, limit=1000)
    actors = []
    for notification in notifications:
        actor = getattr(registry.mapper.to_domain_event(notification), "actor", None)
        if isinstance(actor, Actor):
            actors.append(actor)
    return actors


def test_an_operator_provisions_and_looks_after_a_tenant(
    served: Served, operator: dict[str, str], dns_server: DnsServer
) -> None:
    client = served.client
    # Olga provisions Acme's Spanish-speaking programme.
    created = client.post(TENANTS, json={
        "slug": "acme", "displayName": "Acme Mentoring", "defaultLocale": "es",
        "timeZone": "America/Bogota",
    }, headers={**operator, "X-Request-ID": "provision-acme-1"})
    assert created.status_code == 201, created.text
    tenant = created.json()
    assert {key: tenant[key] for key in (
        "slug", "displayName", "defaultLocale", "timeZone", "location", "domains", "suspended",
        "suspensionReason",
    )} == {
        "slug": "acme", "displayName": "Acme Mentoring", "defaultLocale": "es",
        "timeZone": "America/Bogota", "location": "main", "domains": [], "suspended": False,
        "suspensionReason": "",
    }
    assert tenant["branding"]["productName"] == "Acme Mentoring"
    assert tenant["position"] == served.ithaca.registry.position
    # The event records who did it and which request it came from.
    assert _actors(served.ithaca)[-1] == Actor(
        kind="operator", id="olga", correlation_id="provision-acme-1"
    )

    # She lists and shows it.
    listed = client.get(TENANTS, headers=operator).json()
    assert [view["slug"] for view in listed["tenants"]] == ["acme"]
    assert listed["position"] == tenant["position"]
    assert client.get(f"{TENANTS}/acme", headers=operator).json() == tenant

    # She brands it, gives it its own domain, suspends and reinstates it; each answer shows the
    # change and a later platform position.
    position = tenant["position"]
    steps: list[tuple[str, str, dict[str, Any], int]] = [
        ("PUT", f"{TENANTS}/acme/branding", {
            "productName": "Acme Mentors", "primaryColour": "#112233",
            "supportEmail": "mentoring@acme.example",
        }, 200),
        ("POST", f"{TENANTS}/acme/domains", {"domain": "mentoring.acme.example"}, 201),
        ("POST", f"{TENANTS}/acme/domains/mentoring.acme.example/verification", {}, 200),
        ("POST", f"{TENANTS}/acme/suspension", {"reason": "contract renewal"}, 200),
        ("DELETE", f"{TENANTS}/acme/suspension", {"reason": "contract renewed"}, 200),
    ]
    for method, url, body, status in steps:
        if url.endswith("/verification"):  # Acme's IT publishes the claim's challenge
            [pending] = client.get(f"{TENANTS}/acme", headers=operator).json()["pendingDomains"]
            dns_server.publish(pending["record"], pending["challenge"])
        answer = client.request(method, url, json=body, headers=operator)
        assert answer.status_code == status, answer.text
        assert answer.json()["position"] > position
        position = answer.json()["position"]
        if url.endswith("/suspension") and method == "POST":
            assert (answer.json()["suspended"], answer.json()["suspensionReason"]) == (
                True, "contract renewal"
            )
    final = client.get(f"{TENANTS}/acme", headers=operator).json()
    assert final["branding"] == {
        "productName": "Acme Mentors", "logoUrl": "", "primaryColour": "#112233",
        "accentColour": "#f2a900", "supportEmail": "mentoring@acme.example",
    }
    assert (final["domains"], final["pendingDomains"], final["suspended"]) == (
        ["mentoring.acme.example"], [], False)
    assert {actor.id for actor in _actors(served.ithaca) if actor.kind == "operator"} == {"olga"}


@pytest.mark.parametrize(
    ("authorization", "problem"),
    [
        (None, "an operator token is required"),
        ("Basic b2xnYTpzZWNyZXQ=", "an operator token is required"),
        ("Bearer ith_not-a-real-token", "unknown or revoked"),
    ],
)
def test_without_a_valid_token_the_platform_api_answers_401(
    served: Served, authorization: str | None, problem: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, url in (("GET", TENANTS), ("POST", TENANTS), ("GET", f"{TENANTS}/acme")):
        answer = served.client.request(method, url, json={"slug": "acme"}, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        error = answer.json()["error"]
        assert (error["status"], error["field"]) == (401, "authorization")
        assert problem in error["problem"]
    assert served.ithaca.directory.all() == []


def test_a_revoked_operator_is_refused_at_once(served: Served, operator: dict[str, str]) -> None:
    assert served.client.get(TENANTS, headers=operator).status_code == 200
    served.ithaca.registry.revoke_operator("olga", Actor(kind="cli", id="test"))
    assert served.client.get(TENANTS, headers=operator).status_code == 401


@pytest.mark.parametrize(
    ("slug", "status", "problem"),
    [
        ("www", 422, "'www' is reserved"),
        ("platform", 422, "'platform' is reserved"),
        ("-acme", 422, "must not start or end with a hyphen"),
        ("Acme", 400, "Expected `str` matching regex"),
        ("ab", 400, "Expected `str` matching regex"),
    ],
)
def test_a_bad_slug_is_refused_naming_the_field_and_nothing_is_stored(
    served: Served, operator: dict[str, str], slug: str, status: int, problem: str
) -> None:
    # Malformed slugs fail the schema (400); well-formed ones that break a rule fail the
    # registry (422). Either way the answer names `slug` and the registry is unchanged.
    position = served.ithaca.registry.position
    answer = served.client.post(TENANTS, json={"slug": slug, "displayName": "X"},
                                headers=operator)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert (error["status"], error["field"]) == (status, "slug")
    assert problem in error["problem"]
    assert served.client.get(TENANTS, headers=operator).json()["tenants"] == []
    assert served.ithaca.registry.position == position


@pytest.mark.parametrize(
    ("field", "value"),
    [("defaultLocale", "xx"), ("timeZone", "Mars/Olympus"), ("location", "moon")],
)
def test_unknown_locale_zone_or_location_is_a_422_naming_the_field(
    served: Served, operator: dict[str, str], field: str, value: str
) -> None:
    answer = served.client.post(TENANTS, json={"slug": "acme", "displayName": "Acme",
                                               field: value}, headers=operator)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, field)
    assert served.client.get(f"{TENANTS}/acme", headers=operator).status_code == 404


def test_an_unknown_field_is_a_400_naming_it(served: Served, operator: dict[str, str]) -> None:
    # "displayname" is a typo of displayName: refused, not ignored.
    answer = served.client.post(TENANTS, json={"slug": "acme", "displayname": "Acme"},
                                headers=operator)
    assert answer.status_code == 400
    assert answer.json() == {"error": {
        "status": 400, "problem": "Object contains unknown field `displayname`",
        "field": "displayname",
    }}
    served.provision(operator, "acme")
    rebrand = served.client.put(f"{TENANTS}/acme/branding",
                                json={"productName": "Acme", "primaryColor": "#000000"},
                                headers=operator)
    assert (rebrand.status_code, rebrand.json()["error"]["field"]) == (400, "primaryColor")


def test_a_missing_field_or_a_broken_body_is_a_400(
    served: Served, operator: dict[str, str]
) -> None:
    missing = served.client.post(TENANTS, json={"slug": "acme"}, headers=operator)
    assert missing.status_code == 400
    assert missing.json()["error"]["field"] == "displayName"
    assert "missing required field" in missing.json()["error"]["problem"]

    broken = served.client.post(TENANTS, content=b"{not json",
                                headers={**operator, "Content-Type": "application/json"})
    assert broken.status_code == 400
    assert broken.json()["error"]["status"] == 400


def test_a_duplicate_slug_is_a_409_and_the_first_tenant_is_untouched(
    served: Served, operator: dict[str, str]
) -> None:
    served.provision(operator, "acme", displayName="Acme")
    position = served.ithaca.registry.position
    again = served.client.post(TENANTS, json={"slug": "acme", "displayName": "Impostor"},
                               headers=operator)
    assert again.status_code == 409
    assert again.json() == {"error": {
        "status": 409, "problem": "a tenant with slug 'acme' already exists", "field": "slug",
    }}
    assert served.client.get(f"{TENANTS}/acme", headers=operator).json()["displayName"] == "Acme"
    assert served.ithaca.registry.position == position


def test_a_domain_answers_only_once_proven_and_then_for_one_tenant_only(
    served: Served, operator: dict[str, str], dns_server: DnsServer
) -> None:
    served.provision(operator, "acme")
    served.provision(operator, "beta")
    domain = {"domain": "mentoring.acme.example"}
    verify = "domains/mentoring.acme.example/verification"

    # Beta claims Acme's domain: a pending claim with its challenge, which routes nothing.
    claimed = served.client.post(f"{TENANTS}/beta/domains", json=domain, headers=operator)
    assert claimed.status_code == 201, claimed.text
    [pending] = claimed.json()["pendingDomains"]
    assert pending["domain"] == "mentoring.acme.example"
    assert pending["record"] == "_ithaca-challenge.mentoring.acme.example"
    assert claimed.json()["domains"] == []
    unproven = served.client.post(f"{TENANTS}/beta/{verify}", headers=operator)
    assert (unproven.status_code, unproven.json()["error"]["field"]) == (422, "domain")
    assert pending["challenge"] in unproven.json()["error"]["problem"]

    # Acme proves control first and wins; Beta's pending claim no longer can.
    attach_with_proof(served, operator, dns_server, "acme", "mentoring.acme.example")
    dns_server.publish(pending["record"], pending["challenge"])
    position = served.ithaca.registry.position
    for url in (f"{TENANTS}/beta/{verify}", f"{TENANTS}/beta/domains"):
        taken = served.client.post(url, json=domain if url.endswith("domains") else None,
                                   headers=operator)
        assert (taken.status_code, taken.json()["error"]["field"]) == (409, "domain"), taken.text
    twice = served.client.post(f"{TENANTS}/acme/domains", json=domain, headers=operator)
    assert twice.status_code == 409
    assert served.ithaca.registry.position == position
    assert served.client.get(f"{TENANTS}/beta", headers=operator).json()["domains"] == []

    # Addresses and names under the platform's own are refused as input, naming the field.
    for refused in ("beta.ithaca.localhost", "127.0.0.1", "[::1]", "localhost"):
        own = served.client.post(f"{TENANTS}/beta/domains", json={"domain": refused},
                                 headers=operator)
        assert (own.status_code, own.json()["error"]["field"]) == (422, "domain"), refused


def test_an_unknown_tenant_is_a_404_and_illegal_transitions_are_409(
    served: Served, operator: dict[str, str]
) -> None:
    missing = served.client.get(f"{TENANTS}/nobody", headers=operator)
    assert missing.json() == {"error": {
        "status": 404, "problem": "no tenant 'nobody'", "field": "slug",
    }}
    suspend = served.client.post(f"{TENANTS}/nobody/suspension", json={"reason": "x"},
                                 headers=operator)
    assert suspend.status_code == 404

    served.provision(operator, "acme")
    reinstate = served.client.request("DELETE", f"{TENANTS}/acme/suspension",
                                      json={"reason": "x"}, headers=operator)
    assert reinstate.status_code == 409
    assert "not suspended" in reinstate.json()["error"]["problem"]
