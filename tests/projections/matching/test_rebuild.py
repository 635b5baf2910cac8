"""A rebuilt matching read model is the same read model, and the lists follow it at once."""

from __future__ import annotations

from datetime import UTC, datetime

from infra.clock import SettableClock
from projections.matching.projection import MATCHING
from projections.reading import open_read_model
from projections.rebuild import rebuild
from tests.projections.matching.people import entrepreneur, ids, mentor, mentors_for, request
from tests.tenant_api import TenantApi


def test_a_rebuild_gives_identical_rows_and_the_same_lists(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant(acme.slug)
    ithaca_clock.set(datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
    ana = entrepreneur(acme, "Ana", needs=["finance", "marketing"])
    ben = mentor(acme, "Ben", expertise=["finance"])
    carla = mentor(acme, "Carla", expertise=["marketing", "finance"], capacity=2)
    bea = entrepreneur(acme, "Bea", needs=["finance"], stage="growing")
    relationship = request(acme, bea, carla)
    assert acme.post(f"/api/v1/relationships/{relationship}/accept", carla,
                     json={}).status_code == 200
    request(acme, entrepreneur(acme, "Cruz", needs=["finance"]), ben)
    acme.post("/api/v1/blocks", bea, json={"memberId": str(ben.id)})
    acme.project()
    before = mentors_for(acme, ana)
    model = open_read_model(ithaca, tenant, MATCHING)
    rows_before = {table.name: model.store.rows(table, order_by=", ".join(table.key))
                   for table in MATCHING.tables}

    rebuild(ithaca, tenant, MATCHING)

    rows_after = {table.name: model.store.rows(table, order_by=", ".join(table.key))
                  for table in MATCHING.tables}
    assert rows_after == rows_before
    assert mentors_for(acme, ana) == before
    assert ids(before) == [carla.id, ben.id]

    # After the reload the index keeps following the stream.
    request(acme, ana, carla)
    acme.project()
    assert ids(mentors_for(acme, ana)) == [ben.id]
