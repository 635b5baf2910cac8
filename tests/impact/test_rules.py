"""The rules of impact surveys, told against the application alone: which survey is due when
(a baseline first, then follow-ups months after each relationship became active, or after the
baseline for those never mentored), what an answer must hold, and that each is answered once.

The story starts on Monday 3 March 2031; the programme's follow-ups are the default, 3 and 6
months after."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
import pytest

from services.accounts.application import Caller
from services.errors import ConflictError, InvalidInputError, NotFoundError
from services.impact.application import Impact
from services.impact.domain import RevenueBand, SurveyAnswers, SurveyKind, SurveyResponse
from services.mentoring.application import Mentoring
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules

ANSWERS = SurveyAnswers(
    business_operating=True, revenue_amount=Decimal("18000"), revenue_currency="EUR",
    full_time_employees=2, part_time_employees=1, confidence={"finance": 2, "marketing": 4},
    new_finance=False,
)


class Surveys:
    """Ana's surveys, answered through the impact application."""

    def __init__(self, tenant: EmbeddedTenant) -> None:
        self.tenant = tenant
        self.impact, self.mentoring = tenant.app(Impact), tenant.app(Mentoring)
        self.ana = tenant.entrepreneur("Ana")

    def due(self, who: Caller | None = None) -> list[tuple[SurveyKind, int | None, UUID | None]]:
        return [(survey.kind, survey.months_after, survey.relationship_id)
                for survey in self.impact.due(who or self.ana, self.mentoring)]

    def answer(
        self, kind: SurveyKind = SurveyKind.FOLLOW_UP, months_after: int | None = None,
        relationship_id: UUID | None = None, answers: SurveyAnswers = ANSWERS,
        who: Caller | None = None,
    ) -> SurveyResponse:
        entrepreneur = who or self.ana
        response, _ = self.impact.answer(
            entrepreneur=entrepreneur, kind=kind, months_after=months_after,
            relationship_id=relationship_id, answers=answers, comment="Busy quarter.",
            actor=entrepreneur.actor(), mentoring=self.mentoring,
        )
        return response


@pytest.fixture
def surveys(embedded_tenant: EmbeddedTenant) -> Surveys:
    return Surveys(embedded_tenant)


def test_the_baseline_comes_first_and_is_answered_once(surveys: Surveys) -> None:
    assert surveys.due() == [(SurveyKind.BASELINE, None, None)]
    response = surveys.answer(SurveyKind.BASELINE)
    assert (response.kind, response.answers) == (SurveyKind.BASELINE, ANSWERS)
    assert surveys.due() == []

    with pytest.raises(ConflictError) as again:
        surveys.answer(SurveyKind.BASELINE)
    assert again.value.field == "kind"
    assert "2031-03-03" in again.value.problem
    assert len(surveys.impact.history(surveys.ana.member_id)) == 1


def test_without_mentoring_the_follow_ups_count_from_the_baseline(
    embedded_tenant: EmbeddedTenant, surveys: Surveys,
) -> None:
    surveys.answer(SurveyKind.BASELINE)

    # Not yet due: the refusal says when it will be.
    with pytest.raises(ConflictError) as early:
        surveys.answer(months_after=3)
    assert early.value.field == "monthsAfter"
    assert "2031-06-03" in early.value.problem

    embedded_tenant.clock.set("2031-06-03T09:00:00+00:00")
    assert surveys.due() == [(SurveyKind.FOLLOW_UP, 3, None)]
    surveys.answer(months_after=3)
    assert surveys.due() == []
    with pytest.raises(ConflictError) as twice:
        surveys.answer(months_after=3)
    assert twice.value.field == "monthsAfter"

    # A follow-up the programme does not have is refused outright.
    with pytest.raises(InvalidInputError) as unknown:
        surveys.answer(months_after=4)
    assert unknown.value.field == "monthsAfter"
    assert "3, 6" in unknown.value.problem


