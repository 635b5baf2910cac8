"""Roles in words: what a page shows for `programme_admin` and the others, translated by the
page (`PageContext.role_name`)."""

from __future__ import annotations

from infra.translations import N_
from services.accounts.domain import Role

__all__ = ["ROLE_NAMES", "ROLE_PURPOSES"]

ROLE_NAMES: dict[Role, str] = {
    Role.ENTREPRENEUR: N_("Entrepreneur"),
    Role.MENTOR: N_("Mentor"),
    Role.PROGRAMME_ADMIN: N_("Programme admin"),
    Role.TENANT_ADMIN: N_("Tenant admin"),
    Role.AUDITOR: N_("Auditor"),
}

ROLE_PURPOSES: dict[Role, str] = {
    Role.ENTREPRENEUR: N_("Finds mentors, meets them and answers the impact surveys."),
    Role.MENTOR: N_("Accepts mentees, meets them and logs the sessions held."),
    Role.PROGRAMME_ADMIN: N_("Runs the programme: members, relationships, moderation, "
                             "matching and the impact dashboard."),
    Role.TENANT_ADMIN: N_("The brand, domains, language, programme rules and members' roles."),
    Role.AUDITOR: N_("Reads everything, changes nothing: replays and verifies the history."),
}
