"""What a feature contributes to Ithaca, declared once in its own package (`<package>/feature.py`).

A feature is a bounded context, a read model or a part of the shell. Its declaration names
everything the process assembles from it: the tenant API's routes, the tenant pages, the `ithaca`
commands, the projections the worker runs, the work it derives from the stream (notifications,
reminders, expiries), the sections it
adds to a member's data download, and the stores outside the log that keep copies of members'
personal data. `infra.features.FEATURES` lists the features; the web app, the CLI, the worker,
the mailer, the data download and erasure take everything from there, so adding a feature is one
declaration and one line in that list.

A read model's personal data is declared on its tables (`projections.tables.Column(personal=...)`
and `Table(subject=...)`); erasure overwrites those columns for the erased member without the
read model doing anything. Anything else that copies personal data out of the log (the mail
outbox) declares a `PersonalStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

import click
from litestar.types import ControllerRouterHandler

from projections.engine import Projection
from services.member_data import MemberDataSection

if TYPE_CHECKING:
    from infra.container import Ithaca
    from infra.scheduling.work import DueWorkSource
    from tenants.directory import TenantRecord

__all__ = ["Command", "Feature", "PersonalStore"]


@dataclass(frozen=True)
class Command:
    """An `ithaca` command (or group); `under` names the group it belongs to (None: the root).
    A group may be declared by one feature and filled by others (`ithaca audit ...`)."""

    command: click.Command
    under: str | None = None


class PersonalStore(Protocol):
    """A store outside the log that keeps copies of members' personal data."""

    tables: tuple[str, ...]
    """Its tables in the tenant's storage, whose old row versions the storage purge removes
    after an erasure (none when it keeps its copies elsewhere)."""

    def forget(self, ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, now: datetime) -> int:
        """Removes or overwrites the erased member's personal data; answers how many copies
        (rows, replays) it changed."""


@dataclass(frozen=True)
class Feature:
    name: str
    api: Sequence[ControllerRouterHandler] = ()
    """Tenant-scoped JSON routes (mounted at the root and under `/t/{slug}`); each declares
    its roles."""
    pages: Sequence[ControllerRouterHandler] = ()
    """Tenant pages, mounted beside the API with the pages' guard, CSRF and headers."""
    commands: Sequence[Command] = ()
    projections: Sequence[Projection] = ()
    """Read models the worker keeps up to date; their tables declare their personal columns."""
    due_work: Sequence[DueWorkSource] = ()
    """Work derived from the stream exactly once and carried out when due: notifications,
    reminders, nudges, expiries (see `infra.scheduling.work`)."""
    personal_stores: Sequence[PersonalStore] = ()
    """Copies of personal data outside the log and outside read models."""
    member_data: Sequence[MemberDataSection] = ()
    """Sections of the member's data download: what it records about a person."""
