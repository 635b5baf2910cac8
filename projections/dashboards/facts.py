"""The facts a dashboard is built from, read from the fact tables for any mix of filters.

Counts, sums and shares are `GROUP BY` month in portable SQL (SQLite 3.40 and PostgreSQL 15);
the values whose medians and spans the answer needs (see `queries`) are fetched as they are.

Filters: `country`, `industry` and `programme` describe the entrepreneur's business, so they
narrow requests, relationships, meetings and surveys to those of matching entrepreneurs;
`employer` describes the mentor, so it narrows them to those with a mentor of that employer
(never-mentored entrepreneurs have none). In member counts each filter applies to the member's
own profile: an entrepreneur's business, or a mentor's country, industries, employer and
programme; staff have no profile, so any of these filters leaves them out. Dimensions are the
members' current ones. The date range (`from`, `to`, months inclusive) applies to each fact's
own month: joined, sent, started or completed, meeting start, survey answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from projections.dashboards.filters import Filters
from projections.dashboards.projection import (
    MEETINGS,
    MEMBERS,
    RELATIONSHIPS,
    ROLE_COLUMNS,
    SURVEY_RESPONSES,
)
from projections.store import ReadModelStore
from services.accounts.domain import Role

__all__ = ["Facts", "Records"]

Records = list[tuple[Any, ...]]


class _Scope:
    """Joins and conditions narrowing one fact table (alias `f`) to the filters: `e` is the
    entrepreneur's member row, `t` the mentor's."""

    def __init__(
        self, filters: Filters, *, mentee: str, mentor: str, month: str | None,
        join_mentor: bool = False,
    ) -> None:
        joins: list[str] = []
        conditions: list[str] = []
        params: list[Any] = []
        if filters.describes_business:
            joins.append("JOIN {m} e ON e.member_id = f." + mentee)
            for column, value in (("country", filters.country), ("industry", filters.industry),
                                  ("programme", filters.programme)):
                if value is not None:
                    conditions.append(f"e.{column} = %s")
                    params.append(value)
        if filters.employer is not None or join_mentor:
            joins.append("JOIN {m} t ON t.member_id = f." + mentor)
            if filters.employer is not None:
                conditions.append("t.employer = %s")
                params.append(filters.employer)
        if month is not None:
            for bound, value in ((">=", filters.from_month), ("<=", filters.to_month)):
                if value is not None:
                    conditions.append(f"f.{month} {bound} %s")
                    params.append(value)
        self.joins, self.conditions, self.params = joins, conditions, params

    def select(
        self, store: ReadModelStore, table: str, columns: str, *, where: Sequence[str] = (),
        group_by: str = "",
    ) -> Records:
        conditions = [*self.conditions, *where] or ["1 = 1"]
        statement = (
            f"SELECT {columns} FROM {{f}} f {' '.join(self.joins)}"
            f" WHERE {' AND '.join(conditions)}"
            + (f" GROUP BY {group_by}" if group_by else "")
        )
        return store.select(statement, self.params, f=table, m=MEMBERS.name)


def _yes(column: str) -> str:
    return f"SUM(CASE WHEN {column} THEN 1 ELSE 0 END)"


@dataclass
class Facts:
    """The aggregates and values the dashboard is built from, as fetched."""

    joined: dict[Role, dict[str, int]]
    requests: Records
    answer_seconds: Records
    relationships: Records
    meetings: Records
    employer_months: Records
    employer_mentors: Records
    baselines: Records
    follow_ups: Records
    revenue_changes: Records

    @classmethod
    def empty(cls) -> Facts:
        return cls({}, [], [], [], [], [], [], [], [], [])

    @classmethod
    def read(cls, store: ReadModelStore, filters: Filters, *, corporate: bool) -> Facts:
        requests = _Scope(filters, mentee="mentee_id", mentor="mentor_id", month="sent_month")
        relationships = _Scope(filters, mentee="mentee_id", mentor="mentor_id", month=None)
        meetings = _Scope(filters, mentee="mentee_id", mentor="mentor_id", month="month")
        surveys = _Scope(filters, mentee="entrepreneur_id", mentor="mentor_id",
                         month="answered_month")
        follow_up = ["f.kind = 'follow_up'"]
        if filters.months_after is not None:
            follow_up.append(f"f.months_after = {int(filters.months_after)}")
        by_month_and_group = "f.answered_month, f.mentored"
        employers = _Scope(filters, mentee="mentee_id", mentor="mentor_id", month="month",
                           join_mentor=True)
        return cls(
            joined=_joined(store, filters),
            requests=requests.select(
                store, RELATIONSHIPS.name,
                "f.sent_month, COUNT(*), SUM(CASE WHEN f.outcome = 'accepted' THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN f.outcome IN ('accepted', 'declined', 'expired') THEN 1 ELSE 0"
                " END)", group_by="f.sent_month"),
            answer_seconds=requests.select(
                store, RELATIONSHIPS.name, "f.sent_month, f.answer_seconds",
                where=["f.answer_seconds IS NOT NULL"]),
            relationships=relationships.select(
                store, RELATIONSHIPS.name,
                "f.activated_month, f.closed_month, f.completed, f.status",
                where=["f.activated_month IS NOT NULL"]),
            meetings=meetings.select(
                store, MEETINGS.name,
                "f.month, SUM(CASE WHEN f.status = 'accepted' THEN 1 ELSE 0 END), "
                + _yes("f.confirmed")
                + ", SUM(CASE WHEN f.confirmed THEN f.logged_minutes ELSE 0 END)",
                group_by="f.month"),
            employer_months=employers.select(
                store, MEETINGS.name, "t.employer, f.month, COUNT(*), SUM(f.logged_minutes)",
                where=["f.confirmed"], group_by="t.employer, f.month") if corporate else [],
            employer_mentors=employers.select(
                store, MEETINGS.name, "t.employer, COUNT(DISTINCT f.mentor_id)",
                where=["f.confirmed"], group_by="t.employer") if corporate else [],
            baselines=surveys.select(
                store, SURVEY_RESPONSES.name, "f.answered_month, COUNT(*)",
                where=["f.kind = 'baseline'"], group_by="f.answered_month"),
            follow_ups=surveys.select(
                store, SURVEY_RESPONSES.name,
                "f.answered_month, f.mentored, COUNT(*), " + _yes("f.operating") + ", "
                + _yes("f.new_finance") + ", " + _yes("f.compared")
                + ", SUM(f.jobs_added), SUM(f.jobs_retained), "
                + _yes("f.confidence_change IS NOT NULL") + ", SUM(f.confidence_change), "
                + _yes("f.revenue_band_move IS NOT NULL") + ", "
                + _yes("f.revenue_band_move > 0") + ", " + _yes("f.revenue_band_move < 0"),
                where=follow_up, group_by=by_month_and_group),
            revenue_changes=surveys.select(
                store, SURVEY_RESPONSES.name,
                "f.answered_month, f.mentored, f.revenue_change_pct",
                where=[*follow_up, "f.revenue_change_pct IS NOT NULL"]),
        )

    def months(self) -> set[str]:
        found = {month for counts in self.joined.values() for month in counts}
        for records in (self.requests, self.meetings, self.baselines, self.follow_ups):
            found.update(record[0] for record in records)
        for activated, closed, *_ in self.relationships:
            found.add(activated)
            if closed is not None:
                found.add(closed)
        return found


def _joined(store: ReadModelStore, filters: Filters) -> dict[Role, dict[str, int]]:
    """Members holding each role now, by the month they joined (the member's own profile
    answers the filters; see the module docstring)."""
    joined: dict[Role, dict[str, int]] = {}
    for role, column in ROLE_COLUMNS.items():
        conditions = [f"f.{column}"]
        params: list[Any] = []
        if role is Role.ENTREPRENEUR:
            checks = [("f.country = %s", filters.country), ("f.industry = %s", filters.industry),
                      ("f.programme = %s", filters.programme)]
            possible = filters.employer is None
        elif role is Role.MENTOR:
            industry = None if filters.industry is None else f'%"{filters.industry}"%'
            checks = [("f.mentor_country = %s", filters.country),
                      ("f.mentor_industries LIKE %s", industry),
                      ("f.mentor_programme = %s", filters.programme),
                      ("f.employer = %s", filters.employer)]
            possible = True
        else:
            checks = []
            possible = not filters.describes_business and filters.employer is None
        if not possible:
            joined[role] = {}
            continue
        checks += [("f.joined_month >= %s", filters.from_month),
                   ("f.joined_month <= %s", filters.to_month)]
        for condition, value in checks:
            if value is not None:
                conditions.append(condition)
                params.append(value)
        records = store.select(
            "SELECT f.joined_month, COUNT(*) FROM {f} f WHERE " + " AND ".join(conditions)
            + " GROUP BY f.joined_month", params, f=MEMBERS.name)
        joined[role] = {month: count for month, count in records}
    return joined
