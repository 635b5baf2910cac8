"""`ithaca members ...`: members created from the command line (a tenant's first admin)."""

from __future__ import annotations

import sys

import click

from infra.console import CommandRuntime
from services.accounts.application import Accounts
from services.accounts.domain import Role

__all__ = ["members"]


@click.group()
def members() -> None:
    """Members of a tenant (the first tenant admin; everyone else signs up or is invited)."""


@members.command("create")
@click.option("--tenant", "slug", required=True, help="Slug of the tenant.")
@click.option("--email", required=True, help="The member's e-mail address (they sign in with it).")
@click.option("--name", required=True, help="The member's name.")
@click.option("--role", "roles", multiple=True, default=[Role.TENANT_ADMIN.value],
              type=click.Choice([role.value for role in Role]), show_default=True,
              help="A role to grant; repeat for several.")
@click.option("--locale", help="Interface language [the tenant's default].")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (no prompt).")
@click.pass_obj
def members_create(
    runtime: CommandRuntime, slug: str, email: str, name: str, roles: tuple[str, ...],
    locale: str | None, password_stdin: bool,
) -> None:
    """Create a member with any roles, e.g. a tenant's first tenant admin.

    The password is prompted for (twice) unless --password-stdin is given; it is never
    printed. A verification mail is queued for the address.
    """
    tenant = runtime.ithaca.tenant(slug)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts = runtime.ithaca.tenant_application(tenant, Accounts)
    member, _ = accounts.create_member(
        email=email, name=name, password=password, roles=[Role(role) for role in roles],
        locale=locale or tenant.default_locale, actor=runtime.actor,
    )
    click.echo(f"created member {member.id} in {slug} with roles {', '.join(sorted(roles))}")
