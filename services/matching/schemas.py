"""Wire shapes of the matching weights API."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from services.audit_log.schemas import OptionalReason
from services.matching.domain import MatchingWeights
from services.schemas import CamelBody

__all__ = ["WeightsBody"]

_DEFAULTS = MatchingWeights()


def _weight(default: float, description: str) -> Meta:
    return Meta(examples=[default], description=f"{description}; 0 to 10, default {default:g}")


class WeightsBody(CamelBody, omit_defaults=True):
    """The weight of every match criterion (all of them; also what GET answers), and when
    changing them, optionally why (`reason`, shown in the audit trail; GET leaves it out)."""

    language: Annotated[float, _weight(_DEFAULTS.language, "A shared language")]
    expertise: Annotated[float, _weight(
        _DEFAULTS.expertise, "The mentor's expertise covers the entrepreneur's needs")]
    industry: Annotated[float, _weight(_DEFAULTS.industry, "The mentor knows the industry")]
    country: Annotated[float, _weight(
        _DEFAULTS.country, "The mentor lives in or knows the entrepreneur's country")]
    hours: Annotated[float, _weight(_DEFAULTS.hours, "Working hours overlap")]
    stage: Annotated[float, _weight(
        _DEFAULTS.stage, "The mentor has mentored businesses at this stage")]
    capacity: Annotated[float, _weight(_DEFAULTS.capacity, "Share of free places")]
    responsiveness: Annotated[float, _weight(
        _DEFAULTS.responsiveness, "Share of requests answered, and how fast")]
    open_requests: Annotated[float, _weight(
        _DEFAULTS.open_requests, "Penalty for requests waiting on the mentor, per free place")]
    reason: OptionalReason = ""

    def to_domain(self) -> MatchingWeights:
        weights = msgspec.structs.asdict(self)
        del weights["reason"]
        return MatchingWeights(**weights)

    @classmethod
    def of(cls, weights: MatchingWeights) -> WeightsBody:
        return cls(**msgspec.structs.asdict(weights))
