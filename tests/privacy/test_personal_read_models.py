"""Read models say which of their columns keep personal data, and erasure follows what they say.

A feature declares its read models; a table declares its personal columns and whose they are
(`Column(personal=...)`, `Table(subject=...)`). Nothing else lists them: a read model added in a
test of its own, with a personal column, is purged by erasure like the shipped ones. A read model
sees personal fields only when it asks for them (`reads_personal_data`; the others decode as
None), so one that asks and declares no personal column keeps personal data nobody would erase:
`undeclared_personal_data` names it, and the shipped features have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from infra.bootstrap import bootstrap
from infra.clock import SettableClock
from infra.erasure import erase_member, personal_tables
from infra.feature import Feature
from infra.features import FEATURES
from infra.settings import Settings
from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.reading import open_read_model
from projections.replay.directory import DIRECTORY
from projections.runtime import catch_up_tenant
from projections.tables import Column, ColumnType, Table
from services.accounts.application import Accounts
from services.accounts.domain import Member, Role
from services.actor import Actor
from services.personal_data import Personal
from services.privacy.domain import ErasureGround, RequestedBy
from tests.privacy.storage_search import found_in_storage
from tests.tenant_api import PASSWORD

CLI = Actor(kind="cli", id="test")
NAME = "Quillonbrack Featherstone"

GREETINGS = Table(
    "throwaway_greetings",
    (
        Column("member_id", ColumnType.UUID),
        Column("greeting", ColumnType.TEXT, personal=Personal(erased="")),
        Column("locale", ColumnType.TEXT),
    ),
    key=("member_id",),
    subject="member_id",
)


class Greetings(Projection):
    """A read model no shipped code knows: a greeting with each new member's name."""

    name = "throwaway_greetings"
    tables = (GREETINGS,)
    event_classes = (Member.SignedUp,)
    reads_personal_data = frozenset({"name"})

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        for projected in events:
            event: Any = projected.event
            rows.put(GREETINGS, {"member_id": event.originator_id,
                                 "greeting": f"Welcome, {event.name}!", "locale": event.locale})


class Forgetful(Projection):
    """Reads the name and declares nothing: what the checks must refuse."""

    name = "throwaway_forgetful"
    tables = (Table("throwaway_forgetful", (Column("member_id", ColumnType.UUID),
                                            Column("name", ColumnType.TEXT)),
                    key=("member_id",)),)
    event_classes = (Member.SignedUp,)
    reads_personal_data = True

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        raise NotImplementedError


def undeclared_personal_data(projections: Iterable[Projection]) -> list[str]:
    """The read models that open personal fields yet declare no column that keeps them."""
    return [
        projection.name for projection in projections
        if projection.reads_personal_data
        and not any(table.personal_columns for table in projection.tables)
    ]


def test_every_read_model_that_reads_personal_data_declares_where_it_keeps_it() -> None:
    shipped = [projection for feature in FEATURES for projection in feature.projections]
    assert undeclared_personal_data([*shipped, DIRECTORY]) == []
    assert undeclared_personal_data([*shipped, Forgetful()]) == ["throwaway_forgetful"]


def test_erasure_purges_a_read_model_that_only_its_own_feature_declares(
    settings: Settings,
) -> None:
    throwaway = Feature(name="greetings", projections=(Greetings(),))
    ithaca = bootstrap(settings, SettableClock(), features=(*FEATURES, throwaway))
    try:
        assert GREETINGS.name in personal_tables(ithaca)
        ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=CLI)
        tenant = ithaca.tenant("acme")
        accounts = ithaca.tenant_application(tenant, Accounts)
        quillon, _ = accounts.create_member(
            email="quillon@example.org", name=NAME, password=PASSWORD,
            roles=[Role.ENTREPRENEUR], locale="fr", actor=CLI)
        other, _ = accounts.create_member(
            email="oriel@example.org", name="Oriel Vantablue", password=PASSWORD,
            roles=[Role.MENTOR], locale="es", actor=CLI)
        catch_up_tenant(ithaca, tenant)
        store = open_read_model(ithaca, tenant, Greetings()).store
        greetings = {row["member_id"]: row for row in store.rows(GREETINGS)}
        assert greetings[quillon.id]["greeting"] == f"Welcome, {NAME}!"
        assert found_in_storage(settings, {"name": NAME}) != {}

        erase_member(ithaca, tenant, quillon.id, requested_by=RequestedBy.TENANT_ADMIN,
                     ground=ErasureGround.MEMBER_REQUEST, actor=CLI)

        greetings = {row["member_id"]: row for row in store.rows(GREETINGS)}
        assert greetings[quillon.id] == {"member_id": quillon.id, "greeting": "",
                                         "locale": "fr"}
        assert greetings[other.id]["greeting"] == "Welcome, Oriel Vantablue!"
        assert found_in_storage(settings, {"name": NAME}) == {}
    finally:
        ithaca.close()
