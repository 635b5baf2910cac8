"""The demo's impact surveys: each entrepreneur's baseline, and the follow-ups that come due
months after their mentoring starts (or after their baseline, when never mentored), answered
a few days late, with figures in which mentored businesses grow more, on average."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from infra.demo.data import Entrepreneur
from infra.demo.stage import Stage
from services.impact.domain import RevenueBand, SurveyAnswers, SurveyKind, add_months

__all__ = ["baseline_answers", "baseline_at", "plan_follow_ups", "plan_unmentored_follow_ups"]

_BANDS = list(RevenueBand)


def baseline_at(stage: Stage, e: Entrepreneur) -> datetime:
    return stage.day(e.joins + 1, 18)


def baseline_answers(e: Entrepreneur) -> SurveyAnswers:
    confidence = {area: 1 + len(e.name + area) % 2 for area in e.needs}
    revenue = e.revenue
    return SurveyAnswers(
        business_operating=True, full_time_employees=e.employees,
        part_time_employees=e.part_time_employees, confidence=confidence, new_finance=False,
        revenue_band=revenue.band, revenue_amount=revenue.amount,
        revenue_currency=revenue.currency or None,
    )


def _follow_up_answers(
    rng: random.Random, e: Entrepreneur, months: int, mentored: bool
) -> SurveyAnswers:
    """A follow-up's figures: mentored businesses grow more, on average, than others."""
    steps = months // 3
    baseline = baseline_answers(e)
    if mentored:
        growth = sum(rng.uniform(0.05, 0.22) for _ in range(steps))
        jobs = sum(rng.choice((0, 1, 1, 2)) for _ in range(steps))
        lift = steps
    else:
        growth = sum(rng.uniform(-0.12, 0.07) for _ in range(steps))
        jobs = rng.choice((-1, 0, 0, 0, 1))
        lift = rng.choice((0, 0, 1))
    operating = e.closed_by_follow_up is None or months < e.closed_by_follow_up
    band, amount = baseline.revenue_band, baseline.revenue_amount
    if band is not None:
        index = _BANDS.index(band)
        moved = (1 if months >= 6 or rng.random() < 0.4 else 0) if mentored else (
            -1 if rng.random() < 0.3 else 0)
        band = _BANDS[max(0, min(len(_BANDS) - 1, index + moved))]
    else:
        assert amount is not None
        amount = (amount * Decimal(str(round(1 + growth, 3)))).quantize(Decimal("1.00"))
        if not operating:
            amount = Decimal("0.00")
    finance_need = bool({"finance", "fundraising"} & set(e.needs))
    return SurveyAnswers(
        business_operating=operating,
        full_time_employees=max(0, e.employees + jobs) if operating else 0,
        part_time_employees=e.part_time_employees if operating else 0,
        confidence={area: min(5, rating + lift) for area, rating in baseline.confidence.items()},
        new_finance=mentored and ((finance_need and months >= 6) or rng.random() < 0.15),
        revenue_band=band, revenue_amount=amount, revenue_currency=baseline.revenue_currency,
    )


def plan_follow_ups(
    stage: Stage, e: Entrepreneur, since: datetime, relationship: str | None,
) -> None:
    """The entrepreneur answers each follow-up due before now a few days late."""
    for months in stage.story.programme.settings.follow_up_months:
        due = add_months(since, months)
        answered = due + timedelta(days=stage.rng.randint(1, 9), hours=stage.rng.randint(0, 6))
        if answered >= stage.now:
            continue
        answers = _follow_up_answers(stage.rng, e, months, mentored=relationship is not None)

        def answer(months: int = months, answers: SurveyAnswers = answers) -> None:
            stage.impact.answer(
                entrepreneur=stage.caller(e.key), kind=SurveyKind.FOLLOW_UP,
                months_after=months,
                relationship_id=stage.ids[relationship] if relationship else None,
                answers=answers, comment="", actor=stage.actor(e.key),
                mentoring=stage.mentoring,
            )

        stage.at(answered, answer)


def plan_unmentored_follow_ups(stage: Stage) -> None:
    mentored = {pairing.mentee for pairing in stage.story.pairings if pairing.started is not None}
    for e in stage.story.entrepreneurs:
        if e.key not in mentored:
            plan_follow_ups(stage, e, baseline_at(stage, e), None)
