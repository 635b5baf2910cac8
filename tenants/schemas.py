"""Wire shapes of the platform API and the tenant info endpoint: one Struct per operation.

Request bodies refuse unknown fields (a misspelt field is a 400 naming it, never silently
ignored) and carry the constraints a schema can state; the registry then applies the rules that
need knowledge (reserved slugs, known locales and time zones, free domains) and answers 422 or
409, naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from services.audit_log.schemas import OptionalReason
from services.schemas import CamelBody, CamelStruct
from tenants.directory import PendingDomain, TenantRecord
from tenants.domain import (
    COLOUR_PATTERN,
    DEFAULT_ACCENT_COLOUR,
    DEFAULT_PRIMARY_COLOUR,
    INTERFACE_LOCALES,
    SLUG_PATTERN,
    Branding,
)

__all__ = [
    "AttachDomain",
    "PendingDomainView",
    "ProvisionTenant",
    "RebrandTenant",
    "ReinstateTenant",
    "SuspendTenant",
    "TenantInfo",
    "TenantList",
    "TenantView",
]

_COLOUR = Meta(pattern=COLOUR_PATTERN, examples=[DEFAULT_PRIMARY_COLOUR], description="#rrggbb")

Slug = Annotated[str, Meta(
    pattern=SLUG_PATTERN, examples=["acme"],
    description="Names the tenant in its address ({slug}.{base domain}) and stream; permanent.",
)]
Reason = Annotated[str, Meta(
    min_length=1, max_length=500, examples=["Programme paused while the contract is renewed"],
    description="Why; recorded in the platform stream for auditors.",
)]


class ProvisionTenant(CamelBody):
    """A new tenant with its own event stream."""

    slug: Slug
    display_name: Annotated[str, Meta(min_length=1, max_length=120, examples=["Acme Mentoring"])]
    default_locale: Annotated[str, Meta(
        examples=["es"], description=f"One of {', '.join(INTERFACE_LOCALES)}."
    )] = "en"
    time_zone: Annotated[str, Meta(
        max_length=64, examples=["America/Bogota"], description="An IANA time zone."
    )] = "UTC"
    location: Annotated[str, Meta(
        max_length=40, examples=["main"],
        description="The database location the tenant's stream lives on.",
    )] = "main"
    reason: OptionalReason = ""


class RebrandTenant(CamelBody):
    """The tenant's complete branding (fields left out take their defaults)."""

    product_name: Annotated[str, Meta(min_length=1, max_length=80, examples=["Acme Mentoring"])]
    logo_url: Annotated[str, Meta(
        max_length=500, examples=["https://acme.example/logo.svg"],
        description="An https:// URL or a site path; empty for none.",
    )] = ""
    primary_colour: Annotated[str, _COLOUR] = DEFAULT_PRIMARY_COLOUR
    accent_colour: Annotated[str, _COLOUR] = DEFAULT_ACCENT_COLOUR
    support_email: Annotated[str, Meta(
        max_length=254, examples=["mentoring@acme.example"]
    )] = ""
    reason: OptionalReason = ""

    def branding(self) -> Branding:
        return Branding(
            product_name=self.product_name, logo_url=self.logo_url,
            primary_colour=self.primary_colour, accent_colour=self.accent_colour,
            support_email=self.support_email,
        )


class AttachDomain(CamelBody):
    """A custom domain the tenant will also answer on once it proves control of it: attaching
    records a pending claim with a challenge to publish as a DNS TXT record (see
    `pendingDomains`), then `POST .../domains/{domain}/verification` makes it active."""

    domain: Annotated[str, Meta(
        min_length=3, max_length=253, examples=["mentoring.acme.example"]
    )]
    reason: OptionalReason = ""


class SuspendTenant(CamelBody):
    """Stops the tenant answering (403) until reinstated; its history is kept."""

    reason: Reason


class ReinstateTenant(CamelBody):
    """Lets a suspended tenant answer again."""

    reason: Reason


class PendingDomainView(CamelStruct):
    """A claimed domain awaiting proof: publish `challenge` as the TXT record `record`, then
    verify. It does not answer for the tenant until then."""

    domain: str
    record: Annotated[str, Meta(examples=["_ithaca-challenge.mentoring.acme.example"])]
    challenge: Annotated[str, Meta(examples=["ithaca-5f0c1e7a9b2d4c6e8f1a3b5c7d9e0f21"])]

    @classmethod
    def of(cls, pending: PendingDomain) -> PendingDomainView:
        return cls(domain=pending.domain, record=pending.record, challenge=pending.challenge)


class TenantView(CamelStruct):
    """A tenant as the platform operator sees it."""

    # Fields of TenantRecord again, on purpose: the API's shape changes only with the API.
    slug: str
    display_name: str
    default_locale: str
    time_zone: str
    location: str
    branding: Branding
    domains: list[str]
    """Active custom domains: they answer for the tenant."""
    pending_domains: list[PendingDomainView]
    suspended: bool
    suspension_reason: str
    provisioned_at: datetime | None
    version: int
    position: int
    """The platform stream position this view reflects (at least the command's own)."""

    @classmethod
    def of(cls, record: TenantRecord, position: int) -> TenantView:
        return cls(
            slug=record.slug, display_name=record.display_name,
            default_locale=record.default_locale, time_zone=record.time_zone,
            location=record.location, branding=record.branding, domains=list(record.domains),
            pending_domains=[PendingDomainView.of(pending) for pending in record.pending_domains],
            suspended=record.suspended, suspension_reason=record.suspension_reason,
            provisioned_at=record.provisioned_at, version=record.version, position=position,
        )


class TenantList(CamelStruct):
    tenants: list[TenantView]
    position: int


class TenantInfo(CamelStruct):
    """What anyone may know about the tenant they are visiting."""

    slug: str
    display_name: str
    default_locale: str
    time_zone: str
    branding: Branding

    @classmethod
    def of(cls, record: TenantRecord) -> TenantInfo:
        return cls(
            slug=record.slug, display_name=record.display_name,
            default_locale=record.default_locale, time_zone=record.time_zone,
            branding=record.branding,
        )
