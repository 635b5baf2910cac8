"""`ithaca tenants ...` and `ithaca operators ...`: what a platform operator runs."""

from __future__ import annotations

import click
import msgspec
from rich.table import Table

from infra.console import CommandRuntime, echo_json, print_table
from infra.settings import Settings

__all__ = ["operators", "tenant_urls", "tenants"]

REASON_HELP = "Why (optional); recorded in the platform stream for the tenant's auditors."


def tenant_urls(settings: Settings, slug: str) -> tuple[str, str]:
    """The tenant's own host and the path-prefixed API on the server's address."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    port = "" if settings.port == 80 else f":{settings.port}"
    return (
        f"http://{slug}.{settings.base_domain}{port}/",
        f"http://{host}{port}/t/{slug}/api/v1/tenant",
    )


@click.group()
def tenants() -> None:
    """Provision, list, rebrand, suspend and reinstate tenants."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", "display_name", required=True, help="Display name of the programme.")
@click.option("--locale", default="en", show_default=True, help="Default interface locale.")
@click.option("--time-zone", default="UTC", show_default=True, help="IANA time zone.")
@click.option("--location", default="main", show_default=True,
              help="Database location the tenant's stream lives in.")
@click.pass_obj
def tenants_create(
    runtime: CommandRuntime, slug: str, display_name: str, locale: str, time_zone: str,
    location: str,
) -> None:
    """Provision a tenant with its own event stream."""
    runtime.ithaca.registry.provision_tenant(
        slug=slug, display_name=display_name, actor=runtime.actor,
        default_locale=locale, time_zone=time_zone, location=location,
    )
    site, _ = tenant_urls(runtime.settings, slug)
    click.echo(f"provisioned {slug} ({display_name.strip()}) on {location}: {site}")


@tenants.command("list")
@click.pass_obj
def tenants_list(runtime: CommandRuntime) -> None:
    """Show every tenant as a table."""
    table = Table("slug", "name", "locale", "zone", "location", "domains", "status",
                  box=None, pad_edge=False)
    for record in runtime.ithaca.directory.all():
        table.add_row(
            record.slug, record.display_name, record.default_locale, record.time_zone,
            record.location, ", ".join(record.domains) or "-",
            f"suspended: {record.suspension_reason}" if record.suspended else "active",
        )
    print_table(table)


@tenants.command("show")
@click.argument("slug")
@click.pass_obj
def tenants_show(runtime: CommandRuntime, slug: str) -> None:
    """Print one tenant as JSON."""
    record = runtime.ithaca.tenant(slug)
    site, api = tenant_urls(runtime.settings, slug)
    echo_json({**msgspec.to_builtins(record), "stream": record.stream_name,
                "urls": {"site": site, "api": api}})


@tenants.command("rebrand")
@click.argument("slug")
@click.option("--product-name", help="Name shown in the tenant's pages.")
@click.option("--logo-url", help="https:// URL or site path of the logo.")
@click.option("--primary-colour", help="Like #1f4e79.")
@click.option("--accent-colour", help="Like #f2a900.")
@click.option("--support-email", help="Where members write for help.")
@click.option("--reason", default="", help=REASON_HELP)
@click.pass_obj
def tenants_rebrand(
    runtime: CommandRuntime, slug: str, product_name: str | None, logo_url: str | None,
    primary_colour: str | None, accent_colour: str | None, support_email: str | None,
    reason: str,
) -> None:
    """Change a tenant's branding; options not given keep their value."""
    changes = {
        "product_name": product_name, "logo_url": logo_url, "primary_colour": primary_colour,
        "accent_colour": accent_colour, "support_email": support_email,
    }
    branding = msgspec.structs.replace(
        runtime.ithaca.tenant(slug).branding,
        **{field: value for field, value in changes.items() if value is not None},
    )
    runtime.ithaca.registry.rebrand_tenant(slug, branding, runtime.actor, reason)
    echo_json(runtime.ithaca.tenant(slug).branding)


