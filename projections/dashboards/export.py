"""The dashboard as CSV: one row per figure per month (and one for its whole period), each with
its `n` and the stream position it was computed at, so a spreadsheet keeps what the JSON says.

Columns: `section`, `figure` and `group` name the figure as the JSON does (`requests`,
`acceptanceRate`; the group is a role, an employer, `mentored` or `nonMentored`, or empty);
`month` is YYYY-MM or `total`; `value` is rounded (`value_text`) and empty where the JSON has
null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import msgspec

from projections.dashboards.schemas import (
    Comparison,
    Dashboard,
    EmployerHours,
    Figure,
    RoleMembers,
    Series,
    Value,
)

__all__ = ["CSV_COLUMNS", "TOTAL", "dashboard_csv", "dashboard_rows", "value_text"]

CSV_COLUMNS = ("section", "figure", "group", "month", "value", "n", "position")
TOTAL = "total"

Row = tuple[str, str, str, str, str, str, str]


def dashboard_csv(dashboard: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(dashboard_rows(dashboard))
    return out.getvalue()


def dashboard_rows(dashboard: Dashboard) -> Iterator[Row]:
    position = str(dashboard.position)

    def figure(section: str, name: str, group: str, month: str, value: Value, n: int) -> Row:
        return (section, name, group, month, value_text(value), str(n), position)

    def series(section: str, name: str, group: str, values: Series) -> Iterator[Row]:
        yield figure(section, name, group, TOTAL, values.total.value, values.total.n)
        for month in values.months:
            yield figure(section, name, group, month.month, month.value, month.n)

    for section_field in msgspec.structs.fields(Dashboard):
        section = section_field.encode_name
        content = getattr(dashboard, section_field.name)
        if section == "volunteerHours":
            employers: list[EmployerHours] = content
            for employer in employers:
                yield figure(section, "mentors", employer.employer, TOTAL, employer.mentors,
                             employer.mentors)
                yield from series(section, "hours", employer.employer, employer.hours)
            continue
        if not isinstance(content, msgspec.Struct) or section == "filters":
            continue
        for item in msgspec.structs.fields(content):
            name, value = item.encode_name, getattr(content, item.name)
            if isinstance(value, Series):
                yield from series(section, name, "", value)
            elif isinstance(value, Comparison):
                yield from series(section, name, "mentored", value.mentored)
                yield from series(section, name, "nonMentored", value.non_mentored)
            elif isinstance(value, Figure):
                yield figure(section, name, "", TOTAL, value.value, value.n)
            elif isinstance(value, list):
                roles: list[RoleMembers] = value
                for role in roles:
                    yield from series(section, name, role.role, role.members)


def value_text(value: Value) -> str:
    """A figure as a spreadsheet cell: a count without a fraction, a mean or median to two
    decimals, a rate (below 1) to four, never a float's long tail (`35.333333333333336`);
    empty where the JSON has null."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    places = 2 if abs(value) >= 1 else 4
    return f"{value:.{places}f}".rstrip("0").rstrip(".")
