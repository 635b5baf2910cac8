"""The tenant registry: operators provision and change tenants; the directory answers at once."""

from __future__ import annotations

import pytest

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.streams import tenant_stream_name
from services.actor import Actor
from services.errors import ConflictError, InvalidInputError, NotFoundError
from tenants.domain import Branding, DomainClaim, Tenant
from tenants.proof import DomainProofUnavailableError
from tests.dns import DnsServer


def test_a_provisioned_tenant_has_its_own_stream_and_is_found_by_slug_and_host(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # An operator provisions Acme's programme; it can be found by slug and by its subdomain.
    ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", default_locale="es",
        time_zone="America/Bogota", actor=operator_actor,
    )
    record = ithaca.tenant("acme")
    assert (record.display_name, record.default_locale, record.time_zone, record.location) == (
        "Acme Mentoring", "es", "America/Bogota", "main"
    )
    assert ithaca.directory.by_host("acme.ithaca.localhost:8000") == record
    assert ithaca.locations["main"].stream_exists(tenant_stream_name("acme"))


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("ab", "3 to 40 characters"),
        ("Acme", "lowercase"),
        ("acme_corp", "lowercase letters, digits and hyphens"),
        ("-acme", "hyphen"),
        ("a" * 41, "3 to 40"),
        ("www", "reserved"),
        ("platform", "reserved"),
    ],
)
def test_bad_slugs_are_refused_and_nothing_is_stored(
    ithaca: Ithaca, operator_actor: Actor, slug: str, problem: str
) -> None:
    position_before = ithaca.registry.position
    with pytest.raises(InvalidInputError) as refused:
        ithaca.registry.provision_tenant(slug=slug, display_name="X", actor=operator_actor)
    assert refused.value.field == "slug"
    assert problem in refused.value.problem
    assert ithaca.registry.position == position_before


def test_a_duplicate_slug_is_a_conflict(ithaca: Ithaca, operator_actor: Actor) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    position = ithaca.registry.position
    with pytest.raises(ConflictError) as refused:
        ithaca.registry.provision_tenant(slug="acme", display_name="Other", actor=operator_actor)
    assert refused.value.field == "slug"
    assert ithaca.registry.position == position
    assert ithaca.tenant("acme").display_name == "Acme"


def test_unknown_locale_zone_and_location_are_refused(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    for kwargs, field in (
        ({"default_locale": "xx"}, "defaultLocale"),
        ({"time_zone": "Mars/Olympus"}, "timeZone"),
        ({"location": "moon"}, "location"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            ithaca.registry.provision_tenant(
                slug="acme", display_name="Acme", actor=operator_actor, **kwargs
            )
        assert refused.value.field == field
    assert ithaca.directory.by_slug("acme") is None


def test_a_claimed_domain_answers_only_once_its_challenge_is_published_in_dns(
    ithaca: Ithaca, operator_actor: Actor, dns_server: DnsServer
) -> None:
    # Acme claims its domain: the claim is pending, with a challenge to publish, and the domain
    # does not lead to Acme yet.
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    ithaca.registry.attach_domain("acme", "Mentors.Acme.example", operator_actor)
    record = ithaca.tenant("acme")
    assert record.domains == ()
    [pending] = record.pending_domains
    assert (pending.domain, pending.record) == (
        "mentors.acme.example", "_ithaca-challenge.mentors.acme.example")
    assert ithaca.directory.by_host("mentors.acme.example") is None

    # Claiming it again changes nothing: the same challenge stands.
    position = ithaca.registry.position
    ithaca.registry.attach_domain("acme", "mentors.acme.example", operator_actor)
    assert ithaca.registry.position == position
    assert ithaca.tenant("acme").pending_domains == (pending,)

    # Verifying before the record exists, or with someone else's value, proves nothing and says
    # what to publish.
    for published in (None, "ithaca-not-acmes-challenge"):
        if published is not None:
            dns_server.publish(pending.record, published)
        with pytest.raises(InvalidInputError) as refused:
            ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)
        assert refused.value.field == "domain"
        assert pending.record in refused.value.problem
        assert pending.challenge in refused.value.problem
        assert ithaca.registry.position == position

    # Once Acme's IT publishes the TXT record (beside the other one), the domain is Acme's.
    dns_server.publish(pending.record, pending.challenge)
    ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)
    record = ithaca.tenant("acme")
    assert (record.domains, record.pending_domains) == (("mentors.acme.example",), ())
    assert ithaca.directory.by_host("Mentors.Acme.Example:443") == record
    with pytest.raises(ConflictError):
        ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)


