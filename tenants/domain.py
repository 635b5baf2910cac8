"""The platform stream's aggregates: tenants, the domains they claim, and platform operators.

Uniqueness without a read model: a tenant's id is derived from its slug and a domain claim's id
from the domain name, so a second provisioning of the same slug (or a second claim of the same
domain) collides on the stream's primary key in the same transaction that would have recorded
it. Two racing requests cannot both succeed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zoneinfo
from functools import cache
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, InvalidInputError

__all__ = [
    "COLOUR_PATTERN",
    "DEFAULT_ACCENT_COLOUR",
    "DEFAULT_PRIMARY_COLOUR",
    "INTERFACE_LOCALES",
    "RESERVED_SLUGS",
    "SLUG_PATTERN",
    "Branding",
    "DomainClaim",
    "Operator",
    "Tenant",
    "hash_token",
    "new_token",
    "normalise_domain",
    "validate_slug",
]

_NAMESPACE = UUID("6f0a3c58-7a51-4c55-9a4e-2f1f3b3a8d10")

INTERFACE_LOCALES = ("en", "es", "fr", "ar", "id")
"""Languages the interface is translated into; a tenant's default locale is one of them."""

RESERVED_SLUGS = frozenset({
    "admin", "api", "app", "assets", "auth", "billing", "blog", "cdn", "dashboard", "docs",
    "help", "healthz", "ithaca", "login", "logout", "mail", "metrics", "operator", "platform",
    "readyz", "root", "schema", "signup", "smtp", "static", "status", "support", "system",
    "tenant", "tenants", "www",
})

SLUG_PATTERN = "^[a-z0-9-]{3,40}$"
"""The shape of a slug; `validate_slug` also refuses reserved words and edge hyphens."""
COLOUR_PATTERN = "^#[0-9a-fA-F]{6}$"
DEFAULT_PRIMARY_COLOUR = "#1f4e79"
DEFAULT_ACCENT_COLOUR = "#f2a900"

_SLUG = re.compile(SLUG_PATTERN)
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_COLOUR = re.compile(COLOUR_PATTERN)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise InvalidInputError(
            "must be 3 to 40 characters of lowercase letters, digits and hyphens", field="slug"
        )
    if slug.startswith("-") or slug.endswith("-"):
        raise InvalidInputError("must not start or end with a hyphen", field="slug")
    if slug in RESERVED_SLUGS:
        raise InvalidInputError("'%(slug)s' is reserved", field="slug", values={"slug": slug})
    return slug


def validate_locale(locale: str) -> str:
    if locale not in INTERFACE_LOCALES:
        raise InvalidInputError(
            "unsupported locale '%(locale)s'; choose one of %(locales)s",
            field="defaultLocale",
            values={"locale": locale, "locales": ", ".join(INTERFACE_LOCALES)},
        )
    return locale


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(time_zone: str) -> str:
    if time_zone not in _time_zones():
        raise InvalidInputError(
            "'%(zone)s' is not an IANA time zone (e.g. Europe/Madrid)", field="timeZone",
            values={"zone": time_zone},
        )
    return time_zone


def normalise_domain(domain: str, *, base_domain: str) -> str:
    """Lower-cases and checks a custom domain; subdomains of the base domain are the slugs'."""
    name = domain.strip().lower().rstrip(".")
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_DOMAIN_LABEL.match(x) for x in labels):
        raise InvalidInputError("'%(domain)s' is not a domain name", field="domain",
                                values={"domain": domain})
    if name == base_domain or name.endswith("." + base_domain):
        raise InvalidInputError(
            "'%(domain)s' is under the platform's own domain %(base)s; tenants answer on "
            "{slug}.%(base)s without attaching it",
            field="domain", values={"domain": domain, "base": base_domain},
        )
    return name


