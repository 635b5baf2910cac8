"""The impact dashboard, computed at read time from the facts (`facts`) for any filters.

Medians and the relationships active in each month are computed here from the fetched values,
which neither dialect offers portably. Totals are computed from the records, never from the
monthly figures (a rate over a year is not the mean of twelve monthly rates).

All figures of one answer come from one state of the read model: the position is read before
and after the queries, and the queries run again if a batch was committed in between.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from projections.dashboards.facts import Facts, Records
from projections.dashboards.filters import (
    EMPLOYER_MAX,
    MONTHS_MAX,
    Filters,
    month_at,
    month_index,
)
from projections.dashboards.projection import DASHBOARDS, ROLE_COLUMNS
from projections.dashboards.schemas import (
    Comparison,
    Dashboard,
    EmployerHours,
    Figure,
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

# The filters are named here too: the dashboard's callers ask for them with the dashboard.
__all__ = ["EMPLOYER_MAX", "MONTHS_MAX", "Filters", "read_dashboard"]

_ATTEMPTS = 5


def read_dashboard(model: ReadModel[Any], filters: Filters, *, corporate: bool) -> Dashboard:
    """The dashboard as of one position of the read model (see the module docstring)."""
    store = model.store
    for _ in range(_ATTEMPTS):
        before = store.state(DASHBOARDS.name)
        if before is None:  # never projected yet: nothing to count
            return _Dashboard(filters, corporate, Facts.empty()).answer(0)
        facts = Facts.read(store, filters, corporate=corporate)
        after = store.state(DASHBOARDS.name)
        if after is not None and (after.position, after.generation) == (
            before.position, before.generation
        ):
            return _Dashboard(filters, corporate, facts).answer(before.position)
    raise NotCaughtUpError(
        "the dashboards read model moved on during each of the reads; try again shortly"
    )


def _ratio(numerator: float, denominator: int) -> Value:
    return numerator / denominator if denominator else None


class _Dashboard:
    def __init__(self, filters: Filters, corporate: bool, facts: Facts) -> None:
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
        return [month_at(i) for i in range(month_index(first), month_index(last) + 1)]

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
        first, last = month_index(self.months[0]), month_index(self.months[-1])
        changes = [0] * (last - first + 2)
        total = 0
        for activated, closed, _, _ in records:
            start = month_index(activated)
            end = last if closed is None else month_index(closed)
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
