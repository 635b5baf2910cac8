from collections.abc import Sequence
import pytest
from projections.engine import Projection, ProjectedEvent, BatchRows
from projections.tables import Table, Column, ColumnType
from projections.runtime import catch_up_tenant
from projections.reading import open_read_model
from services.accounts.domain import Member
from tests.tenant_api import TenantApi

COUNTS = Table("smoke_counts", (Column("topic", ColumnType.TEXT), Column("n", ColumnType.INT), Column("last", ColumnType.TIMESTAMP), Column("who", ColumnType.UUID, nullable=True), Column("extra", ColumnType.JSON)), key=("topic",), indexes=(("n",),))

class Smoke(Projection):
    name = "smoke"
    tables = (COUNTS,)
    event_classes = (Member.SignedUp, Member.EmailVerified)
    def apply(self, events, rows):
        rows.load(COUNTS, [(type(e.event).__name__,) for e in events])
        for e in events:
            k = type(e.event).__name__
            row = rows.get(COUNTS, k) or {"topic": k, "n": 0, "last": e.event.timestamp, "who": None, "extra": []}
            row = {**row, "n": row["n"] + 1, "last": e.event.timestamp, "who": e.event.originator_id, "extra": row["extra"] + [e.position]}
            rows.put(COUNTS, row)

def test_smoke(acme: TenantApi) -> None:
    for i in range(5):
        acme.member(f"M{i}", roles=["mentor"])
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant("acme")
    result = catch_up_tenant(ithaca, tenant, [Smoke()])
    print(result)
    model = open_read_model(ithaca, tenant, Smoke())
    rows = model.store.rows(COUNTS)
    print(rows, model.position)
    assert rows[0]["n"] == 5
    acme.member("X", roles=["mentor"])
    print(catch_up_tenant(ithaca, tenant, [Smoke()]))
    assert model.store.rows(COUNTS)[0]["n"] == 6
    assert model.store.select("SELECT n FROM {t} WHERE topic = %s", ["SignedUp"], t="smoke_counts") == [(6,)]
