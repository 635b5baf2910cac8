"""HTTP entry points of the matching weights; the match lists are read from the `matching` read
model (`projections.matching.controllers`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from services.accounts.domain import Role
from services.actor import Actor
from services.matching.application import Matching
from services.matching.schemas import WeightsBody
from services.schemas import Written

__all__ = ["ROUTES", "MatchingWeightsController"]


class MatchingWeightsController(Controller):
    path = "/api/v1/matching"
    tags = ["matching"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"matching": application(Matching)}  # noqa: RUF012

    @get("/weights", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="How much each match criterion counts (defaults until an admin sets them)",
         responses=refusals(401))
    def get_weights(self, matching: NamedDependency[Matching]) -> WeightsBody:
        return WeightsBody.of(matching.get_weights())

    @put("/weights", opt=roles(Role.PROGRAMME_ADMIN, Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Change the matching weights (all of them)",
         responses=refusals(400, 401, 403, 422))
    def change_weights(
        self, data: JSONBody[WeightsBody], matching: NamedDependency[Matching],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=matching.change_weights(data.to_domain(), actor, data.reason))


ROUTES: list[Any] = [MatchingWeightsController]
