"""The tenant registry: platform operators' commands, recorded in the platform stream."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream, Storage, StreamApplication, tenant_stream_name
from services.actor import Actor
from services.errors import ConflictError, InvalidInputError, NotFoundError
from tenants.domain import (
    Branding,
    DomainClaim,
    Operator,
    Tenant,
    challenge_record,
    hash_token,
    new_token,
    normalise_domain,
    validate_locale,
    validate_slug,
    validate_time_zone,
)
from tenants.proof import DnsChallenges

__all__ = ["TenantRegistry"]


class TenantRegistry(StreamApplication):
    """Provisions, rebrands, suspends and reinstates tenants; attaches their domains; manages
    the operators allowed to do so. After every command the directory is caught up (`on_change`),
    so this process reads its own writes at once."""

    name = "platform"

    def __init__(
        self,
        stream: EventStream,
        *,
        locations: Mapping[str, Storage],
        base_domain: str,
        platform_hosts: Iterable[str] = (),
        challenges: DnsChallenges | None = None,
        on_change: Callable[[], None] = lambda: None,
        clock: Clock = system_clock,
    ) -> None:
        super().__init__(stream, clock=clock)
        self.locations = locations
        self.base_domain = base_domain
        self.platform_hosts = frozenset(platform_hosts)
        self.challenges = challenges or DnsChallenges()
        self._on_change = on_change

    # Tenants -------------------------------------------------------------------------------

    def provision_tenant(
        self,
        *,
        slug: str,
        display_name: str,
        actor: Actor,
        default_locale: str = "en",
        time_zone: str = "UTC",
        location: str = "main",
        reason: str = "",
    ) -> Tenant:
        validate_slug(slug)
        if not 1 <= len(display_name.strip()) <= 120:
            raise InvalidInputError("must be 1 to 120 characters", field="displayName")
        validate_locale(default_locale)
        validate_time_zone(time_zone)
        if location not in self.locations:
            raise InvalidInputError(
                "unknown database location '%(location)s'; known: %(known)s",
                field="location",
                values={"location": location, "known": ", ".join(self.locations)},
            )
        if Tenant.create_id(slug) in self.repository:
            raise ConflictError("a tenant with slug '%(slug)s' already exists", field="slug",
                                values={"slug": slug})
        tenant = Tenant(
            slug=slug,
            display_name=display_name.strip(),
            default_locale=default_locale,
            time_zone=time_zone,
            location=location,
            actor=actor,
            reason=reason.strip(),
        )
        # The stream exists before the tenant does: if creating it fails, nothing is recorded;
        # if recording fails, the empty stream is reused by the next attempt (creation is
        # idempotent and the stream's name is the slug's).
        self.locations[location].create_stream(tenant_stream_name(slug))
        self._save(tenant, duplicate=ConflictError(
            "a tenant with slug '%(slug)s' already exists", field="slug", values={"slug": slug}
        ))
        return tenant

    def get_tenant(self, slug: str) -> Tenant:
        try:
            tenant: Tenant = self.repository.get(Tenant.create_id(slug))
        except AggregateNotFoundError:
            raise NotFoundError("no tenant '%(slug)s'", field="slug",
                                values={"slug": slug}) from None
        return tenant

    def rebrand_tenant(
        self, slug: str, branding: Branding, actor: Actor, reason: str = ""
    ) -> Tenant:
        tenant = self.get_tenant(slug)
        tenant.rebrand(branding.validated(), actor, reason.strip())
        self._save(tenant)
        return tenant

    def change_default_locale(
        self, slug: str, locale: str, actor: Actor, reason: str = ""
    ) -> Tenant:
        """The language the tenant's pages and mail use for visitors and members who have not
        chosen one; recording nothing when it is already the default."""
        validate_locale(locale)
        tenant = self.get_tenant(slug)
        if tenant.default_locale != locale:
            tenant.change_default_locale(locale, actor, reason.strip())
            self._save(tenant)
        return tenant

    def attach_domain(self, slug: str, domain: str, actor: Actor, reason: str = "") -> Tenant:
        """Records a pending claim on `domain`; it answers for the tenant once proven
        (`verify_domain`). A pending claim blocks nobody: several tenants may claim one domain,
        and the first to prove control wins. Returns the tenant, whose `pending_domains` hold
        the challenge to publish."""
        name = self._domain_name(domain)
        tenant = self.get_tenant(slug)
        claim = self._domain_claim(name)
        if claim is not None and claim.tenant_id not in (None, tenant.id):
            raise ConflictError("%(domain)s is attached to another tenant", field="domain",
                                values={"domain": name})
        tenant.claim_domain(name, actor, reason.strip())
        self._save(tenant)
        return tenant

    def verify_domain(self, slug: str, domain: str, actor: Actor) -> Tenant:
        """Makes a pending claim active if its challenge is published as the TXT record
        `_ithaca-challenge.<domain>`; otherwise refuses (422), saying what to publish."""
        name = self._domain_name(domain)
        tenant = self.get_tenant(slug)
        challenge = tenant.pending_domains.get(name)
        if challenge is not None and not self.challenges.published(name, challenge):
            raise InvalidInputError(
                "no proof of control of %(domain)s yet: publish the TXT record %(record)s with "
                "the value %(challenge)s, then verify again (DNS changes can take a while)",
                field="domain", values={"domain": name, "record": challenge_record(name),
                                        "challenge": challenge},
            )
        tenant.verify_domain(name, actor)  # refuses a domain attached already or never claimed
        return self._hold_domain(tenant, name)

    def attach_domain_without_proof(
        self, slug: str, domain: str, actor: Actor, reason: str
    ) -> Tenant:
        """Makes `domain` answer for the tenant at once: the operator's way (`ithaca tenants
        attach-domain --skip-proof --reason ...`), recorded with its reason for auditors."""
        if not reason.strip():
            raise InvalidInputError("say why the domain is attached without proof",
                                    field="reason")
        name = self._domain_name(domain)
        tenant = self.get_tenant(slug)
        tenant.attach_domain(name, actor, reason.strip())
        return self._hold_domain(tenant, name)

    def detach_domain(self, slug: str, domain: str, actor: Actor, reason: str = "") -> Tenant:
        """Stops `domain` answering for the tenant, or withdraws the tenant's pending claim."""
        tenant = self.get_tenant(slug)
        name = domain.strip().lower().rstrip(".")
        if name not in tenant.domains and name not in tenant.pending_domains:
            name = self._domain_name(domain)  # a name the tenant never had: say what is wrong
        was_active = name in tenant.domains
        tenant.detach_domain(name, actor, reason.strip())
        if not was_active:
            self._save(tenant)
            return tenant
        claim = self._domain_claim(name)
        assert claim is not None, "an attached domain always has a claim"
        claim.release()
        self._save(tenant, claim)
        return tenant

    def _domain_name(self, domain: str) -> str:
        return normalise_domain(domain, base_domain=self.base_domain,
                                platform_hosts=self.platform_hosts)

    def _hold_domain(self, tenant: Tenant, name: str) -> Tenant:
        # The tenant's event and the claim's are saved together: of two tenants proving the same
        # domain at once, one collides on the claim's primary key and is refused.
        claim = self._domain_claim(name)
        if claim is None:
            claim = DomainClaim(domain=name, tenant_id=tenant.id)
        else:
            claim.claim(tenant.id)
        self._save(tenant, claim, duplicate=ConflictError(
            "%(domain)s is attached to another tenant", field="domain", values={"domain": name}
        ))
        return tenant

    def suspend_tenant(self, slug: str, reason: str, actor: Actor) -> Tenant:
        if not reason.strip():
            raise InvalidInputError("say why the tenant is suspended", field="reason")
        tenant = self.get_tenant(slug)
        tenant.suspend(reason.strip(), actor)
        self._save(tenant)
        return tenant

    def reinstate_tenant(self, slug: str, reason: str, actor: Actor) -> Tenant:
        tenant = self.get_tenant(slug)
        tenant.reinstate(reason.strip(), actor)
        self._save(tenant)
        return tenant

    # Operators ------------------------------------------------------------------------------

    def add_operator(self, name: str, actor: Actor) -> str:
        """Adds an operator, or issues a fresh token to an existing one; returns the token,
        which is shown once and stored only as a hash."""
        if not name or len(name) > 80 or not name.replace("-", "").replace(".", "").isalnum():
            raise InvalidInputError(
                "must be 1 to 80 letters, digits, dots or hyphens", field="name"
            )
        token = new_token()
        operator_id = Operator.create_id(name)
        if operator_id in self.repository:
            operator: Operator = self.repository.get(operator_id)
            operator.issue_token(hash_token(token), actor)
        else:
            operator = Operator(name=name, token_hash=hash_token(token), actor=actor)
        self._save(operator)
        return token

    def revoke_operator(self, name: str, actor: Actor) -> None:
        try:
            operator: Operator = self.repository.get(Operator.create_id(name))
        except AggregateNotFoundError:
            raise NotFoundError("no operator '%(name)s'", field="name",
                                values={"name": name}) from None
        operator.revoke(actor)
        self._save(operator)

    # ----------------------------------------------------------------------------------------

    def _domain_claim(self, domain: str) -> DomainClaim | None:
        try:
            claim: DomainClaim = self.repository.get(DomainClaim.create_id(domain))
        except AggregateNotFoundError:
            return None
        return claim

    def _save(self, *aggregates: Tenant | DomainClaim | Operator,
              duplicate: ConflictError | None = None) -> None:
        try:
            self.save(*aggregates)
        except RecordConflictError:
            raise duplicate or ConflictError(
                "changed by someone else at the same time; try again"
            ) from None
        self._on_change()