def test_pending_claims_block_nobody_and_the_first_to_prove_control_wins(
    ithaca: Ithaca, operator_actor: Actor, dns_server: DnsServer
) -> None:
    # Mallory's tenant claims Acme's domain first; the claim does not stop Acme claiming it.
    for slug in ("acme", "mallory"):
        ithaca.registry.provision_tenant(slug=slug, display_name=slug.title(),
                                         actor=operator_actor)
    ithaca.registry.attach_domain("mallory", "mentors.acme.example", operator_actor)
    ithaca.registry.attach_domain("acme", "mentors.acme.example", operator_actor)
    [acmes] = ithaca.tenant("acme").pending_domains
    [mallorys] = ithaca.tenant("mallory").pending_domains
    assert acmes.challenge != mallorys.challenge

    # Only Acme can publish in its zone, so only Acme's claim is proven.
    dns_server.publish(acmes.record, acmes.challenge)
    with pytest.raises(InvalidInputError):
        ithaca.registry.verify_domain("mallory", "mentors.acme.example", operator_actor)
    ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example").slug == "acme"  # type: ignore[union-attr]

    # A proven domain belongs to one tenant at a time: Mallory can neither prove nor claim it
    # while Acme holds it...
    dns_server.publish(mallorys.record, mallorys.challenge)
    for command in (ithaca.registry.verify_domain, ithaca.registry.attach_domain):
        with pytest.raises(ConflictError) as refused:
            command("mallory", "mentors.acme.example", operator_actor)
        assert refused.value.field == "domain"

    # ...and takes it, with proof, once Acme lets it go.
    ithaca.registry.detach_domain("acme", "mentors.acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example") is None
    ithaca.registry.verify_domain("mallory", "mentors.acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example").slug == "mallory"  # type: ignore[union-attr]


def test_a_pending_claim_can_be_withdrawn(ithaca: Ithaca, operator_actor: Actor) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    ithaca.registry.attach_domain("acme", "mentors.acme.example", operator_actor)
    ithaca.registry.detach_domain("acme", "mentors.acme.example", operator_actor, "typo")
    assert ithaca.tenant("acme").pending_domains == ()
    with pytest.raises(ConflictError):
        ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)
    with pytest.raises(ConflictError):
        ithaca.registry.detach_domain("acme", "mentors.acme.example", operator_actor)


