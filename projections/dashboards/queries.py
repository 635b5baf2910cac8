"""The impact dashboard, computed at read time from the fact tables for any mix of filters.

Counts, sums and shares are `GROUP BY` month in portable SQL (SQLite 3.40 and PostgreSQL 15);
medians and the relationships active in each month are computed here from the fetched values,
which neither dialect offers portably. Totals are computed from the records, never from the
monthly figures (a rate over a year is not the mean of twelve monthly rates).

Filters: `country`, `industry` and `programme` describe the entrepreneur's business, so they
narrow requests, relationships, meetings and surveys to those of matching entrepreneurs;
`employer` describes the mentor, so it narrows them to those with a mentor of that employer
(never-mentored entrepreneurs have none). In member counts each filter applies to the member's
own profile: an entrepreneur's business, or a mentor's country, industries, employer and
programme; staff have no profile, so any of these filters leaves them out. Dimensions are the
members' current ones. The date range (`from`, `to`, months inclusive) applies to each fact's
own month: joined, sent, started or completed, meeting start, survey answered.

All figures of one answer come from one state of the read model: the position is read before
and after the queries, and the queries run again if a batch was committed in between.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.dashboards.projection import (
    DASHBOARDS,
    MEETINGS,
    MEMBERS,
    RELATIONSHIPS,
    ROLE_COLUMNS,
    SURVEY_RESPONSES,
)
from projections.dashboards.schemas import (
    Comparison,
    Dashboard,
    EmployerHours,
    Figure,
    FiltersView,
    MeetingsSection,
    MembersSection,
    MonthFigure,
    OutcomesSection,
    RelationshipsSection,
    RequestsSection,
    RoleMembers,
    Series,
    Value,
)
from projections.reading import NotCaughtUpError, ReadModel
from projections.store import ReadModelStore
from services import taxonomy
from services.accounts.domain import Role
from services.errors import InvalidInputError
from services.programme.domain import FOLLOW_UP_MONTHS_MAX

__all__ = ["EMPLOYER_MAX", "MONTHS_MAX", "Filters", "read_dashboard"]

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
MONTHS_MAX = 240
"""The longest date range one answer covers (twenty years of monthly figures)."""
EMPLOYER_MAX = 120
_ATTEMPTS = 5

Records = list[tuple[Any, ...]]


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; `checked` refuses bad values naming the parameter."""

    country: str | None = None
    industry: str | None = None
    programme: str | None = None
    employer: str | None = None
    from_month: str | None = None
    to_month: str | None = None
    months_after: int | None = None

    @classmethod
    def checked(
        cls, *, programmes: Collection[str], country: str | None = None,
        industry: str | None = None, programme: str | None = None, employer: str | None = None,
        from_month: str | None = None, to_month: str | None = None,
        months_after: int | None = None,
    ) -> Filters:
        if country is not None:
            taxonomy.check_country(country, "country")
        if industry is not None:
            taxonomy.check_industry(industry, "industry")
        if programme is not None and programme not in programmes:
            if not programmes:
                raise InvalidInputError(
                    "'%(programme)s' is not one of this tenant's programmes (none are defined)",
                    field="programme", values={"programme": programme},
                )
            raise InvalidInputError(
                "'%(programme)s' is not one of this tenant's programmes (%(known)s)",
                field="programme",
                values={"programme": programme, "known": ", ".join(programmes)},
            )
        if employer is not None:
            employer = employer.strip()
            if not 1 <= len(employer) <= EMPLOYER_MAX:
                raise InvalidInputError("must be 1 to %(most)s characters",
                                        field="employer", values={"most": EMPLOYER_MAX})
        for field, month in (("from", from_month), ("to", to_month)):
            if month is not None and not _MONTH.match(month):
                raise InvalidInputError("'%(month)s' is not a month: YYYY-MM", field=field,
                                        values={"month": month})
        if from_month is not None and to_month is not None:
            if to_month < from_month:
                raise InvalidInputError("must not be before from", field="to")
            if _index(to_month) - _index(from_month) >= MONTHS_MAX:
                raise InvalidInputError("at most %(most)s months from from", field="to",
                                        values={"most": MONTHS_MAX})
        if months_after is not None and not 1 <= months_after <= FOLLOW_UP_MONTHS_MAX:
            raise InvalidInputError("must be from 1 to %(most)s", field="monthsAfter",
                                    values={"most": FOLLOW_UP_MONTHS_MAX})
        return cls(country, industry, programme, employer, from_month, to_month, months_after)

    @property
    def describes_business(self) -> bool:
        return any(v is not None for v in (self.country, self.industry, self.programme))

    def view(self) -> FiltersView:
        return FiltersView(
            country=self.country, industry=self.industry, programme=self.programme,
            employer=self.employer, from_month=self.from_month, to_month=self.to_month,
            months_after=self.months_after,
        )


