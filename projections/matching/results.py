"""What the match index answers: ranked matches, each explained, with the features shown beside
them, and the filters of a mentor search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from projections.matching.scoring import Explained

__all__ = ["EntrepreneurFeatures", "Match", "MentorFeatures", "Ranked", "SearchFilters"]


@dataclass(frozen=True)
class MentorFeatures:
    languages: list[str]
    country: str
    countries_of_experience: list[str]
    expertise: list[str]
    industries: list[str]
    remaining_capacity: int
    open_requests: int


@dataclass(frozen=True)
class EntrepreneurFeatures:
    languages: list[str]
    country: str
    industry: str
    stage: str
    need_areas: list[str]


@dataclass(frozen=True)
class Match:
    member_id: UUID
    score: float
    explanation: list[Explained]
    features: Any
    """`MentorFeatures` or `EntrepreneurFeatures`."""


@dataclass(frozen=True)
class Ranked:
    """A ranked list as of a stream position; `total` counts every candidate, not just those
    listed."""

    matches: list[Match]
    total: int
    position: int
    language_filter: bool


@dataclass(frozen=True)
class SearchFilters:
    language: str | None = None
    country: str | None = None
    expertise: str | None = None
    industry: str | None = None
    text: str = ""