def test_when_the_dns_does_not_answer_nothing_is_known_and_the_answer_says_try_again(
    ithaca: Ithaca, operator_actor: Actor, dns_server: DnsServer
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    ithaca.registry.attach_domain("acme", "mentors.acme.example", operator_actor)
    dns_server.stop()
    with pytest.raises(DomainProofUnavailableError) as unavailable:
        ithaca.registry.verify_domain("acme", "mentors.acme.example", operator_actor)
    assert (unavailable.value.status_code, unavailable.value.field) == (503, "domain")
    assert ithaca.tenant("acme").domains == ()


def test_an_operator_may_attach_a_domain_without_proof_only_saying_why(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Domains attached before proof was required were recorded as Tenant.DomainAttached; that
    # event still means "active", and is now only the operator's explicit skip.
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    with pytest.raises(InvalidInputError) as refused:
        ithaca.registry.attach_domain_without_proof("acme", "mentors.acme.example",
                                                    operator_actor, " ")
    assert refused.value.field == "reason"
    ithaca.registry.attach_domain_without_proof(
        "acme", "mentors.acme.example", operator_actor, "ticket 42: DNS proven by phone")
    assert ithaca.directory.by_host("mentors.acme.example").slug == "acme"  # type: ignore[union-attr]
    attached = list(ithaca.registry.events.get(ithaca.tenant("acme").id))[-1]
    assert isinstance(attached, Tenant.DomainAttached)
    assert attached.reason == "ticket 42: DNS proven by phone"


@pytest.mark.parametrize("domain", [
    "127.0.0.1", "127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "10.0.0.8", "[::1]", "::1",
    "::ffff:127.0.0.1", "[fe80::1]", "1.2.3.4.", "localhost", "LOCALHOST.", "app.localhost",
    "ithaca.localhost", "beta.ithaca.localhost", "testserver.local", "not a domain",
])
def test_addresses_localhost_and_the_platforms_own_hosts_are_refused(
    ithaca: Ithaca, operator_actor: Actor, domain: str
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    position = ithaca.registry.position
    with pytest.raises(InvalidInputError) as claim:
        ithaca.registry.attach_domain("acme", domain, operator_actor)
    with pytest.raises(InvalidInputError) as skip:
        ithaca.registry.attach_domain_without_proof("acme", domain, operator_actor, "ticket 42")
    assert claim.value.field == skip.value.field == "domain"
    assert ithaca.registry.position == position


def test_rebranding_suspending_and_reinstating_show_in_the_directory(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    ithaca.registry.rebrand_tenant(
        "acme",
        Branding(product_name="Acme Mentors", primary_colour="#123456",
                 support_email="help@acme.example"),
        operator_actor,
    )
    assert ithaca.tenant("acme").branding.product_name == "Acme Mentors"

    with pytest.raises(InvalidInputError) as refused:
        ithaca.registry.rebrand_tenant(
            "acme", Branding(product_name="X", primary_colour="blue"), operator_actor
        )
    assert refused.value.field == "primaryColour"

    ithaca.registry.suspend_tenant("acme", "unpaid invoice", operator_actor)
    assert ithaca.tenant("acme").suspended
    assert ithaca.tenant("acme").suspension_reason == "unpaid invoice"
    with pytest.raises(ConflictError):
        ithaca.registry.suspend_tenant("acme", "again", operator_actor)
    ithaca.registry.reinstate_tenant("acme", "paid", operator_actor)
    assert not ithaca.tenant("acme").suspended


def test_commands_on_unknown_tenants_are_not_found(ithaca: Ithaca, operator_actor: Actor) -> None:
    with pytest.raises(NotFoundError):
        ithaca.registry.suspend_tenant("nobody", "why", operator_actor)


def test_another_process_sees_changes_once_its_cache_is_stale(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Two processes (two compositions on one database): the second sees the first's tenant.
    other = bootstrap(ithaca.settings)
    try:
        ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
        other.directory.refresh_if_stale()  # tenant_cache_seconds is 0 in tests
        assert other.directory.by_slug("acme") is not None
    finally:
        other.close()


def test_a_domain_attached_before_proof_was_required_stays_unless_it_is_now_refused(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    # Before, Acme's admin could attach anything: its own domain, and the platform's address.
    # Those events are kept as they were; the first still serves Acme, the second never routes
    # and can be detached.
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    tenant = ithaca.registry.get_tenant("acme")
    claims = []
    for domain in ("mentors.acme.example", "127.0.0.1", "ithaca.localhost"):
        tenant._attach_domain(domain, operator_actor)
        claims.append(DomainClaim(domain=domain, tenant_id=tenant.id))
    ithaca.registry.save(tenant, *claims)
    ithaca.directory.refresh()

    assert ithaca.directory.by_host("mentors.acme.example").slug == "acme"  # type: ignore[union-attr]
    assert ithaca.directory.by_host("127.0.0.1:8000") is None
    assert ithaca.directory.is_platform_host("127.0.0.1:8000")
    assert ithaca.tenant("acme").domains == ("mentors.acme.example",)
    for domain in ("127.0.0.1", "ithaca.localhost"):
        ithaca.registry.detach_domain("acme", domain, operator_actor, "not ours")
    assert ithaca.registry.get_tenant("acme").domains == ["mentors.acme.example"]
