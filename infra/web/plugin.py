"""`IthacaCore`: the one plugin that wires Ithaca's web shell.

Registers the routes (platform API; the tenant-scoped routes and pages the features declare
(`infra.features`), twice: at the root and under `/t/{tenant_slug}`; health, metrics), the
request-context middleware, the error mapper, the OpenAPI document (`/schema`,
`/schema/openapi.json`), the dependencies handlers ask for (`ithaca`, `tenant`), and a lifespan
that configures logging, bootstraps the `Ithaca` onto `app.state` (off the event loop:
bootstrapping opens pools and reads the platform stream) and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

import anyio.to_thread
from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import InitPlugin

from infra.clock import Clock
from infra.container import Ithaca
from infra.delivery.deliverer import open_deliverer
from infra.feature import Feature
from infra.logging import configure_logging, get_logger
from infra.scheduling.scheduler import Scheduler
from infra.settings import Settings
from infra.web.csrf import JsonBodiesOnly
from infra.web.errors import ERROR_PAGE, EXCEPTION_HANDLERS
from infra.web.health import healthz, readyz
from infra.web.idempotency import IdempotencyMiddleware
from infra.web.malformed import IthacaRequest
from infra.web.metrics import IthacaMetrics, ProjectionLag, metrics_endpoint
from infra.web.openapi import IthacaOpenAPIConfig, close_struct_schemas
from infra.web.options import allow_every_method
from infra.web.pages.errors import error_page
from infra.web.pages.site import (
    CSRF_EXEMPT,
    csrf_config,
    operator_router,
    page_routers,
    static_files,
    template_config,
)
from infra.web.requests import RequestContextMiddleware, echo_request_id
from infra.web.tenant_api import (
    MEMBER_TOKEN_SCHEME,
    ROLES_OPT,
    authorize,
    caller_dependencies,
)
from projections.matching.warming import MatchIndexWarmer
from projections.reading import ParkedReads
from projections.status import statuses
from projections.worker import ProjectionWorker
from tenants.controllers import OPERATOR_TOKEN_SCHEME, PlatformController
from tenants.middleware import TENANT_SLUG_PARAMETER, TenantMiddleware, provide_tenant

__all__ = ["IthacaCore"]

PRODUCT = "Ithaca"



def _version() -> str:
    try:
        return version("ithaca")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0+unknown"


def provide_ithaca(state: State) -> Ithaca:
    ithaca: Ithaca = state.ithaca
    return ithaca


Compose = Callable[[Settings, Clock, Sequence[Feature]], Ithaca]
"""The composition root (`infra.bootstrap.bootstrap`), given by the app factory: the shell does
not import it."""


class IthacaCore(InitPlugin):
    def __init__(
        self, settings: Settings, clock: Clock, features: Sequence[Feature], *, compose: Compose,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.features = tuple(features)
        self.compose = compose

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        metrics = IthacaMetrics()
        app_config.state.metrics = metrics
        app_config.state[ERROR_PAGE] = error_page
        app_config.state.parked_reads = ParkedReads(
            self.settings.read_waits_per_member, self.settings.read_waits_per_tenant)
        # Every tenant-scoped route, from the features; each declares the roles that may call it.
        tenant_api = [route for feature in self.features for route in feature.api]
        tenant_pages = [page for feature in self.features for page in feature.pages]
        tenant_scoped = [
            Router(
                path=path, route_handlers=tenant_api,
                middleware=[JsonBodiesOnly(), TenantMiddleware(), IdempotencyMiddleware()],
                guards=[authorize],
                dependencies=caller_dependencies(),
                include_in_schema=path == "/", opt=CSRF_EXEMPT,
            )
            for path in ("/", f"/t/{{{TENANT_SLUG_PARAMETER}:str}}")
        ]
        _require_declared_roles(tenant_scoped)
        app_config.route_handlers.extend([
            Router(path="/", route_handlers=[PlatformController, healthz, readyz, metrics_endpoint],
                   middleware=[JsonBodiesOnly()], opt=CSRF_EXEMPT),
            *tenant_scoped, *page_routers(tenant_pages), operator_router(), static_files(),
        ])
        app_config.request_class = IthacaRequest
        app_config.template_config = template_config()
        app_config.csrf_config = csrf_config(self.settings)
        # Pages and JSON over slow connections: gzip anything worth it (a profile form with
        # every country and time zone shrinks from about 110 KB to under 20 KB).
        app_config.compression_config = CompressionConfig(
            backend="gzip", minimum_size=1024, gzip_compress_level=6)
        app_config.middleware.insert(0, RequestContextMiddleware(metrics))
        app_config.before_send.extend([echo_request_id, allow_every_method])
        app_config.exception_handlers = {**EXCEPTION_HANDLERS, **app_config.exception_handlers}
        app_config.dependencies.update({
            "ithaca": Provide(provide_ithaca, sync_to_thread=False),
            "tenant": Provide(provide_tenant, sync_to_thread=False),
        })
        close_struct_schemas(app_config.plugins)
        app_config.openapi_config = IthacaOpenAPIConfig(
            title=PRODUCT,
            version=_version(),
            description="Ithaca's HTTP API. The platform API is for platform operators.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(security_schemes={
                OPERATOR_TOKEN_SCHEME: SecurityScheme(
                    type="http", scheme="bearer",
                    description="An operator token from `ithaca operator add`.",
                ),
                MEMBER_TOKEN_SCHEME: SecurityScheme(
                    type="http", scheme="bearer",
                    description="A member's session token from `POST /api/v1/sessions`.",
                ),
            }),
        )
        # Logging is ours (structlog, configured at start-up); Litestar's would add a second,
        # differently formatted stream.
        app_config.logging_config = None
        app_config.lifespan.append(self._lifespan)
        return app_config

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        configure_logging(self.settings)
        ithaca = await anyio.to_thread.run_sync(
            self.compose, self.settings, self.clock, self.features)
        app.state.ithaca = ithaca
        metrics: IthacaMetrics = app.state.metrics
        metrics.ithaca = ithaca
        app.state.scheduler = scheduler = Scheduler(ithaca, open_deliverer, self.settings)
        if self.settings.mail_background:
            scheduler.start()
        worker = ProjectionWorker(ithaca) if self.settings.projections_run_in_process else None
        if worker is not None:
            worker.start()
        warmer = (MatchIndexWarmer(ithaca, self.settings.match_index_refresh_seconds)
                  if self.settings.match_index_refresh_seconds else None)
        if warmer is not None:
            warmer.start()
        app.state.match_index_warmer = warmer
        metrics.add_projection_lag(lambda: (
            ProjectionLag(row.tenant, row.projection, row.lag_events) for row in statuses(ithaca)
        ))
        get_logger("ithaca.web").info(
            "started", backend="sqlite" if self.settings.embedded else "postgresql",
            tenants=len(ithaca.directory.all()),
        )
        try:
            yield
        finally:
            metrics.ithaca = None
            if warmer is not None:
                await anyio.to_thread.run_sync(warmer.stop)
            if worker is not None:
                await anyio.to_thread.run_sync(worker.stop)
            await anyio.to_thread.run_sync(scheduler.stop)
            await anyio.to_thread.run_sync(ithaca.close)


def _require_declared_roles(routers: list[Router]) -> None:
    """Every tenant route says who may call it; its OpenAPI description and security
    requirement say so too (a PUBLIC route needs no token)."""
    for router in routers:
        for route in router.routes:
            for handler in getattr(route, "route_handlers", ()):
                if set(getattr(handler, "http_methods", ())) == {"OPTIONS"}:
                    continue  # Litestar's own CORS preflight answers
                if ROLES_OPT not in handler.opt:
                    msg = f"tenant route {handler} declares no roles (opt=roles(...) or PUBLIC)"
                    raise RuntimeError(msg)
                allowed = handler.opt[ROLES_OPT]
                note = ("Roles: " + ", ".join(allowed)) if allowed else "Public: no sign-in"
                if note not in (handler.description or ""):
                    handler.description = f"{handler.description or ''}\n\n{note}".strip()
                handler.security = [{MEMBER_TOKEN_SCHEME: []}] if allowed else None
