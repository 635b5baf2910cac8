"""Wire shapes of the impact dashboard: every figure with the number of records behind it.

A `Figure` is a value and its `n`: for a count the count itself, for a rate, a mean or a median
the records it was computed from (an empty `n` has no value: `null`, never a misleading 0). A
`Series` is a figure over the whole period and per calendar month (UTC, YYYY-MM), every month of
the answer listed. The answer's `position` is the stream position all figures were computed at.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from services.schemas import CamelStruct

__all__ = [
    "Comparison",
    "Dashboard",
    "EmployerHours",
    "Figure",
    "FiltersView",
    "MeetingsSection",
    "MembersSection",
    "MonthFigure",
    "OutcomesSection",
    "RelationshipsSection",
    "RequestsSection",
    "RoleMembers",
    "Series",
    "Value",
]

Value = float | None
"""A count, a rate, a mean or a median: one JSON number (a count is written without a fraction)."""


class Figure(CamelStruct):
    value: Annotated[Value, Meta(description="null when n is 0 and the figure is not a count")]
    n: Annotated[int, Meta(description="How many records (responses, requests, sessions...) "
                                       "the value was computed from")]


class MonthFigure(CamelStruct):
    month: Annotated[str, Meta(examples=["2031-03"], description="YYYY-MM, UTC")]
    value: Value
    n: int


class Series(CamelStruct):
    total: Figure
    """Over the whole period (not the sum of monthly rates: computed from the records)."""
    months: list[MonthFigure]


class Comparison(CamelStruct):
    """One survey outcome for entrepreneurs who had been mentored when they answered, and for
    those who had not, side by side."""

    mentored: Series
    non_mentored: Series


class RoleMembers(CamelStruct):
    role: Annotated[str, Meta(examples=["mentor"])]
    members: Series
    """Members holding the role now; per month, those of them who joined that month."""


class MembersSection(CamelStruct):
    by_role: list[RoleMembers]


class RequestsSection(CamelStruct):
    sent: Series
    """Requests sent, by the month they were sent."""
    accepted: Series
    acceptance_rate: Series
    """Accepted ÷ decided (accepted, declined or expired unanswered); n = decided. Withdrawn
    and still open requests are left out."""
    median_hours_to_first_answer: Series
    """From sending to the mentor's accept or decline; n = answered requests."""


class RelationshipsSection(CamelStruct):
    started: Series
    completed: Series
    active: Series
    """Relationships active (started, not yet completed or ended; paused ones included) at some
    time in the period or month."""
    active_now: Figure
    """Active or paused at the answer's position, whatever the date range."""


class MeetingsSection(CamelStruct):
    meetings: Series
    """Meetings agreed (accepted), by the month they start in."""
    sessions: Series
    """Sessions whose log the other member confirmed, by the month the meeting started."""
    session_hours: Series
    """Confirmed session minutes ÷ 60; n = confirmed sessions."""


class EmployerHours(CamelStruct):
    employer: Annotated[str, Meta(examples=["Acme Bank"], description="\"\" when not given")]
    mentors: int
    """Mentors of this employer with at least one confirmed session in the period."""
    hours: Series


class OutcomesSection(CamelStruct):
    """Follow-up surveys against the same entrepreneur's baseline, by the month answered."""

    baselines: Series
    follow_ups: Comparison
    revenue_change_percent: Comparison
    """Median % change of revenue amounts given in the same currency at baseline and
    follow-up; n = such pairs."""
    revenue_band_up: Comparison
    """Share of band-to-band answers whose band moved up; n = such pairs."""
    revenue_band_down: Comparison
    jobs_added: Comparison
    """Sum of headcount (full + part time) above the baseline; n = follow-ups with a baseline."""
    jobs_retained: Comparison
    """Sum of the baseline headcount still there."""
    business_survival: Comparison
    """Share of follow-ups whose business still operates; n = follow-ups."""
    confidence_change: Comparison
    """Mean change of confidence (1-5) over the areas rated in both answers."""
    access_to_finance: Comparison
    """Share of follow-ups that obtained new finance since the last survey."""


class FiltersView(CamelStruct):
    country: str | None
    industry: str | None
    programme: str | None
    employer: str | None
    from_month: Annotated[str | None, Meta(examples=["2031-01"])] = msgspec.field(name="from")
    to_month: Annotated[str | None, Meta(examples=["2031-12"])] = msgspec.field(name="to")
    months_after: int | None


class Dashboard(CamelStruct):
    position: Annotated[int, Meta(description=(
        "The stream position every figure was computed at: replaying the tenant's stream up "
        "to it reproduces them"))]
    filters: FiltersView
    corporate: bool
    months: list[str]
    members: MembersSection
    requests: RequestsSection
    relationships: RelationshipsSection
    meetings: MeetingsSection
    volunteer_hours: list[EmployerHours]
    """Per employer, most hours first (corporate programmes; empty elsewhere)."""
    outcomes: OutcomesSection
