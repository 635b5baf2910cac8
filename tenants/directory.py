"""The tenant directory: what every request needs to know about tenants, kept in memory.

Read model of the platform stream. Consumes Tenant.{Provisioned, Rebranded,
DefaultLocaleChanged, DomainAttached, DomainDetached, DomainChallengeIssued, DomainVerified,
DomainChallengeWithdrawn, Suspended, Reinstated} and Operator.{Added, TokenIssued, Revoked}.
Answers: which tenant does this host or slug name (only active domains route: attached before
proof was required, or proven; never a name now refused, such as an address attached before),
which claims are pending and with what challenge, is the host the platform's own, is the tenant
suspended, how is it branded, where does its stream live, and which operator holds this token.

The platform stream is small (a few events per tenant), so the whole model is rebuilt from
position 0 at start and then caught up incrementally: at once after a command in this process
(`refresh`), and otherwise at most every `max_staleness` seconds when a lookup finds the model
older than that (`refresh_if_stale`, one indexed `max()` query when nothing changed).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper

from infra.eventstore.streams import EventStream, tenant_stream_name
from services.errors import InvalidInputError
from tenants.domain import Branding, Operator, Tenant, challenge_record, normalise_domain

__all__ = ["PendingDomain", "TenantDirectory", "TenantRecord", "host_name"]


def host_name(host: str) -> str:
    """A Host header's name: lower case, without the port, the trailing dot or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


class PendingDomain(msgspec.Struct, frozen=True, kw_only=True):
    """A custom domain claimed but not yet proven: it does not route requests."""

    domain: str
    challenge: str

    @property
    def record(self) -> str:
        """Where the challenge is to be published, as a TXT record."""
        return challenge_record(self.domain)


class TenantRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant as requests see it."""

    id: UUID
    slug: str
    display_name: str
    default_locale: str
    time_zone: str
    location: str
    branding: Branding
    domains: tuple[str, ...] = ()
    """Active custom domains: they route requests to the tenant."""
    pending_domains: tuple[PendingDomain, ...] = ()
    suspended: bool = False
    suspension_reason: str = ""
    provisioned_at: datetime | None = None
    version: int = 1

    @property
    def stream_name(self) -> str:
        return tenant_stream_name(self.slug)


class TenantDirectory:
    def __init__(
        self, stream: EventStream, mapper: Mapper[UUID], *, base_domain: str,
        max_staleness: float, platform_hosts: Iterable[str] = (),
    ) -> None:
        self._stream = stream
        self._mapper = mapper
        self.base_domain = base_domain.lower()
        self.platform_hosts = frozenset(
            {self.base_domain, "localhost", *(host_name(host) for host in platform_hosts)}
        )
        self.max_staleness = max_staleness
        self._lock = threading.Lock()
        self._position = 0
        self._checked_at = float("-inf")
        self._by_id: dict[UUID, TenantRecord] = {}
        self._by_slug: dict[str, TenantRecord] = {}
        self._by_domain: dict[str, TenantRecord] = {}
        self._operators_by_token_hash: dict[str, str] = {}
        self._operator_token_hash: dict[str, str] = {}
        self._operator_names: dict[UUID, str] = {}

    @property
    def position(self) -> int:
        """The platform stream position this directory reflects."""
        return self._position

    # Queries --------------------------------------------------------------------------------

    def by_slug(self, slug: str) -> TenantRecord | None:
        return self._by_slug.get(slug)

    def by_host(self, host: str) -> TenantRecord | None:
        """`{slug}.{base domain}` or an attached custom domain; ports are ignored."""
        name = host_name(host)
        suffix = "." + self.base_domain
        if name.endswith(suffix):
            return self._by_slug.get(name[: -len(suffix)])
        return self._by_domain.get(name)

    def is_platform_host(self, host: str) -> bool:
        """The platform's own addresses: the bare base domain, `localhost`, loopback addresses
        and `ITHACA_PLATFORM_HOSTS`; never a tenant's (custom domains cannot be any of these)."""
        name = host_name(host)
        if name in self.platform_hosts:
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def all(self) -> list[TenantRecord]:
        return sorted(self._by_slug.values(), key=lambda record: record.slug)

    def operator_for_token_hash(self, token_hash: str) -> str | None:
        return self._operators_by_token_hash.get(token_hash)

    # Keeping up -----------------------------------------------------------------------------

    def refresh_if_stale(self) -> None:
        if self.is_stale():
            self.refresh()

    def is_stale(self) -> bool:
        return time.monotonic() - self._checked_at >= self.max_staleness

    def refresh(self) -> int:
        """Applies every platform event after the current position; returns the new position."""
        with self._lock:
            while True:
                notifications = self._stream.events.select_notifications(
                    start=self._position, limit=500, inclusive_of_start=False
                )
                for notification in notifications:
                    self._apply(self._mapper.to_domain_event(notification))
                    self._position = notification.id
                if len(notifications) < 500:
                    break
            self._checked_at = time.monotonic()
            return self._position

    def _apply(self, event: object) -> None:
        if isinstance(event, Tenant.Provisioned):
            self._put(TenantRecord(
                id=event.originator_id,
                slug=event.slug,
                display_name=event.display_name,
                default_locale=event.default_locale,
                time_zone=event.time_zone,
                location=event.location,
                branding=Branding(product_name=event.display_name),
                provisioned_at=event.timestamp,
            ))
        elif isinstance(event, Tenant.Rebranded):
            self._update(event, branding=event.branding)
        elif isinstance(event, Tenant.DefaultLocaleChanged):
            self._update(event, default_locale=event.locale)
        elif isinstance(event, _DOMAIN_EVENTS):
            self._apply_domain_event(event)
        elif isinstance(event, Tenant.Suspended):
            self._update(event, suspended=True, suspension_reason=event.reason)
        elif isinstance(event, Tenant.Reinstated):
            self._update(event, suspended=False, suspension_reason="")
        elif isinstance(event, Operator.Added | Operator.TokenIssued):
            if isinstance(event, Operator.Added):
                self._operator_names[event.originator_id] = event.name
            name = self._operator_names[event.originator_id]
            self._forget_operator(name)
            self._operator_token_hash[name] = event.token_hash
            self._operators_by_token_hash[event.token_hash] = name
        elif isinstance(event, Operator.Revoked):
            self._forget_operator(self._operator_names[event.originator_id])

    def _apply_domain_event(
        self, event: Tenant.DomainAttached | Tenant.DomainVerified | Tenant.DomainChallengeIssued
        | Tenant.DomainChallengeWithdrawn | Tenant.DomainDetached,
    ) -> None:
        record = self._by_id[event.originator_id]
        domain = event.domain
        if isinstance(event, Tenant.DomainAttached | Tenant.DomainVerified):
            domains = record.domains
            if self._may_route(domain):
                domains = (*domains, domain)
            self._update(event, domains=domains,
                         pending_domains=_without(record.pending_domains, domain))
        elif isinstance(event, Tenant.DomainChallengeIssued):
            pending = PendingDomain(domain=domain, challenge=event.challenge)
            self._update(event, pending_domains=(*record.pending_domains, pending))
        elif isinstance(event, Tenant.DomainChallengeWithdrawn):
            self._update(event, pending_domains=_without(record.pending_domains, domain))
        else:  # DomainDetached
            self._by_domain.pop(domain, None)
            self._update(event, domains=tuple(d for d in record.domains if d != domain))

    def _may_route(self, domain: str) -> bool:
        # A domain attached before addresses and the platform's own names were refused (say
        # 127.0.0.1) must not capture the platform's address: it is recorded, never routed.
        try:
            normalise_domain(domain, base_domain=self.base_domain,
                             platform_hosts=self.platform_hosts)
        except InvalidInputError:
            return False
        return True

    def _forget_operator(self, name: str) -> None:
        old_hash = self._operator_token_hash.pop(name, None)
        if old_hash is not None:
            self._operators_by_token_hash.pop(old_hash, None)

    def _update(self, event: Tenant.Event, **changes: object) -> None:
        record = self._by_id[event.originator_id]
        self._put(msgspec.structs.replace(record, version=event.originator_version, **changes))

    def _put(self, record: TenantRecord) -> None:
        self._by_id[record.id] = record
        self._by_slug[record.slug] = record
        for domain in record.domains:
            self._by_domain[domain] = record


_DOMAIN_EVENTS = (Tenant.DomainAttached, Tenant.DomainVerified, Tenant.DomainChallengeIssued,
                  Tenant.DomainChallengeWithdrawn, Tenant.DomainDetached)


def _without(pending: tuple[PendingDomain, ...], domain: str) -> tuple[PendingDomain, ...]:
    return tuple(claim for claim in pending if claim.domain != domain)
