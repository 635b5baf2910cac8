"""The tenant registry: operators provision and change tenants; the directory answers at once."""

from __future__ import annotations

import pytest

from infra.bootstrap import Ithaca, bootstrap
from infra.eventstore.streams import tenant_stream_name
from services.actor import Actor
from services.errors import ConflictError, InvalidInputError, NotFoundError
from tenants.domain import Branding


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


def test_a_domain_belongs_to_one_tenant_at_a_time(ithaca: Ithaca, operator_actor: Actor) -> None:
    # Acme attaches its own domain; Beta cannot take it until Acme lets it go.
    for slug in ("acme", "beta"):
        ithaca.registry.provision_tenant(slug=slug, display_name=slug.title(), actor=operator_actor)
    ithaca.registry.attach_domain("acme", "Mentors.Acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example").slug == "acme"  # type: ignore[union-attr]

    with pytest.raises(ConflictError) as refused:
        ithaca.registry.attach_domain("beta", "mentors.acme.example", operator_actor)
    assert refused.value.field == "domain"

    ithaca.registry.detach_domain("acme", "mentors.acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example") is None
    ithaca.registry.attach_domain("beta", "mentors.acme.example", operator_actor)
    assert ithaca.directory.by_host("mentors.acme.example").slug == "beta"  # type: ignore[union-attr]


def test_domains_under_the_platform_domain_are_not_attachable(
    ithaca: Ithaca, operator_actor: Actor
) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=operator_actor)
    for domain in ("beta.ithaca.localhost", "not a domain", "localhost"):
        with pytest.raises(InvalidInputError) as refused:
            ithaca.registry.attach_domain("acme", domain, operator_actor)
        assert refused.value.field == "domain"


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