def test_with_mentoring_each_relationship_has_its_own_follow_ups(
    embedded_tenant: EmbeddedTenant, surveys: Surveys,
) -> None:
    ben, carl = embedded_tenant.mentor("Ben"), embedded_tenant.mentor("Carl")
    surveys.answer(SurveyKind.BASELINE)
    with_ben = embedded_tenant.mentoring(surveys.ana, ben)  # active from 3 March
    embedded_tenant.clock.set("2031-04-15T09:00:00+00:00")
    with_carl = embedded_tenant.mentoring(surveys.ana, carl)  # active from 15 April

    embedded_tenant.clock.set("2031-09-03T10:00:00+00:00")
    assert surveys.due() == [
        (SurveyKind.FOLLOW_UP, 3, with_ben), (SurveyKind.FOLLOW_UP, 6, with_ben),
        (SurveyKind.FOLLOW_UP, 3, with_carl),
    ]

    # She says which relationship a follow-up is about, and it must be hers.
    with pytest.raises(InvalidInputError) as unnamed:
        surveys.answer(months_after=3)
    assert unnamed.value.field == "relationshipId"
    dora = embedded_tenant.entrepreneur("Dora")
    with_dora = embedded_tenant.mentoring(dora, carl)
    for someone_elses in (with_dora, uuid.uuid4()):
        with pytest.raises(NotFoundError) as refused:
            surveys.answer(months_after=3, relationship_id=someone_elses)
        assert refused.value.field == "relationshipId"

    surveys.answer(months_after=6, relationship_id=with_ben)
    assert surveys.due() == [(SurveyKind.FOLLOW_UP, 3, with_ben),
                             (SurveyKind.FOLLOW_UP, 3, with_carl)]
    with pytest.raises(ConflictError) as early:
        surveys.answer(months_after=6, relationship_id=with_carl)
    assert "2031-10-15" in early.value.problem


@pytest.mark.parametrize(("field", "changes"), [
    ("revenueBand", {"revenue_band": RevenueBand.UNDER_1K}),
    ("revenueAmount", {"revenue_amount": None, "revenue_currency": None}),
    ("revenueAmount", {"revenue_amount": Decimal(-1)}),
    ("revenueAmount", {"revenue_amount": Decimal("NaN")}),
    ("revenueCurrency", {"revenue_currency": None}),
    ("revenueCurrency", {"revenue_currency": "XAU"}),
    ("revenueCurrency", {"revenue_currency": "EURO"}),
    ("fullTimeEmployees", {"full_time_employees": -1}),
    ("partTimeEmployees", {"part_time_employees": 100_001}),
    ("confidence.astrology", {"confidence": {"astrology": 3}}),
    ("confidence.finance", {"confidence": {"finance": 6}}),
])
def test_an_answer_with_a_broken_figure_names_it(
    surveys: Surveys, field: str, changes: dict[str, Any],
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        surveys.answer(SurveyKind.BASELINE, answers=msgspec.structs.replace(ANSWERS, **changes))
    assert refused.value.field == field
    assert surveys.impact.history(surveys.ana.member_id) == []


def test_revenue_may_be_given_as_a_band_instead(surveys: Surveys) -> None:
    banded = msgspec.structs.replace(ANSWERS, revenue_amount=None, revenue_currency=None,
                                     revenue_band=RevenueBand.FROM_10K_TO_50K)
    assert surveys.answer(SurveyKind.BASELINE, answers=banded).answers.revenue_band == (
        RevenueBand.FROM_10K_TO_50K)


def test_a_baseline_names_no_follow_up_and_a_follow_up_names_its_month(
    surveys: Surveys,
) -> None:
    for kind, months_after, relationship_id, field in (
        (SurveyKind.BASELINE, 3, None, "monthsAfter"),
        (SurveyKind.BASELINE, None, uuid.uuid4(), "relationshipId"),
        (SurveyKind.FOLLOW_UP, None, None, "monthsAfter"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            surveys.answer(kind, months_after, relationship_id)
        assert refused.value.field == field