def read_dashboard(model: ReadModel[Any], filters: Filters, *, corporate: bool) -> Dashboard:
    """The dashboard as of one position of the read model (see the module docstring)."""
    store = model.store
    for _ in range(_ATTEMPTS):
        before = store.state(DASHBOARDS.name)
        if before is None:  # never projected yet: nothing to count
            return _Dashboard(filters, corporate, _Facts.empty()).answer(0)
        facts = _Facts.read(store, filters, corporate=corporate)
        after = store.state(DASHBOARDS.name)
        if after is not None and (after.position, after.generation) == (
            before.position, before.generation
        ):
            return _Dashboard(filters, corporate, facts).answer(before.position)
    raise NotCaughtUpError(
        "the dashboards read model moved on during each of the reads; try again shortly"
    )


# Reading the facts ---------------------------------------------------------------------------


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
class _Facts:
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
    def empty(cls) -> _Facts:
        return cls({}, [], [], [], [], [], [], [], [], [])

    @classmethod
    def read(cls, store: ReadModelStore, filters: Filters, *, corporate: bool) -> _Facts:
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


# Building the answer -------------------------------------------------------------------------


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _ratio(numerator: float, denominator: int) -> Value:
    return numerator / denominator if denominator else None


class _Dashboard:
    def __init__(self, filters: Filters, corporate: bool, facts: _Facts) -> None:
        self.filters, self.corporate, self.facts = filters, corporate, facts
        self.months = self._months()

    def _months(self) -> list[str]:
        found = self.facts.months()
        first = self.filters.from_month or min(found, default=None)
        last = self.filters.to_month or max(found, default=None)
        if first is None or last is None:
            only = first or last
            return [only] if only else []
        if last < first:
            return []
        return [_month(i) for i in range(_index(first), _index(last) + 1)]

    def answer(self, position: int) -> Dashboard:
        return Dashboard(
            position=position, filters=self.filters.view(), corporate=self.corporate,
            months=self.months, members=self._members(), requests=self._requests(),
            relationships=self._relationships(), meetings=self._meetings(),
            volunteer_hours=self._volunteer_hours(), outcomes=self._outcomes(),
        )

    # Series -----------------------------------------------------------------------------------

    def _series(
        self, per_month: Mapping[str, tuple[Value, int]], total: tuple[Value, int],
        empty: Value,
    ) -> Series:
        months = [
            MonthFigure(month=m, value=per_month[m][0], n=per_month[m][1]) if m in per_month
            else MonthFigure(month=m, value=empty, n=0)
            for m in self.months
        ]
        return Series(total=Figure(value=total[0], n=total[1]), months=months)

    def _counts(self, counts: Mapping[str, int]) -> Series:
        kept = {m: c for m, c in counts.items() if self._within(m)}
        total = sum(kept.values())
        return self._series({m: (c, c) for m, c in kept.items()}, (total, total), 0)

    def _within(self, month: str) -> bool:
        return bool(self.months) and self.months[0] <= month <= self.months[-1]

    def _rates(self, parts: Mapping[str, tuple[float, int]], empty: Value = None) -> Series:
        """Per month (numerator, n) -> numerator / n; the total from the summed parts."""
        numerator = sum(p[0] for p in parts.values())
        n = sum(p[1] for p in parts.values())
        return self._series({m: (_ratio(a, b), b) for m, (a, b) in parts.items()},
                            (_ratio(numerator, n), n), empty)

    def _sums(self, parts: Mapping[str, tuple[float, int]], empty: Value = None) -> Series:
        """Per month (sum, n) -> the sum when n > 0."""
        total, n = sum(p[0] for p in parts.values()), sum(p[1] for p in parts.values())
        return self._series({m: (a if b else empty, b) for m, (a, b) in parts.items()},
                            (total if n else empty, n), empty)

    def _medians(self, values: Iterable[tuple[str, float]], scale: float = 1.0) -> Series:
        per_month: dict[str, list[float]] = defaultdict(list)
        everything: list[float] = []
        for month, value in values:
            per_month[month].append(value / scale)
            everything.append(value / scale)
        return self._series(
            {m: (statistics.median(v), len(v)) for m, v in per_month.items()},
            (statistics.median(everything) if everything else None, len(everything)), None,
        )

    # Sections ---------------------------------------------------------------------------------

    def _members(self) -> MembersSection:
        return MembersSection(by_role=[
            RoleMembers(role=str(role), members=self._counts(self.facts.joined.get(role, {})))
            for role in ROLE_COLUMNS
        ])

    def _requests(self) -> RequestsSection:
        records = self.facts.requests
        return RequestsSection(
            sent=self._counts({month: sent for month, sent, _, _ in records}),
            accepted=self._counts({month: int(accepted) for month, _, accepted, _ in records}),
            acceptance_rate=self._rates({
                month: (int(accepted), int(decided)) for month, _, accepted, decided in records
            }),
            median_hours_to_first_answer=self._medians(
                ((month, float(seconds)) for month, seconds in self.facts.answer_seconds),
                scale=3600.0,
            ),
        )

    def _relationships(self) -> RelationshipsSection:
        records = self.facts.relationships
        started: dict[str, int] = defaultdict(int)
        completed: dict[str, int] = defaultdict(int)
        for activated, closed, was_completed, _ in records:
            started[activated] += 1
            if closed is not None and was_completed:
                completed[closed] += 1
        active_now = sum(1 for *_, status in records if status in ("active", "paused"))
        return RelationshipsSection(
            started=self._counts(started), completed=self._counts(completed),
            active=self._active(records),
            active_now=Figure(value=active_now, n=active_now),
        )

    def _active(self, records: Records) -> Series:
        """Relationships active at some time in each month: +1 in the month one starts, -1
        after the month it closes, summed along the months."""
        if not self.months:
            return self._series({}, (0, 0), 0)
        first, last = _index(self.months[0]), _index(self.months[-1])
        changes = [0] * (last - first + 2)
        total = 0
        for activated, closed, _, _ in records:
            start = _index(activated)
            end = last if closed is None else _index(closed)
            if start > last or end < first:
                continue
            total += 1
            changes[max(start, first) - first] += 1
            changes[min(end, last) - first + 1] -= 1
        per_month: dict[str, tuple[Value, int]] = {}
        running = 0
        for offset, month in enumerate(self.months):
            running += changes[offset]
            per_month[month] = (running, running)
        return self._series(per_month, (total, total), 0)

    def _meetings(self) -> MeetingsSection:
        records = self.facts.meetings
        return MeetingsSection(
            meetings=self._counts({m: int(agreed) for m, agreed, _, _ in records}),
            sessions=self._counts({m: int(sessions) for m, _, sessions, _ in records}),
            session_hours=self._sums(
                {m: (int(minutes or 0) / 60, int(sessions)) for m, _, sessions, minutes in records},
                empty=0,
            ),
        )

    def _volunteer_hours(self) -> list[EmployerHours]:
        months: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
        for employer, month, sessions, minutes in self.facts.employer_months:
            months[employer or ""][month] = (int(minutes or 0) / 60, int(sessions))
        mentors = {employer or "": int(count) for employer, count in self.facts.employer_mentors}
        hours = [
            EmployerHours(employer=employer, mentors=mentors.get(employer, 0),
                          hours=self._sums(parts, empty=0))
            for employer, parts in months.items()
        ]
        return sorted(hours, key=lambda h: (-(h.hours.total.value or 0), h.employer))

    def _outcomes(self) -> OutcomesSection:
        groups: dict[bool, dict[str, tuple[Any, ...]]] = {True: {}, False: {}}
        for month, mentored, *figures in self.facts.follow_ups:
            groups[bool(mentored)][month] = tuple(int(v or 0) if i != 7 else float(v or 0)
                                                  for i, v in enumerate(figures))
        changes: dict[bool, list[tuple[str, float]]] = {True: [], False: []}
        for month, mentored, change in self.facts.revenue_changes:
            changes[bool(mentored)].append((month, float(change)))

        def compare(build: Callable[[bool], Series]) -> Comparison:
            return Comparison(mentored=build(True), non_mentored=build(False))

        def part(numerator: int, n: int) -> Callable[[bool], dict[str, tuple[float, int]]]:
            return lambda group: {m: (f[numerator], f[n]) for m, f in groups[group].items()}

        # Columns of a follow-up group: 0 responses, 1 operating, 2 new finance, 3 compared,
        # 4 jobs added, 5 jobs retained, 6 confidence answers, 7 confidence change sum,
        # 8 band answers, 9 band up, 10 band down.
        return OutcomesSection(
            baselines=self._counts({month: int(count) for month, count in self.facts.baselines}),
            follow_ups=compare(lambda g: self._counts({m: f[0] for m, f in groups[g].items()})),
            revenue_change_percent=compare(lambda g: self._medians(changes[g])),
            revenue_band_up=compare(lambda g: self._rates(part(9, 8)(g))),
            revenue_band_down=compare(lambda g: self._rates(part(10, 8)(g))),
            jobs_added=compare(lambda g: self._sums(part(4, 3)(g))),
            jobs_retained=compare(lambda g: self._sums(part(5, 3)(g))),
            business_survival=compare(lambda g: self._rates(part(1, 0)(g))),
            confidence_change=compare(lambda g: self._rates(part(7, 6)(g))),
            access_to_finance=compare(lambda g: self._rates(part(2, 0)(g))),
        )