@tenants.command("attach-domain")
@click.argument("slug")
@click.argument("domain")
@click.option("--reason", default="", help=REASON_HELP)
@click.option("--skip-proof", is_flag=True, help=(
    "Attach at once, without the DNS proof of control; needs --reason, recorded in the "
    "platform stream for auditors."))
@click.pass_obj
def tenants_attach_domain(
    runtime: CommandRuntime, slug: str, domain: str, reason: str, skip_proof: bool
) -> None:
    """Claim a custom DOMAIN for the tenant: it answers once proven (`verify-domain`)."""
    registry = runtime.ithaca.registry
    if skip_proof:
        registry.attach_domain_without_proof(slug, domain, runtime.actor, reason)
        click.echo(f"{domain} now serves {slug} (attached without proof)")
        return
    record = runtime.ithaca.tenant(registry.attach_domain(slug, domain, runtime.actor,
                                                          reason).slug)
    pending = next(claim for claim in record.pending_domains
                   if claim.domain == domain.strip().lower().rstrip("."))
    click.echo(f"{pending.domain} is claimed for {slug}; to prove control, publish the DNS "
               f"record\n\n    {pending.record}. TXT \"{pending.challenge}\"\n\nthen run "
               f"`ithaca tenants verify-domain {slug} {pending.domain}`")


@tenants.command("verify-domain")
@click.argument("slug")
@click.argument("domain")
@click.pass_obj
def tenants_verify_domain(runtime: CommandRuntime, slug: str, domain: str) -> None:
    """Check the DNS proof of a claimed DOMAIN; once found, the domain serves the tenant."""
    runtime.ithaca.registry.verify_domain(slug, domain, runtime.actor)
    click.echo(f"{domain} now serves {slug}")


@tenants.command("detach-domain")
@click.argument("slug")
@click.argument("domain")
@click.option("--reason", default="", help=REASON_HELP)
@click.pass_obj
def tenants_detach_domain(runtime: CommandRuntime, slug: str, domain: str, reason: str) -> None:
    """Stop the tenant answering on DOMAIN (or withdraw its pending claim)."""
    runtime.ithaca.registry.detach_domain(slug, domain, runtime.actor, reason)
    click.echo(f"{domain} no longer serves {slug}")


@tenants.command("suspend")
@click.argument("slug")
@click.option("--reason", required=True, help="Why; recorded in the platform stream.")
@click.pass_obj
def tenants_suspend(runtime: CommandRuntime, slug: str, reason: str) -> None:
    """Suspend a tenant: its members are refused until it is reinstated."""
    runtime.ithaca.registry.suspend_tenant(slug, reason, runtime.actor)
    click.echo(f"suspended {slug}")


@tenants.command("reinstate")
@click.argument("slug")
@click.option("--reason", required=True, help="Why; recorded in the platform stream.")
@click.pass_obj
def tenants_reinstate(runtime: CommandRuntime, slug: str, reason: str) -> None:
    """Reinstate a suspended tenant."""
    runtime.ithaca.registry.reinstate_tenant(slug, reason, runtime.actor)
    click.echo(f"reinstated {slug}")


@click.group()
def operators() -> None:
    """Platform operators and their API tokens."""


@operators.command("add")
@click.argument("name")
@click.pass_obj
def operators_add(runtime: CommandRuntime, name: str) -> None:
    """Add an operator (or issue a new token to one) and print the token once."""
    token = runtime.ithaca.registry.add_operator(name, runtime.actor)
    click.echo(f"token of operator {name} (shown once, stored only as a hash):", err=True)
    click.echo(token)


@operators.command("revoke")
@click.argument("name")
@click.pass_obj
def operators_revoke(runtime: CommandRuntime, name: str) -> None:
    """Revoke an operator's token."""
    runtime.ithaca.registry.revoke_operator(name, runtime.actor)
    click.echo(f"revoked operator {name}")
