"""Wire shapes of point-in-time replays: what a replay is, its member directory and
relationships as of then, a member's match lists then, and two moments compared."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from projections.matching.schemas import EntrepreneurMatches, MentorMatches
from projections.timelines.schemas import RelationshipSummaryView
from services.schemas import CamelStruct

__all__ = [
    "ComparedFigure",
    "Comparison",
    "DirectoryMember",
    "ReplayBuilding",
    "ReplayList",
    "ReplayMatches",
    "ReplayMembers",
    "ReplayRelationships",
    "ReplayView",
]


class ReplayView(CamelStruct):
    """One replay: the read models as they were at `position`."""

    position: Annotated[int, Meta(description="The stream position the replay stops at")]
    as_of: Annotated[datetime | None, Meta(
        description="The time of the last event at or before the position")]
    built_at: datetime | None
    events: Annotated[int, Meta(description="Events applied over every replayed read model")]
    build_seconds: float
    size_bytes: int | None = None
    members: int = 0
    relationships: dict[str, int] = msgspec.field(default_factory=dict)
    """Relationships by their recorded status."""
    weights: dict[str, float] | None = None
    """The matching weights in force at the position (null: the defaults, never changed)."""
    language_filter: bool | None = None


class ReplayList(CamelStruct):
    head: Annotated[int, Meta(description="The tenant stream's position now")]
    replays: list[ReplayView]


class ReplayBuilding(CamelStruct):
    """The answer (202) while a replay is being built: ask again after Retry-After seconds."""

    position: int
    status: str = "building"
    done: int = 0
    total: int = 0
    eta_seconds: float | None = None


class DirectoryMember(CamelStruct):
    member_id: UUID
    name: Annotated[str, Meta(description="As signed up; \"[erased]\" once the person is erased")]
    roles: list[str]
    status: Annotated[str, Meta(examples=["active", "suspended"])]
    joined_at: datetime
    country: str | None
    """The entrepreneur's business country, else the mentor's own country."""


class ReplayMembers(CamelStruct):
    position: int
    as_of: datetime | None
    total: int
    members: list[DirectoryMember]


class ReplayRelationships(CamelStruct):
    position: int
    as_of: datetime | None
    relationships: list[RelationshipSummaryView]
    next_before: int | None


class ReplayMatches(CamelStruct):
    """A member's match lists as they were: as an entrepreneur (mentors for them) and as a
    mentor (entrepreneurs for them), whichever profiles they had then."""

    member_id: UUID
    position: int
    weights: dict[str, float] | None
    mentors: MentorMatches | None
    entrepreneurs: EntrepreneurMatches | None


class ComparedFigure(CamelStruct):
    section: str
    figure: str
    a: float | None
    b: float | None
    difference: float | None
    """b - a (null when either is null)."""


class Comparison(CamelStruct):
    a: ReplayView
    b: ReplayView
    figures: list[ComparedFigure]
