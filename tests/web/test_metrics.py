"""/metrics: request latency by route template, the shared pools, and the tenant directory."""

from __future__ import annotations

import re

import pytest

from infra.settings import Settings
from infra.web.metrics import ProjectionLag
from tests.web import PLATFORM_API, serving


def _sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match and all(f'{key}="{value}"' in (match.group(1) or "")
                         for key, value in labels.items()):
            return float(match.group(2))
    return None


def test_request_latency_is_labelled_by_route_template_not_raw_path(settings: Settings) -> None:
    with serving(settings) as served:
        operator = served.operator()
        served.provision(operator, "acme")
        served.client.get(f"{PLATFORM_API}/tenants/acme", headers=operator)
        served.client.get(f"{PLATFORM_API}/tenants/nobody", headers=operator)
        served.client.get("/t/acme/api/v1/tenant")
        text = served.client.get("/metrics").text

    histogram = "ithaca_http_request_duration_seconds_count"
    assert _sample(text, histogram, method="GET", route="/platform/api/v1/tenants/{slug}",
                   status="200") == 1
    assert _sample(text, histogram, method="GET", route="/platform/api/v1/tenants/{slug}",
                   status="404") == 1
    assert _sample(text, histogram, method="POST", route="/platform/api/v1/tenants",
                   status="201") == 1
    assert _sample(text, histogram, route="/t/{tenant_slug}/api/v1/tenant") == 1
    assert "/tenants/acme\"" not in text
    assert "/tenants/nobody" not in text
    assert _sample(text, "ithaca_tenants_provisioned") == 1
    assert _sample(text, "ithaca_tenants_suspended") == 0


@pytest.mark.postgres_only
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_each_postgresql_pool_is_reported_by_the_locations_it_serves(settings: Settings) -> None:
    with serving(settings) as served:
        served.client.get("/readyz")
        text = served.client.get("/metrics").text
    assert _sample(text, "ithaca_db_pool_size", locations="main") is not None
    assert _sample(text, "ithaca_db_pool_available", locations="main") is not None
    assert _sample(text, "ithaca_db_pool_requests_waiting", locations="main") == 0
    assert "postgresql://" not in text  # URLs can carry passwords


def test_projection_workers_report_their_lag_through_the_hook(settings: Settings) -> None:
    with serving(settings) as served:
        served.app.state.metrics.add_projection_lag(
            lambda: [ProjectionLag(tenant="acme", projection="matches", events_behind=7)]
        )
        text = served.client.get("/metrics").text
    assert _sample(text, "ithaca_projection_lag_events", tenant="acme",
                   projection="matches") == 7


def test_two_apps_in_one_process_keep_their_own_metrics(settings: Settings) -> None:
    with serving(settings) as first:
        first.client.get("/healthz")
        with serving(settings) as second:
            text = second.client.get("/metrics").text
    assert _sample(text, "ithaca_http_request_duration_seconds_count", route="/healthz") is None