class Branding(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """How a tenant's pages look and whom its members write to."""

    product_name: str
    logo_url: str = ""
    primary_colour: str = DEFAULT_PRIMARY_COLOUR
    accent_colour: str = DEFAULT_ACCENT_COLOUR
    support_email: str = ""

    def validated(self) -> Branding:
        if not 1 <= len(self.product_name.strip()) <= 80:
            raise InvalidInputError("must be 1 to 80 characters", field="productName")
        for field, colour in (("primaryColour", self.primary_colour),
                              ("accentColour", self.accent_colour)):
            if not _COLOUR.match(colour):
                raise InvalidInputError(
                    "'%(colour)s' is not a colour like %(example)s", field=field,
                    values={"colour": colour, "example": DEFAULT_PRIMARY_COLOUR},
                )
        if self.logo_url and not self.logo_url.startswith(("https://", "/")):
            raise InvalidInputError("must be an https:// URL or a site path", field="logoUrl")
        if self.support_email and not _EMAIL.match(self.support_email):
            raise InvalidInputError(
                "'%(email)s' is not an e-mail address", field="supportEmail",
                values={"email": self.support_email},
            )
        return self


class Tenant(Aggregate):
    """A branded deployment: one programme operator's instance of Ithaca."""

    class Provisioned(Aggregate.Created):
        slug: str
        display_name: str
        default_locale: str
        time_zone: str
        location: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class Rebranded(Aggregate.Event):
        branding: Branding
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DefaultLocaleChanged(Aggregate.Event):
        locale: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DomainAttached(Aggregate.Event):
        domain: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DomainDetached(Aggregate.Event):
        domain: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class Suspended(Aggregate.Event):
        reason: str
        actor: Actor

    class Reinstated(Aggregate.Event):
        reason: str
        actor: Actor

    @staticmethod
    def create_id(slug: str) -> UUID:
        return uuid5(_NAMESPACE, f"tenant/{slug}")

    @event(Provisioned)
    def __init__(
        self,
        slug: str,
        display_name: str,
        default_locale: str,
        time_zone: str,
        location: str,
        actor: Actor,
        reason: str = "",
    ) -> None:
        self.slug = slug
        self.display_name = display_name
        self.default_locale = default_locale
        self.time_zone = time_zone
        self.location = location
        self.branding = Branding(product_name=display_name)
        self.domains: list[str] = []
        self.suspended = False
        self.suspension_reason = ""

    @event(Rebranded)
    def rebrand(self, branding: Branding, actor: Actor, reason: str = "") -> None:
        self.branding = branding

    @event(DefaultLocaleChanged)
    def change_default_locale(self, locale: str, actor: Actor, reason: str = "") -> None:
        self.default_locale = locale

    @event(DomainAttached)
    def _attach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        self.domains.append(domain)

    @event(DomainDetached)
    def _detach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        self.domains.remove(domain)

    def attach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        if domain in self.domains:
            raise ConflictError("%(domain)s is already attached to %(slug)s", field="domain",
                                values={"domain": domain, "slug": self.slug})
        self._attach_domain(domain, actor, reason)

    def detach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        if domain not in self.domains:
            raise ConflictError("%(domain)s is not attached to %(slug)s", field="domain",
                                values={"domain": domain, "slug": self.slug})
        self._detach_domain(domain, actor, reason)

    @event(Suspended)
    def _suspend(self, reason: str, actor: Actor) -> None:
        self.suspended, self.suspension_reason = True, reason

    @event(Reinstated)
    def _reinstate(self, reason: str, actor: Actor) -> None:
        self.suspended, self.suspension_reason = False, ""

    def suspend(self, reason: str, actor: Actor) -> None:
        if self.suspended:
            raise ConflictError("%(slug)s is already suspended", values={"slug": self.slug})
        self._suspend(reason, actor)

    def reinstate(self, reason: str, actor: Actor) -> None:
        if not self.suspended:
            raise ConflictError("%(slug)s is not suspended", values={"slug": self.slug})
        self._reinstate(reason, actor)


class DomainClaim(Aggregate):
    """Which tenant holds a custom domain; its id is the domain's, so claims are unique."""

    class Claimed(Aggregate.Created):
        domain: str
        tenant_id: UUID

    class Reclaimed(Aggregate.Event):
        tenant_id: UUID

    class Released(Aggregate.Event):
        pass

    @staticmethod
    def create_id(domain: str) -> UUID:
        return uuid5(_NAMESPACE, f"domain/{domain}")

    @event(Claimed)
    def __init__(self, domain: str, tenant_id: UUID) -> None:
        self.domain = domain
        self.tenant_id: UUID | None = tenant_id

    @event(Reclaimed)
    def _reclaim(self, tenant_id: UUID) -> None:
        self.tenant_id = tenant_id

    @event(Released)
    def release(self) -> None:
        self.tenant_id = None

    def claim(self, tenant_id: UUID) -> None:
        if self.tenant_id is not None and self.tenant_id != tenant_id:
            raise ConflictError("%(domain)s is attached to another tenant", field="domain",
                                values={"domain": self.domain})
        self._reclaim(tenant_id)


def new_token() -> str:
    return "ith_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class Operator(Aggregate):
    """A platform operator who provisions and suspends tenants through the platform API."""

    class Added(Aggregate.Created):
        name: str
        token_hash: str
        actor: Actor

    class TokenIssued(Aggregate.Event):
        token_hash: str
        actor: Actor

    class Revoked(Aggregate.Event):
        actor: Actor

    @staticmethod
    def create_id(name: str) -> UUID:
        return uuid5(_NAMESPACE, f"operator/{name}")

    @event(Added)
    def __init__(self, name: str, token_hash: str, actor: Actor) -> None:
        self.name = name
        self.token_hash = token_hash
        self.active = True

    @event(TokenIssued)
    def issue_token(self, token_hash: str, actor: Actor) -> None:
        self.token_hash, self.active = token_hash, True

    @event(Revoked)
    def revoke(self, actor: Actor) -> None:
        self.active = False
