"""Wire shapes of the impact API: one Struct per operation, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from services.impact.domain import (
    DueSurvey,
    RevenueBand,
    SurveyAnswers,
    SurveyKind,
    SurveyResponse,
)
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "AnswerSurvey",
    "AnsweredSurvey",
    "DueSurveyView",
    "DueSurveys",
    "SurveyHistory",
    "SurveyResponseView",
]

Employees = Annotated[int, Meta(ge=0, le=100_000, examples=[3])]
# Ratings are checked by the domain, which names the area: "confidence.marketing".
Confidence = dict[Annotated[str, Meta(max_length=60)], int]


class AnswerSurvey(CamelBody):
    """A baseline or follow-up survey's answers. Revenue is an amount with its ISO 4217
    currency, or a yearly band in US-dollar equivalent: exactly one of the two."""

    kind: Annotated[SurveyKind, Meta(examples=["follow_up"])]
    months_after: Annotated[int, Meta(
        ge=1, le=120, description="For a follow-up: which one (months after the start)",
        examples=[3],
    )] | None = None
    relationship_id: Annotated[UUID, Meta(
        description="For a follow-up of a mentored entrepreneur: the relationship it counts "
        "from", examples=["5e0f3c2a-8d1b-4a6e-b2f7-1c9d0e4a7b35"],
    )] | None = None
    business_operating: Annotated[bool, Meta(examples=[True])]
    revenue_amount: Annotated[Decimal, Meta(
        description="Last 12 months' revenue, as a decimal string", examples=["125000.00"],
    )] | None = None
    revenue_currency: Annotated[str, Meta(
        pattern="^[A-Z]{3}$", examples=["KES"], description="ISO 4217 code of revenueAmount",
    )] | None = None
    revenue_band: Annotated[RevenueBand, Meta(
        examples=["10k-50k"], description="Yearly revenue in US-dollar equivalent",
    )] | None = None
    full_time_employees: Employees
    part_time_employees: Employees
    confidence: Annotated[Confidence, Meta(
        max_length=60, description="Confidence 1-5 per business area (expertise codes)",
        examples=[{"marketing": 4, "accounting": 2}],
    )]
    new_finance: Annotated[bool, Meta(
        description="Access to new finance since the last survey", examples=[False],
    )]
    comment: Annotated[str, Meta(
        max_length=2000, examples=["We opened a second stall at the market."],
    )] | None = None

    def answers(self) -> SurveyAnswers:
        return SurveyAnswers(
            business_operating=self.business_operating, revenue_amount=self.revenue_amount,
            revenue_currency=self.revenue_currency, revenue_band=self.revenue_band,
            full_time_employees=self.full_time_employees,
            part_time_employees=self.part_time_employees, confidence=dict(self.confidence),
            new_finance=self.new_finance,
        )


class SurveyResponseView(CamelStruct):
    kind: SurveyKind
    months_after: int | None
    relationship_id: UUID | None
    answered_at: datetime
    business_operating: bool
    revenue_amount: Decimal | None
    revenue_currency: str | None
    revenue_band: RevenueBand | None
    full_time_employees: int
    part_time_employees: int
    confidence: dict[str, int]
    new_finance: bool
    comment: str | None

    @classmethod
    def of(cls, response: SurveyResponse) -> SurveyResponseView:
        answers = response.answers
        return cls(
            kind=response.kind, months_after=response.months_after,
            relationship_id=response.relationship_id, answered_at=response.answered_at,
            business_operating=answers.business_operating,
            revenue_amount=answers.revenue_amount, revenue_currency=answers.revenue_currency,
            revenue_band=answers.revenue_band, full_time_employees=answers.full_time_employees,
            part_time_employees=answers.part_time_employees,
            confidence=dict(answers.confidence), new_finance=answers.new_finance,
            comment=response.comment or None,
        )


class AnsweredSurvey(CamelStruct):
    response: SurveyResponseView
    position: int


class SurveyHistory(CamelStruct):
    """The entrepreneur's answers, oldest first."""

    responses: list[SurveyResponseView]


class DueSurveyView(CamelStruct):
    kind: SurveyKind
    months_after: int | None
    relationship_id: UUID | None
    due_at: datetime | None
    """None for the baseline, due from onboarding."""

    @classmethod
    def of(cls, survey: DueSurvey) -> DueSurveyView:
        return cls(
            kind=survey.kind, months_after=survey.months_after,
            relationship_id=survey.relationship_id, due_at=survey.due_at,
        )


class DueSurveys(CamelStruct):
    surveys: list[DueSurveyView]
