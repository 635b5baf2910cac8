"""HTTP entry points of impact: the entrepreneur's due surveys, answering, their history."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from infra.web.tenant_api import application, refusals, roles
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.impact.application import Impact
from services.impact.schemas import (
    AnsweredSurvey,
    AnswerSurvey,
    DueSurveys,
    DueSurveyView,
    SurveyHistory,
    SurveyResponseView,
)
from services.mentoring.application import Mentoring

__all__ = ["ROUTES", "ImpactController"]


class ImpactController(Controller):
    path = "/api/v1"
    tags = ["impact"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "impact": application(Impact), "mentoring": application(Mentoring),
    }

    @get("/me/surveys/due", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
         summary="The impact surveys I should answer now", responses=refusals(401, 403))
    def due(
        self, impact: NamedDependency[Impact], mentoring: NamedDependency[Mentoring],
        caller: NamedDependency[Caller],
    ) -> DueSurveys:
        return DueSurveys(surveys=[
            DueSurveyView.of(survey) for survey in impact.due(caller, mentoring)
        ])

    @post("/surveys", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
          summary="Answer my baseline or a due follow-up survey",
          responses=refusals(400, 401, 403, 404, 409, 422))
    def answer(
        self, data: JSONBody[AnswerSurvey], impact: NamedDependency[Impact],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> AnsweredSurvey:
        response, position = impact.answer(
            entrepreneur=caller, kind=data.kind, months_after=data.months_after,
            relationship_id=data.relationship_id, answers=data.answers(),
            comment=(data.comment or "").strip(), actor=actor, mentoring=mentoring,
        )
        return AnsweredSurvey(response=SurveyResponseView.of(response), position=position)

    @get("/me/surveys", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
         summary="My survey answers, oldest first", responses=refusals(401, 403))
    def history(
        self, impact: NamedDependency[Impact], caller: NamedDependency[Caller]
    ) -> SurveyHistory:
        return SurveyHistory(responses=[
            SurveyResponseView.of(response) for response in impact.history(caller.member_id)
        ])


ROUTES: list[Any] = [ImpactController]
