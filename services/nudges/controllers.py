"""HTTP entry points of the nudges: the tenant admin lists them (with what followed) and
switches or rewords one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from infra.container import Ithaca
from infra.web.tenant_api import application, refusals, roles
from services.accounts.domain import Role
from services.actor import Actor
from services.nudge_settings.application import Nudges
from services.nudges.overview import nudges_overview
from services.nudges.schemas import ChangeNudge, NudgesView
from services.schemas import Written
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "NudgesController"]


class NudgesController(Controller):
    path = "/api/v1/nudges"
    tags = ["nudges"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"nudges": application(Nudges)}  # noqa: RUF012

    @get("/", opt=roles(Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Every nudge: on or off, its words per language, how many were sent and "
                 "how many were followed within a week by what it asked for",
         responses=refusals(401, 403))
    def list_nudges(
        self, nudges: NamedDependency[Nudges], ithaca: NamedDependency[Ithaca],
        tenant: NamedDependency[TenantRecord],
    ) -> NudgesView:
        return nudges_overview(ithaca, tenant, nudges)

    @put("/{key:str}", opt=roles(Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Switch a nudge on or off and/or set its words in some languages",
         responses=refusals(400, 401, 403, 404, 422))
    def change_nudge(
        self, key: FromPath[str], data: JSONBody[ChangeNudge], nudges: NamedDependency[Nudges],
        actor: NamedDependency[Actor],
    ) -> Written:
        words = None if data.words is None else {
            locale: given.to_domain() for locale, given in data.words.items()}
        return Written(position=nudges.change(key, actor, on=data.on, words=words,
                                              reason=data.reason))


ROUTES: list[Any] = [NudgesController]
