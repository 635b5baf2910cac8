"""The replay tests' story: a programme with a change at a known moment.

Before the moment: Ana (entrepreneur, needs finance, industry I) and Eve (entrepreneur), Ben
(mentor: finance, industry C) and Dora (mentor: legal, industry I); Eve asks Ben, Ben accepts.
Ana's list then is Ben before Dora (expertise weighs 3, industry 1).
After it: the weights change (expertise 0.5, industry 4: Dora before Ben), Carla joins as a
mentor, Ana asks Dora, and Ben is suspended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from projections.replay.engine import stream_head
from services.actor import Actor
from tests.projections.matching.people import entrepreneur, mentor, read, request
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import Served
from tests.web.pages.conftest import TenantPages


@dataclass
class Story:
    acme: TenantApi
    ana: SignedInMember
    eve: SignedInMember
    ben: SignedInMember
    dora: SignedInMember
    carla: SignedInMember
    pat: SignedInMember
    auditor: SignedInMember
    moment: int
    """The stream position just before the change."""
    eves_relationship: str
    anas_relationship: str

    def get(self, path: str, member: SignedInMember | None = None, **params: Any) -> Any:
        response = self.acme.get(path, member or self.auditor, params=params)
        assert response.status_code == 200, response.text
        return response.json()


def tell(acme: TenantApi) -> Story:
    pat = acme.member("Pat", roles=["programme_admin"])
    auditor = acme.member("Aude", roles=["auditor"])
    ana = entrepreneur(acme, "Ana", needs=["finance"], industry="I")
    eve = entrepreneur(acme, "Eve", needs=["marketing"])
    ben = mentor(acme, "Ben", expertise=["finance"], industries=["C"])
    dora = mentor(acme, "Dora", expertise=["legal"], industries=["I"])
    eves = request(acme, eve, ben)
    accepted = acme.post(f"/api/v1/relationships/{eves}/accept", ben)
    assert accepted.status_code == 200, accepted.text
    ithaca = acme.served.ithaca
    moment = stream_head(ithaca, ithaca.tenant(acme.slug))

    weights = read(acme, "/api/v1/matching/weights", pat)
    changed = acme.put("/api/v1/matching/weights", pat,
                       json={**weights, "expertise": 0.5, "industry": 4})
    assert changed.status_code == 200, changed.text
    carla = mentor(acme, "Carla", expertise=["finance"], industries=["I"])
    anas = request(acme, ana, dora)
    suspended = acme.post(f"/api/v1/members/{ben.id}/suspend", pat,
                          json={"reason": "Reported twice by mentees"})
    assert suspended.status_code == 200, suspended.text
    acme.project()
    return Story(acme, ana, eve, ben, dora, carla, pat, auditor, moment, eves, anas)


@pytest.fixture
def story(acme: TenantApi) -> Story:
    return tell(acme)


@pytest.fixture
def acme_pages(served_app: Served) -> TenantPages:
    """Acme's pages, as `tests/web/pages` drives them."""
    served_app.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"),
        time_zone="Europe/Madrid",
    )
    return TenantPages(served_app, "acme")
