"""Prometheus metrics of one app, in a registry of its own (several apps in one test process
must not share collectors).

- `ithaca_http_request_duration_seconds{method, route, status}`: latency histogram; `route` is
  the matched route's template (`/platform/api/v1/tenants/{slug}`), never the raw path, so the
  label's values are bounded by the code, not by what clients send.
- `ithaca_db_pool_size`, `ithaca_db_pool_available`, `ithaca_db_pool_requests_waiting`
  `{locations}`: the one shared pool per PostgreSQL server, labelled by the database locations
  it serves (URLs may hold credentials, so they never become labels).
- `ithaca_tenants_provisioned`, `ithaca_tenants_suspended`, `ithaca_platform_position`: the tenant
  directory as this process sees it.
- `ithaca_notification_work{tenant, status}` (pending = queued, done, dropped, failed) and
  `ithaca_notification_deliveries{tenant, channel, outcome}`: what the scheduler has queued and
  what the platform has told whom (as `ithaca notifications status` shows them).
- `ithaca_projection_lag_events{tenant, projection}`: how far each read model trails its tenant's
  stream. The hook for the projection workers is `IthacaMetrics.add_projection_lag`:
  register a callable that yields `ProjectionLag` rows and the collector reports them at every
  scrape; nothing is reported until one is registered.

Who may read it (`MetricsAccessMiddleware`): a request presenting `Authorization: Bearer
$ITHACA_METRICS_TOKEN`, on any host (scrapers reach processes by address); with no token
configured, any request on the platform's own hosts (see `TenantDirectory.is_platform_host`).
Everyone else gets the 404 of a path that does not exist: the labels name every tenant, and a
tenant's domain must not show that a platform stands behind it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from litestar import Litestar, Response, get
from litestar.datastructures import Headers, State
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from infra.delivery.status import notification_counts

if TYPE_CHECKING:
    from infra.container import Ithaca

__all__ = ["IthacaMetrics", "MetricsAccessMiddleware", "ProjectionLag", "metrics_endpoint"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ProjectionLag(NamedTuple):
    tenant: str
    projection: str
    events_behind: int


class IthacaMetrics:
    """Everything `/metrics` reports for one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.ithaca: Ithaca | None = None
        """Set when the app has started; the collectors report nothing about it before."""
        self.request_duration = Histogram(
            "ithaca_http_request_duration_seconds",
            "Time from receiving a request to finishing its response.",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._lag_sources: list[Callable[[], Iterable[ProjectionLag]]] = []
        self.registry.register(_IthacaCollector(self))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_duration.labels(method, route, str(status)).observe(seconds)

    def add_projection_lag(self, source: Callable[[], Iterable[ProjectionLag]]) -> None:
        """The projection workers' hook: `source` is called at every scrape."""
        self._lag_sources.append(source)

    def projection_lag(self) -> Iterator[ProjectionLag]:
        for source in self._lag_sources:
            yield from source()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _IthacaCollector(Collector):
    def __init__(self, metrics: IthacaMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        ithaca = self._metrics.ithaca
        if ithaca is not None:
            yield from _pool_metrics(ithaca)
            yield from _directory_metrics(ithaca)
            yield from _notification_metrics(ithaca)
        lag = GaugeMetricFamily(
            "ithaca_projection_lag_events",
            "Events a read model has not yet applied from its tenant's stream.",
            labels=["tenant", "projection"],
        )
        for row in self._metrics.projection_lag():
            lag.add_metric([row.tenant, row.projection], row.events_behind)
        yield lag


_POOL_GAUGES = {  # psycopg_pool's stat -> (metric, help)
    "pool_size": ("ithaca_db_pool_size", "Connections the pool holds now (busy or idle)."),
    "pool_available": ("ithaca_db_pool_available", "Idle connections ready to be handed out."),
    "requests_waiting": ("ithaca_db_pool_requests_waiting", "Callers waiting for a connection."),
}


def _pool_metrics(ithaca: Ithaca) -> Iterator[Metric]:
    families = {
        stat: GaugeMetricFamily(name, text, labels=["locations"])
        for stat, (name, text) in _POOL_GAUGES.items()
    }
    locations_by_url: dict[str, list[str]] = {}
    for location, url in ithaca.settings.database_locations().items():
        locations_by_url.setdefault(url, []).append(location)
    for url, server in ithaca.servers.items():
        stats = server.pool.get_stats()
        label = ",".join(sorted(locations_by_url.get(url, ["?"])))
        for stat, family in families.items():
            family.add_metric([label], stats.get(stat, 0))
    yield from families.values()


def _directory_metrics(ithaca: Ithaca) -> Iterator[Metric]:
    tenants = ithaca.directory.all()
    yield GaugeMetricFamily(
        "ithaca_tenants_provisioned", "Tenants in the registry.", value=len(tenants)
    )
    yield GaugeMetricFamily(
        "ithaca_tenants_suspended", "Tenants currently suspended.",
        value=sum(1 for tenant in tenants if tenant.suspended),
    )
    yield GaugeMetricFamily(
        "ithaca_platform_position", "Platform stream position the tenant directory reflects.",
        value=ithaca.directory.position,
    )


class MetricsAccessMiddleware(ASGIMiddleware):
    """Who may read /metrics (see the module's docstring). A middleware rather than a guard, so
    that a refusal is exactly an unknown path's 404 (a guard's would be compressed)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        ithaca: Ithaca = Litestar.from_scope(scope).state.ithaca
        headers = Headers.from_scope(scope)
        token = ithaca.settings.metrics_token
        if token:
            scheme, _, presented = headers.get("authorization", "").partition(" ")
            allowed = scheme.lower() == "bearer" and hmac.compare_digest(
                presented.strip().encode(), token.encode())
        else:
            allowed = ithaca.directory.is_platform_host(headers.get("host", ""))
        if not allowed:
            raise NotFoundException
        await next_app(scope, receive, send)


@get("/metrics", include_in_schema=False, sync_to_thread=False,
     middleware=[MetricsAccessMiddleware()])
def metrics_endpoint(state: State) -> Response[bytes]:
    metrics: IthacaMetrics = state.metrics
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


def _notification_metrics(ithaca: Ithaca) -> Iterator[Metric]:
    work = GaugeMetricFamily(
        "ithaca_notification_work",
        "Pieces of due work (notifications, reminders, expiries) per status.",
        labels=["tenant", "status"],
    )
    deliveries = GaugeMetricFamily(
        "ithaca_notification_deliveries",
        "Deliveries per channel and outcome (sent, failed, refused, held, off...).",
        labels=["tenant", "channel", "outcome"],
    )
    for tenant in ithaca.directory.all():
        counts = notification_counts(ithaca, tenant)
        for status, count in counts.work.items():
            work.add_metric([tenant.slug, status], count)
        for channel, outcomes in counts.deliveries.items():
            for outcome, count in outcomes.items():
                deliveries.add_metric([tenant.slug, channel, outcome], count)
    yield work
    yield deliveries
