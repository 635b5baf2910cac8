"""HTTP entry points of the programme: its settings and its self-assessment questionnaire."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import InvalidInputError
from services.programme.application import Programme
from services.programme.schemas import (
    ChangeProgrammeSettings,
    ProgrammeSettingsBody,
    QuestionnaireAreaView,
    QuestionnaireBody,
    QuestionnairePublished,
    QuestionnaireView,
)
from services.schemas import Written
from services.taxonomy import expertise_name
from tenants.domain import INTERFACE_LOCALES

__all__ = ["ROUTES", "ProgrammeController", "interface_locale"]


def interface_locale(requested: str | None, fallback: str) -> str:
    """The locale asked for in `?locale=`, else the fallback; 422 for one we don't speak."""
    if requested is None:
        return fallback if fallback in INTERFACE_LOCALES else "en"
    if requested not in INTERFACE_LOCALES:
        raise InvalidInputError(
            "'%(locale)s' is not an interface locale (%(locales)s)", field="locale",
            values={"locale": requested, "locales": ", ".join(INTERFACE_LOCALES)},
        )
    return requested


class ProgrammeController(Controller):
    path = "/api/v1/programme"
    tags = ["programme"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"programme": application(Programme)}  # noqa: RUF012

    @get("/settings", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="The programme's settings (defaults until a tenant admin sets them)",
         responses=refusals(401))
    def get_settings(self, programme: NamedDependency[Programme]) -> ProgrammeSettingsBody:
        return ProgrammeSettingsBody.of(programme.get_settings())

    @put("/settings", opt=roles(Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Change the programme's settings (all of them)",
         responses=refusals(400, 401, 403, 422))
    def change_settings(
        self, data: JSONBody[ChangeProgrammeSettings], programme: NamedDependency[Programme],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=programme.change_settings(data.to_domain(), actor, data.reason))

    @get("/questionnaire", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="The self-assessment questionnaire to answer now, in ?locale= or mine",
         responses=refusals(401, 422))
    def get_questionnaire(
        self, programme: NamedDependency[Programme], caller: NamedDependency[Caller],
        locale: FromQuery[str | None] = None,
    ) -> QuestionnaireView:
        chosen = interface_locale(locale, caller.locale)
        questionnaire = programme.get_questionnaire()
        return QuestionnaireView(
            version=questionnaire.version, locale=chosen,
            areas=[QuestionnaireAreaView(
                area=area.area, name=expertise_name(area.area, chosen),
                question=area.text(chosen),
            ) for area in questionnaire.areas],
        )

    @put("/questionnaire", opt=roles(Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Publish a new version of the self-assessment questionnaire",
         responses=refusals(400, 401, 403, 422))
    def publish_questionnaire(
        self, data: JSONBody[QuestionnaireBody], programme: NamedDependency[Programme],
        actor: NamedDependency[Actor],
    ) -> QuestionnairePublished:
        version, position = programme.publish_questionnaire(data.to_domain(), actor, data.reason)
        return QuestionnairePublished(version=version, position=position)


ROUTES: list[Any] = [ProgrammeController]
