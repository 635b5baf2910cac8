"""The platform stream's aggregates: tenants, the domains they claim, and platform operators.

Uniqueness without a read model: a tenant's id is derived from its slug and a domain claim's id
from the domain name, so a second provisioning of the same slug (or a second claim of the same
domain) collides on the stream's primary key in the same transaction that would have recorded
it. Two racing requests cannot both succeed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import socket
import zoneinfo
from collections.abc import Iterable
from functools import cache
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, InvalidInputError

__all__ = [
    "CHALLENGE_RECORD",
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
    "challenge_record",
    "hash_token",
    "new_challenge",
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


def normalise_domain(
    domain: str, *, base_domain: str, platform_hosts: Iterable[str] = ()
) -> str:
    """Lower-cases and checks a custom domain. Refused: what is not a domain name, IP addresses
    in any spelling, `localhost` and its subdomains (they name this machine), the platform's own
    hosts, and the base domain and its subdomains (those are the slugs')."""
    name = domain.strip().lower().rstrip(".")
    if _is_ip_address(name):
        raise InvalidInputError(
            "'%(domain)s' is an IP address; attach a domain name", field="domain",
            values={"domain": domain},
        )
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
    if labels[-1] == "localhost" or name in {host.lower() for host in platform_hosts}:
        raise InvalidInputError(
            "'%(domain)s' is one of the platform's own addresses", field="domain",
            values={"domain": domain},
        )
    return name


def _is_ip_address(name: str) -> bool:
    # Every spelling a resolver or browser takes for an address: 127.0.0.1, [::1], ::ffff:7f00:1,
    # and the shorthands inet_aton accepts (127.1, 0x7f.1, 2130706433). A top-level domain is
    # never all digits, so a numeric last label is an address too.
    bare = name.removeprefix("[").removesuffix("]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        return True
    try:
        socket.inet_aton(bare)
    except OSError:
        return bare.rsplit(".", 1)[-1].isdigit()
    return True


CHALLENGE_RECORD = "_ithaca-challenge"
"""The label under a claimed domain whose TXT record proves control of it."""


def challenge_record(domain: str) -> str:
    return f"{CHALLENGE_RECORD}.{domain}"


def new_challenge() -> str:
    # A claim's challenge is public (published in DNS, shown to the claimant); it grants nothing,
    # it only has to be unguessable so that one claimant's record cannot prove another's claim.
    return "ithaca-" + secrets.token_hex(16)


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
        """The domain answers for the tenant at once, without proof of control: every attach
        recorded before proof was required, and since then an operator's explicit
        `attach-domain --skip-proof --reason ...`."""

        domain: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DomainDetached(Aggregate.Event):
        domain: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DomainChallengeIssued(Aggregate.Event):
        """A pending claim: the domain answers for the tenant once `challenge` is published as
        the TXT record `_ithaca-challenge.<domain>` and the claim verified. Other tenants may
        hold pending claims on the same domain; the first to prove control wins."""

        domain: str
        challenge: str
        actor: Actor
        reason: str = ""
        """Why, as the operator or tenant admin gave it (optional)."""

    class DomainVerified(Aggregate.Event):
        """The pending claim's challenge was found in DNS; the domain answers for the tenant."""

        domain: str
        actor: Actor

    class DomainChallengeWithdrawn(Aggregate.Event):
        """A pending claim given up before it was proven."""

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
        self.pending_domains: dict[str, str] = {}
        """Domain -> the challenge that proves control of it."""
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
        self.pending_domains.pop(domain, None)
        self.domains.append(domain)

    @event(DomainDetached)
    def _detach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        self.domains.remove(domain)

    @event(DomainChallengeIssued)
    def _issue_domain_challenge(
        self, domain: str, challenge: str, actor: Actor, reason: str = ""
    ) -> None:
        self.pending_domains[domain] = challenge

    @event(DomainVerified)
    def _verify_domain(self, domain: str, actor: Actor) -> None:
        del self.pending_domains[domain]
        self.domains.append(domain)

    @event(DomainChallengeWithdrawn)
    def _withdraw_domain_challenge(self, domain: str, actor: Actor, reason: str = "") -> None:
        del self.pending_domains[domain]

    def claim_domain(self, domain: str, actor: Actor, reason: str = "") -> str:
        """Records a pending claim on `domain` (once: claiming it again changes nothing) and
        returns the challenge that proves it."""
        self._require_not_attached(domain)
        if domain not in self.pending_domains:
            self._issue_domain_challenge(domain, new_challenge(), actor, reason)
        return self.pending_domains[domain]

    def verify_domain(self, domain: str, actor: Actor) -> None:
        """Makes a pending claim active; the caller has checked the challenge is published."""
        self._require_not_attached(domain)
        if domain not in self.pending_domains:
            raise ConflictError("%(domain)s has no pending claim by %(slug)s; attach it first",
                                field="domain", values={"domain": domain, "slug": self.slug})
        self._verify_domain(domain, actor)

    def attach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        """Makes `domain` active without proof (operators only, saying why)."""
        self._require_not_attached(domain)
        self._attach_domain(domain, actor, reason)

    def detach_domain(self, domain: str, actor: Actor, reason: str = "") -> None:
        """Stops `domain` answering for the tenant, or withdraws its pending claim."""
        if domain in self.domains:
            self._detach_domain(domain, actor, reason)
        elif domain in self.pending_domains:
            self._withdraw_domain_challenge(domain, actor, reason)
        else:
            raise ConflictError("%(domain)s is not attached to %(slug)s", field="domain",
                                values={"domain": domain, "slug": self.slug})

    def _require_not_attached(self, domain: str) -> None:
        if domain in self.domains:
            raise ConflictError("%(domain)s is already attached to %(slug)s", field="domain",
                                values={"domain": domain, "slug": self.slug})

    @event(Suspended)
    def _suspend(self, reason: str, actor: Actor) -> None:
        self.suspended, self.suspension_reason = True, reason

    @event(Reinstated)
    def _reinstate(self, reason: str, actor: Actor) -> None:
        self.suspended, self.suspension_reason = False, ""

    def suspend(self, reason: str, actor: Actor) -> None:
        if self.suspended:
            raise ConflictError("%(slug)s is already suspended", field="suspended",
                                values={"slug": self.slug})
        self._suspend(reason, actor)

    def reinstate(self, reason: str, actor: Actor) -> None:
        if not self.suspended:
            raise ConflictError("%(slug)s is not suspended", field="suspended",
                                values={"slug": self.slug})
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
