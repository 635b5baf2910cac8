"""`IthacaCore`: the one plugin that wires Ithaca's web shell.

Registers the routes (platform API, tenant-scoped routes twice: at the root and under
`/t/{tenant_slug}`, health, metrics), the request-context middleware, the error mapper, the
OpenAPI document (`/schema`, `/schema/openapi.json`), the dependencies handlers ask for (`ithaca`,
`tenant`), and a lifespan that configures logging, bootstraps the `Ithaca` onto `app.state`
(off the event loop: bootstrapping opens pools and reads the platform stream) and closes it on
shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

import anyio.to_thread
from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import InitPlugin

from infra.bootstrap import Ithaca, bootstrap
from infra.logging import configure_logging, get_logger
from infra.settings import Settings
from infra.web.errors import EXCEPTION_HANDLERS
from infra.web.health import healthz, readyz
from infra.web.metrics import IthacaMetrics, metrics_endpoint
from infra.web.requests import RequestContextMiddleware, echo_request_id
from tenants.controllers import OPERATOR_TOKEN_SCHEME, TENANT_ROUTES, PlatformController
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


class IthacaCore(InitPlugin):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        metrics = IthacaMetrics()
        app_config.state.metrics = metrics
        tenant_scoped = [
            Router(path="/", route_handlers=TENANT_ROUTES, middleware=[TenantMiddleware()]),
            Router(
                path=f"/t/{{{TENANT_SLUG_PARAMETER}:str}}",
                route_handlers=TENANT_ROUTES,
                middleware=[TenantMiddleware()],
                include_in_schema=False,
            ),
        ]
        app_config.route_handlers.extend(
            [PlatformController, healthz, readyz, metrics_endpoint, *tenant_scoped]
        )
        app_config.middleware.insert(0, RequestContextMiddleware(metrics))
        app_config.before_send.append(echo_request_id)
        app_config.exception_handlers = {**EXCEPTION_HANDLERS, **app_config.exception_handlers}
        app_config.dependencies.update({
            "ithaca": Provide(provide_ithaca, sync_to_thread=False),
            "tenant": Provide(provide_tenant, sync_to_thread=False),
        })
        app_config.openapi_config = OpenAPIConfig(
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
        ithaca = await anyio.to_thread.run_sync(bootstrap, self.settings)
        app.state.ithaca = ithaca
        metrics: IthacaMetrics = app.state.metrics
        metrics.ithaca = ithaca
        get_logger("ithaca.web").info(
            "started", backend="sqlite" if self.settings.embedded else "postgresql",
            tenants=len(ithaca.directory.all()),
        )
        try:
            yield
        finally:
            metrics.ithaca = None
            await anyio.to_thread.run_sync(ithaca.close)
