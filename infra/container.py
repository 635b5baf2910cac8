"""`Ithaca`: everything a process needs, wired once (built by `infra.bootstrap.bootstrap`).

Handlers, commands and read models receive it; none of them constructs storages, pools or
applications of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TypeVar

from infra.clock import Clock
from infra.eventstore.postgres_server import PostgresServer
from infra.eventstore.sqlite import SQLiteStorage
from infra.eventstore.streams import (
    PLATFORM_STREAM,
    EventStream,
    OpenStreams,
    PostgresStorage,
    Storage,
    StreamApplication,
)
from infra.feature import Feature, PersonalStore
from infra.settings import Settings
from infra.signing import TenantSigningKeys
from projections.engine import Projection
from services.errors import NotFoundError
from tenants.directory import TenantDirectory, TenantRecord
from tenants.proof import DnsChallenges
from tenants.registry import TenantRegistry

__all__ = ["Ithaca"]

AppT = TypeVar("AppT", bound=StreamApplication)


class _StreamReader(StreamApplication):
    """Gives a tenant's open stream (the application itself is never used)."""

    name = "read_models"


class Ithaca:
    """Everything a process needs, wired once: the platform registry and its directory, the
    storages tenants live in (one pool per PostgreSQL server), the open tenant streams, the
    clock every application tells time by, and the features it runs."""

    def __init__(self, settings: Settings, clock: Clock, features: Sequence[Feature]) -> None:
        self.settings = settings
        self.clock = clock
        self.features = tuple(features)
        names = [feature.name for feature in self.features]
        if len(set(names)) != len(names):
            msg = f"features declared twice: {sorted(n for n in names if names.count(n) > 1)}"
            raise ValueError(msg)
        self.servers: dict[str, PostgresServer] = {}
        self.locations: dict[str, Storage] = {}
        for name, url in settings.database_locations().items():
            self.locations[name] = self._storage(url, name)
        self.platform_storage: Storage = (
            SQLiteStorage(settings.data_path) if settings.embedded else self.locations["main"]
        )
        if not self.platform_storage.stream_exists(PLATFORM_STREAM):
            self.platform_storage.create_stream(PLATFORM_STREAM)
        self.platform_stream = platform_stream = self.platform_storage.open_stream(PLATFORM_STREAM)
        self.registry = TenantRegistry(
            platform_stream,
            locations=self.locations,
            base_domain=settings.base_domain,
            platform_hosts=settings.platform_host_names(),
            challenges=DnsChallenges(settings.dns_resolver),
            on_change=self._platform_changed,
            clock=clock,
        )
        self.directory = TenantDirectory(
            platform_stream,
            self.registry.mapper,
            base_domain=settings.base_domain,
            max_staleness=settings.tenant_cache_seconds,
            platform_hosts=settings.platform_host_names(),
        )
        self.directory.refresh()
        self.open_streams = OpenStreams(
            capacity=settings.open_tenants, settings=settings, clock=clock
        )

    @cached_property
    def projections(self) -> tuple[Projection, ...]:
        """Every read model the features declare, in the order they are declared."""
        return tuple(p for feature in self.features for p in feature.projections)

    def projection_named(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        known = ", ".join(projection.name for projection in self.projections)
        msg = f"no projection '{name}' (known: {known})"
        raise LookupError(msg)

    @cached_property
    def personal_stores(self) -> tuple[PersonalStore, ...]:
        """Every store outside the log that the features declare keeps personal data."""
        return tuple(store for feature in self.features for store in feature.personal_stores)

    @cached_property
    def signing_keys(self) -> TenantSigningKeys:
        """Each tenant's audit signing key (derived when first asked for, never stored)."""
        return TenantSigningKeys.from_settings(self.settings)

    def _storage(self, url: str, location: str) -> Storage:
        if not url:
            return SQLiteStorage(self.settings.data_path / "tenants")
        if not url.startswith(("postgresql://", "postgres://")):
            msg = f"database location {location!r}: only PostgreSQL URLs are supported, got {url!r}"
            raise ValueError(msg)
        server = self.servers.get(url)
        if server is None:
            server = self.servers[url] = PostgresServer(
                url,
                pool_size=self.settings.pool_size,
                pool_timeout=self.settings.pool_timeout,
                application_name=f"ithaca:{location}",
            )
            server.open()
        return PostgresStorage(server)

    def _platform_changed(self) -> None:
        self.directory.refresh()

    def tenant(self, slug: str) -> TenantRecord:
        """The tenant with this slug as the directory knows it; NotFoundError otherwise."""
        record = self.directory.by_slug(slug)
        if record is None:
            self.directory.refresh()
            record = self.directory.by_slug(slug)
        if record is None:
            raise NotFoundError("no tenant '%(slug)s'", field="slug", values={"slug": slug})
        return record

    def tenant_application(self, tenant: TenantRecord, app_class: type[AppT]) -> AppT:
        """The tenant's instance of an application service, bound to the tenant's stream."""
        storage = self.locations[tenant.location]
        return self.open_streams.application(storage, tenant.stream_name, app_class)

    def tenant_stream(self, tenant: TenantRecord) -> EventStream:
        """The tenant's open stream, for what reads or keeps tables beside it."""
        return self.tenant_application(tenant, _StreamReader).stream

    def check(self) -> None:
        """Raises unless every storage can answer now (readiness)."""
        self.platform_storage.check()
        for storage in self.locations.values():
            storage.check()

    def close(self) -> None:
        self.open_streams.close()
        self.platform_storage.close_stream(self.platform_stream)
        for server in self.servers.values():
            server.close()
