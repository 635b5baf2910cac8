"""How entrepreneurs' businesses are measured: self-assessments against the programme's
questionnaire, and impact surveys (a baseline, then follow-ups months later)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from bench.synthetic_journeys.people import Entrepreneur
from bench.synthetic_journeys.simulation import Simulation
from services.actor import Actor
from services.impact.domain import (
    ImpactSurveys,
    RevenueBand,
    SurveyAnswers,
    add_months,
    follow_up_dates,
)
from services.profiles.domain import AreaRating, SelfAssessmentHistory, derive_need_areas
from services.programme.default_questionnaire import DEFAULT_AREAS
from services.programme.domain import DEFAULT_QUESTIONNAIRE_VERSION


class AssessmentSteps(Simulation):
    def _self_assessment(self, entrepreneur: Entrepreneur) -> None:
        assert entrepreneur.profile is not None
        actor = self.member_actor(entrepreneur)
        history = entrepreneur.history or SelfAssessmentHistory(
            member_id=entrepreneur.id, actor=actor
        )
        entrepreneur.history = history
        ratings = [AreaRating(area=area.area, rating=self.rng.randint(1, 5))
                   for area in DEFAULT_AREAS]
        need_areas = derive_need_areas(ratings)
        notes = {"finance": "Cash runs out every March."} if self.chance(0.3) else {}
        history.submit(questionnaire_version=DEFAULT_QUESTIONNAIRE_VERSION, ratings=ratings,
                       notes=notes, need_areas=need_areas, at=self.now, actor=actor)
        entrepreneur.profile.assess_needs(
            need_areas=need_areas, questionnaire_version=DEFAULT_QUESTIONNAIRE_VERSION,
            actor=actor)
        self.record(history, entrepreneur.profile)

    def _answers(self, entrepreneur: Entrepreneur, growth: float) -> SurveyAnswers:
        entrepreneur.revenue = (entrepreneur.revenue * Decimal(str(growth))).quantize(
            Decimal(1))
        if self.chance(0.3):
            band = (RevenueBand.UNDER_1K if entrepreneur.revenue < 1_000
                    else RevenueBand.FROM_1K_TO_10K if entrepreneur.revenue < 10_000
                    else RevenueBand.FROM_10K_TO_50K if entrepreneur.revenue < 50_000
                    else RevenueBand.FROM_50K_TO_250K if entrepreneur.revenue < 250_000
                    else RevenueBand.OVER_250K)
            revenue: dict[str, Any] = {"revenue_band": band}
        else:
            revenue = {"revenue_amount": entrepreneur.revenue,
                       "revenue_currency": entrepreneur.place.currency}
        if growth > 1 and self.chance(0.3):
            entrepreneur.employees += 1
        return SurveyAnswers(
            business_operating=self.chance(0.96), **revenue,
            full_time_employees=entrepreneur.employees,
            part_time_employees=self.rng.randint(0, 3),
            confidence={area: self.rng.randint(1, 5)
                        for area in self.rng.sample(["finance", "marketing", "sales",
                                                     "strategy", "digital"], 3)},
            new_finance=self.chance(0.15 if growth <= 1 else 0.3),
        )

    def _surveys(self, entrepreneur: Entrepreneur, actor: Actor) -> ImpactSurveys:
        if entrepreneur.surveys is None:
            entrepreneur.surveys = ImpactSurveys(entrepreneur_id=entrepreneur.id, actor=actor)
        return entrepreneur.surveys

    def _baseline(self, entrepreneur: Entrepreneur) -> None:
        actor = self.member_actor(entrepreneur)
        surveys = self._surveys(entrepreneur, actor)
        surveys.answer_baseline(self._answers(entrepreneur, 1.0), "", self.now, actor)
        self.record(surveys)
        for months in self.settings.follow_up_months:  # counted from the baseline if unmentored
            if self.chance(0.45):
                self.at(add_months(self.now, months) + self.days(0, 21), self._follow_up,
                        entrepreneur, None, months)

    def _follow_up(
        self, entrepreneur: Entrepreneur, relationship_id: UUID | None, months: int
    ) -> None:
        surveys = entrepreneur.surveys
        baseline_at = surveys.baseline_at if surveys else None
        dates = follow_up_dates(baseline_at, entrepreneur.activations,
                                self.settings.follow_up_months)
        due = any(survey.months_after == months and survey.relationship_id == relationship_id
                  and survey.due_at is not None and survey.due_at <= self.now
                  for survey in dates)
        if not due or (surveys and (relationship_id, months) in surveys.answered()):
            return  # no longer on the schedule (a relationship started meanwhile)
        actor = self.member_actor(entrepreneur)
        surveys = self._surveys(entrepreneur, actor)
        growth = self.rng.uniform(0.95, 1.35) if relationship_id else self.rng.uniform(0.8, 1.15)
        comment = "Sales are up since we changed prices." if self.chance(0.2) else ""
        surveys.answer_follow_up(dates, months, relationship_id,
                                 self._answers(entrepreneur, growth), comment, self.now, actor)
        self.record(surveys)
