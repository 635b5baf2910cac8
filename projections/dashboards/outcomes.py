"""What a follow-up survey says against the same entrepreneur's baseline.

Impact is measured per entrepreneur, as the change between their baseline and each follow-up,
and only then summed or averaged across entrepreneurs; comparing averages of two different
groups of respondents would mix a change in who answered with a change in their businesses.
The outcome of a follow-up is computed when the projection sees both answers (whichever came
last) and stored with the follow-up, so the dashboard only aggregates.

- Revenue change: a percentage when both answers give an amount in the same currency and the
  baseline amount is above zero (no exchange rates: they would make the figure depend on the day
  it was read); a move between bands (-1, 0, +1) when both give a band; otherwise not comparable.
- Jobs: headcount is full-time plus part-time employees. Jobs added are the headcount above the
  baseline, jobs retained the baseline's headcount still there (never more than the follow-up's).
- Confidence change: the mean change over the business areas rated in both answers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from services.impact.domain import RevenueBand, SurveyAnswers

__all__ = ["Baseline", "FollowUpOutcome", "baseline_from_json", "baseline_of", "compare"]

_BANDS = list(RevenueBand)


class Baseline(msgspec.Struct, frozen=True, kw_only=True):
    """The figures of an entrepreneur's baseline that follow-ups are compared with (stored as
    JSON on the entrepreneur's member row; the amount as a decimal string, kept exact)."""

    revenue_amount: str | None
    revenue_currency: str | None
    revenue_band: str | None
    headcount: int
    confidence: dict[str, int]


class FollowUpOutcome(msgspec.Struct, frozen=True, kw_only=True):
    revenue_change_pct: float | None
    revenue_band_move: int | None
    jobs_added: int
    jobs_retained: int
    confidence_change: float | None


def baseline_of(answers: SurveyAnswers) -> Baseline:
    return Baseline(
        revenue_amount=None if answers.revenue_amount is None else str(answers.revenue_amount),
        revenue_currency=answers.revenue_currency,
        revenue_band=None if answers.revenue_band is None else str(answers.revenue_band),
        headcount=answers.full_time_employees + answers.part_time_employees,
        confidence=dict(answers.confidence),
    )


def compare(baseline: Baseline, follow_up: Baseline) -> FollowUpOutcome:
    """The follow-up's outcome against the baseline (both as `Baseline` figures)."""
    common = [area for area in follow_up.confidence if area in baseline.confidence]
    confidence_change = (
        sum(follow_up.confidence[a] - baseline.confidence[a] for a in common) / len(common)
        if common else None
    )
    return FollowUpOutcome(
        revenue_change_pct=_revenue_change_pct(baseline, follow_up),
        revenue_band_move=_band_move(baseline.revenue_band, follow_up.revenue_band),
        jobs_added=max(follow_up.headcount - baseline.headcount, 0),
        jobs_retained=min(follow_up.headcount, baseline.headcount),
        confidence_change=confidence_change,
    )


def _revenue_change_pct(baseline: Baseline, follow_up: Baseline) -> float | None:
    if (
        baseline.revenue_amount is None or follow_up.revenue_amount is None
        or baseline.revenue_currency != follow_up.revenue_currency
    ):
        return None
    before, after = Decimal(baseline.revenue_amount), Decimal(follow_up.revenue_amount)
    if before <= 0:
        return None
    return float((after - before) * 100 / before)


def _band_move(before: str | None, after: str | None) -> int | None:
    if before is None or after is None:
        return None
    step = _BANDS.index(RevenueBand(after)) - _BANDS.index(RevenueBand(before))
    return (step > 0) - (step < 0)


def baseline_from_json(stored: Any) -> Baseline:
    """A `Baseline` as stored in a JSON column (the store gives back plain dicts)."""
    return msgspec.convert(stored, Baseline)
