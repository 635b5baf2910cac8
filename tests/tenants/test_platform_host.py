"""White label: the platform's own pages, API and metrics answer only on the platform's hosts.
On a tenant's subdomain or custom domain they answer exactly as a path that does not exist."""

from __future__ import annotations

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from infra.settings import Settings
from tests.dns import DnsServer, attach_with_proof
from tests.web import PLATFORM_API, Served, serving

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TENANT_HOSTS = ["acme.ithaca.localhost", "mentoring.acme.example:443", "nobody.ithaca.localhost",
                "unknown.example"]
PLATFORM_HOSTS = ["ithaca.localhost:8000", "ITHACA.localhost.", "localhost:8000",
                  "127.0.0.1:8000", "[::1]:8000", "testserver.local"]


@pytest.fixture
def operator(served: Served, dns_server: DnsServer) -> dict[str, str]:
    headers = served.operator()
    served.provision(headers, "acme", displayName="Acme Mentoring")
    attach_with_proof(served, headers, dns_server, "acme", "mentoring.acme.example")
    return headers


def _answer(client: TestClient[Litestar], method: str, path: str, headers: dict[str, str]
            ) -> tuple[int, str, str, list[str]]:
    response = client.request(method, path, headers=headers)
    names = sorted(set(response.headers) - {"x-request-id", "content-length", "date"})
    return response.status_code, response.headers.get("content-type", ""), response.text, names


@pytest.mark.parametrize("host", TENANT_HOSTS)
@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/platform/sign-in"), ("GET", "/platform/tenants"), ("POST", "/platform/sign-in"),
    ("GET", f"{PLATFORM_API}/tenants"), ("POST", f"{PLATFORM_API}/tenants"),
    ("GET", f"{PLATFORM_API}/tenants/acme"), ("GET", "/metrics"),
])
def test_platform_routes_answer_on_a_tenants_host_exactly_like_unknown_paths(
    served: Served, operator: dict[str, str], host: str, method: str, path: str
) -> None:
    client = served.client
    for accept in ("application/json", BROWSER_ACCEPT):
        # An operator's valid token changes nothing: the route is not there on this host.
        headers = {"Host": host, "Accept": accept, **operator}
        platform_route = _answer(client, method, path, headers)
        unknown_path = _answer(client, method, path.replace("platform", "plat-form", 1)
                               .replace("metrics", "metrix"), headers)
        assert platform_route[0] == 404
        assert platform_route[1:] == tuple(
            part.replace("plat-form", "platform").replace("metrix", "metrics")
            if isinstance(part, str) else part
            for part in unknown_path[1:]
        )


@pytest.mark.parametrize("host", PLATFORM_HOSTS)
def test_the_platform_answers_on_its_own_hosts(
    served: Served, operator: dict[str, str], host: str
) -> None:
    client = served.client
    assert client.get("/platform/sign-in", headers={"Host": host}).status_code == 200
    tenants = client.get(f"{PLATFORM_API}/tenants", headers={"Host": host, **operator})
    assert tenants.status_code == 200
    assert client.get("/metrics", headers={"Host": host}).status_code == 200


def test_more_platform_hosts_can_be_configured(settings: Settings) -> None:
    configured = msgspec.structs.replace(settings, platform_hosts="ops.example.org, Admin.Example")
    with serving(configured) as served:
        for host, status in (("ops.example.org", 200), ("admin.example:8443", 200),
                             ("testserver.local", 404)):
            answer = served.client.get("/platform/sign-in", headers={"Host": host})
            assert answer.status_code == status, host


def test_with_a_metrics_token_metrics_need_it_on_every_host(settings: Settings) -> None:
    # Prometheus scrapes each process by its address, so with a token the host does not matter;
    # without the token, /metrics is not there, even on the platform's own host.
    token = "scrape-me"  # noqa: S105 - a test's own
    with serving(msgspec.structs.replace(settings, metrics_token=token)) as served:
        client = served.client
        for host in ("testserver.local", "acme.ithaca.localhost", "10.1.2.3:8000"):
            assert client.get("/metrics", headers={"Host": host}).status_code == 404
            for wrong in ("Bearer scrape-you", "Basic c2NyYXBlLW1l", "Bearer "):
                answer = client.get("/metrics", headers={"Host": host, "Authorization": wrong})
                assert answer.status_code == 404
            allowed = client.get("/metrics", headers={"Host": host,
                                                      "Authorization": f"Bearer {token}"})
            assert allowed.status_code == 200
            assert "ithaca_tenants_provisioned" in allowed.text


def test_health_answers_on_every_host(served: Served) -> None:
    # Load balancers probe with whatever Host they like; health says nothing about tenants.
    for host in ("acme.ithaca.localhost", "10.1.2.3:8000", "testserver.local"):
        assert served.client.get("/healthz", headers={"Host": host}).status_code == 200
