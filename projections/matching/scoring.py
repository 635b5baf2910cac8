"""How a pair is scored: one number in [0, 1] per criterion, then a weighted sum.

    total = sum(weight(c) * score(c) for each criterion c) - weight(openRequests) * exposure

The criteria (see `docs/read-models/matching.md` for the reasoning):
  language        1 if the two share a language (a hard filter unless the tenant turns it off)
  expertise       the share of the entrepreneur's self-assessed needs the mentor has expertise in
  industry        1 if the mentor lists the entrepreneur's industry
  country         1 if the mentor lives in the entrepreneur's country or has experience there
                  (diaspora ties)
  hours           weekly working-hours overlap across time zones, HOURS_ENOUGH hours or more = 1
  stage           how much of the mentor's mentoring was with businesses at this stage (an
                  adjacent stage counts half), with a neutral prior for new mentors
  capacity        the share of the mentor's places still free
  responsiveness  the share of requests answered (smoothed) and the speed of the answers
  openRequests    (penalty) requests waiting on the mentor per free place, at most 1: popular
                  mentors drop as requests pile up, so exposure spreads

This module holds the formulas that are computed per row (working-hours slots, responsiveness,
stage affinity) and the explanation of a match; `index` applies them to whole arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from services.matching.domain import CRITERIA, MatchingWeights

__all__ = [
    "EXPLAINED",
    "HOURS_ENOUGH",
    "SLOT_WORDS",
    "Explained",
    "explain",
    "responsiveness",
    "stage_affinity",
    "week_slots",
]

EXPLAINED = (*CRITERIA, "openRequests")
"""Every item of an explanation, in order; the last is the exposure penalty."""

HOURS_ENOUGH = 4.0
"""Hours of shared working time a week that make the hours criterion full: a mentoring
relationship meets an hour or two a week at most."""

SLOT_MINUTES = 30
_SLOTS_PER_WEEK = 7 * 24 * 60 // SLOT_MINUTES
_WORDS_PER_SEASON = math.ceil(_SLOTS_PER_WEEK / 64)
_SEASONS = (datetime(2025, 1, 15, 12, tzinfo=UTC), datetime(2025, 7, 15, 12, tzinfo=UTC))
"""Offsets are taken in mid-January and mid-July of a fixed year, and the overlap is averaged
over the two, so daylight-saving time counts for half the year and results never depend on the
day a query runs."""
SLOT_WORDS = _WORDS_PER_SEASON * len(_SEASONS)

ANSWER_RATE_PRIOR = (1.6, 2.0)
"""A mentor starts as if 1.6 of 2 requests had been answered: new mentors are neither
favoured nor buried, and a few answers soon outweigh the prior."""
ANSWER_SPEED_HALF_HOURS = 48.0
"""A median answer after 48 hours scores half for speed; an instant one scores 1."""
ANSWER_SPEED_SHARE = 0.4
"""Speed's share of responsiveness; answering at all is the rest."""
STAGE_PRIOR = 2.0
"""A mentor's stage affinity starts at 0.5 as if they had mentored two businesses."""


def _minutes(value: str) -> int:
    moment = time.fromisoformat(value)
    return moment.hour * 60 + moment.minute


@cache
def _offset_minutes(time_zone: str, season: datetime) -> int:
    try:
        offset = season.astimezone(ZoneInfo(time_zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds() // 60) if offset is not None else 0


@cache
def _slots(time_zone: str, start: str, end: str, weekdays: tuple[int, ...]) -> tuple[int, ...]:
    words: list[int] = []
    begin, finish = _minutes(start), _minutes(end)
    for season in _SEASONS:
        offset = _offset_minutes(time_zone, season)
        mask = 0
        for day in weekdays:
            first = round((day * 1440 + begin - offset) / SLOT_MINUTES)
            last = round((day * 1440 + finish - offset) / SLOT_MINUTES)
            for slot in range(first, last):
                mask |= 1 << (slot % _SLOTS_PER_WEEK)
        words += [(mask >> (64 * word)) & (2**64 - 1) for word in range(_WORDS_PER_SEASON)]
    return tuple(words)


def week_slots(time_zone: str, working_hours: Mapping[str, Any] | None) -> tuple[int, ...]:
    """The member's working week as half-hour UTC slots, one bitset per season, as
    SLOT_WORDS 64-bit words (all zero without working hours)."""
    if not working_hours or not time_zone:
        return (0,) * SLOT_WORDS
    return _slots(time_zone, str(working_hours["start"]), str(working_hours["end"]),
                  tuple(working_hours["weekdays"]))


def overlap_hours(shared_slots: int) -> float:
    """Weekly hours two members share, given the slots their bitsets share over both seasons."""
    return shared_slots * SLOT_MINUTES / 60 / len(_SEASONS)


def responsiveness(answered: int, expired: int, median_answer_hours: float | None) -> float:
    """A mentor's responsiveness in [0, 1]: the smoothed share of requests they answered
    rather than let expire, and how fast (the median of recent answers)."""
    prior_answered, prior_requests = ANSWER_RATE_PRIOR
    rate = (answered + prior_answered) / (answered + expired + prior_requests)
    speed = 0.5 if median_answer_hours is None else (
        ANSWER_SPEED_HALF_HOURS / (ANSWER_SPEED_HALF_HOURS + median_answer_hours))
    return (1 - ANSWER_SPEED_SHARE) * rate + ANSWER_SPEED_SHARE * speed


def stage_affinity(stage_counts: Sequence[int]) -> list[float]:
    """For each stage (in `STAGE_ORDER`), how much of the mentor's mentoring was at that stage,
    an adjacent stage counting half, smoothed towards 0.5."""
    total = sum(stage_counts)
    affinity = []
    for index, count in enumerate(stage_counts):
        near = sum(stage_counts[i] for i in (index - 1, index + 1) if 0 <= i < len(stage_counts))
        affinity.append((count + 0.5 * near + 0.5 * STAGE_PRIOR) / (total + STAGE_PRIOR))
    return affinity


class Explained(msgspec.Struct, frozen=True, kw_only=True):
    """One criterion of one match: its score in [0, 1] (to 4 decimals), its weight, and the
    points it gave (weight * score, to 6 decimals; negative for the open-request penalty).
    The points add up to the total."""

    criterion: str
    score: float
    weight: float
    points: float


def explain(scores: Mapping[str, float], weights: MatchingWeights) -> tuple[float, list[Explained]]:
    """The total and the explanation of one match from its criterion scores (those absent,
    such as a mentor's own capacity in a mentor's list, are not part of it)."""
    items = []
    total = 0.0
    for criterion in EXPLAINED:
        if criterion not in scores:
            continue
        score = float(scores[criterion])
        weight = weights.of(criterion)
        points = (-weight if criterion == "openRequests" else weight) * score
        total += points
        items.append(Explained(criterion=criterion, score=round(score, 4), weight=weight,
                               points=round(points, 6)))
    return round(total, 6), items
