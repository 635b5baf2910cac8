"""The impact dashboard's charts, drawn on the server as SVG with pygal, and the same figures as
tables: one `Chart` describes both, so the picture and the table beside it never disagree.

A chart has x labels (months, or outcome names) and one or more lines of figures (value and n),
with a total per line where the figures are monthly. The SVG needs no script (`js=[]`): pygal's
tooltips are left out, and its styles live inside the SVG, which is served with its own
Content-Security-Policy. Every chart says the stream position its figures were computed at.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from projections.dashboards.export import value_text
from projections.dashboards.schemas import Comparison, Dashboard, Figure, Series, Value

__all__ = ["CHART_NAMES", "Cell", "Chart", "Line", "dashboard_charts", "render_csv", "render_svg"]

Gettext = Callable[[str], str]
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
Unit = Literal["count", "percent", "share", "hours", "mean"]


@dataclass(frozen=True)
class Cell:
    value: Value
    n: int


@dataclass(frozen=True)
class Line:
    title: str
    cells: list[Cell]
    total: Cell | None = None


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    kind: Literal["line", "bar"]
    unit: Unit
    labels: list[str]
    lines: list[Line]
    position: int
    by_month: bool = True
    """The labels are months (else outcome or employer names)."""

    @property
    def has_totals(self) -> bool:
        return any(line.total is not None for line in self.lines)

    def plotted(self, cell: Cell) -> float | None:
        """The value drawn: shares as percentages."""
        if cell.value is None:
            return None
        return float(cell.value) * 100 if self.unit == "share" else float(cell.value)


def _cell(figure: Figure) -> Cell:
    return Cell(figure.value, figure.n)


def _monthly(title: str, series: Series) -> Line:
    return Line(title, [Cell(month.value, month.n) for month in series.months],
                _cell(series.total))


def _compared(
    name: str, title: str, unit: Unit, outcomes: list[tuple[str, Comparison]],
    dashboard: Dashboard, _: Gettext,
) -> Chart:
    return Chart(
        name=name, title=title, kind="bar", unit=unit,
        labels=[label for label, _comparison in outcomes],
        lines=[
            Line(_("Mentored"), [_cell(c.mentored.total) for _label, c in outcomes]),
            Line(_("Not mentored"), [_cell(c.non_mentored.total) for _label, c in outcomes]),
        ],
        position=dashboard.position, by_month=False,
    )


def dashboard_charts(dashboard: Dashboard, _: Gettext) -> dict[str, Chart]:
    """Every chart of the dashboard, by name, in the order the page shows them."""
    months, position = dashboard.months, dashboard.position
    requests, relationships = dashboard.requests, dashboard.relationships
    meetings, outcomes = dashboard.meetings, dashboard.outcomes

    def monthly(name: str, title: str, kind: Literal["line", "bar"], unit: Unit,
                lines: list[Line]) -> Chart:
        return Chart(name, title, kind, unit, list(months), lines, position)

    charts = [
        monthly("members", _("Members who joined, by role"), "bar", "count", [
            _monthly(_role_name(entry.role, _), entry.members)
            for entry in dashboard.members.by_role
        ]),
        monthly("requests", _("Mentoring requests"), "line", "count", [
            _monthly(_("Sent"), requests.sent), _monthly(_("Accepted"), requests.accepted),
        ]),
        monthly("acceptance", _("Acceptance rate (%)"), "line", "share", [
            _monthly(_("Accepted of decided"), requests.acceptance_rate),
        ]),
        monthly("answer-time", _("Median hours to a first answer"), "line", "hours", [
            _monthly(_("Hours"), requests.median_hours_to_first_answer),
        ]),
        monthly("relationships", _("Relationships"), "line", "count", [
            _monthly(_("Started"), relationships.started),
            _monthly(_("Completed"), relationships.completed),
            _monthly(_("Active"), relationships.active),
        ]),
        monthly("meetings", _("Meetings and sessions"), "bar", "count", [
            _monthly(_("Meetings agreed"), meetings.meetings),
            _monthly(_("Sessions confirmed"), meetings.sessions),
        ]),
        monthly("session-hours", _("Session hours"), "bar", "hours", [
            _monthly(_("Hours"), meetings.session_hours),
        ]),
    ]
    if dashboard.volunteer_hours:
        charts.append(Chart(
            "volunteer-hours", _("Volunteer hours by employer"), "bar", "hours",
            [entry.employer or _("(not given)") for entry in dashboard.volunteer_hours],
            [Line(_("Hours"), [_cell(entry.hours.total) for entry in dashboard.volunteer_hours])],
            position, by_month=False,
        ))
    charts += [
        monthly("baselines", _("Baseline surveys answered"), "bar", "count", [
            _monthly(_("Baselines"), outcomes.baselines),
        ]),
        _compared("outcomes", _("Outcomes: mentored and not mentored (%)"), "percent", [
            (_("Median revenue change"), outcomes.revenue_change_percent),
            (_("Revenue band up"), _as_percent(outcomes.revenue_band_up)),
            (_("Revenue band down"), _as_percent(outcomes.revenue_band_down)),
            (_("Business still operating"), _as_percent(outcomes.business_survival)),
            (_("Obtained new finance"), _as_percent(outcomes.access_to_finance)),
        ], dashboard, _),
        _compared("jobs", _("Follow-ups and jobs: mentored and not mentored"), "count", [
            (_("Follow-up surveys"), outcomes.follow_ups),
            (_("Jobs added"), outcomes.jobs_added),
            (_("Jobs retained"), outcomes.jobs_retained),
        ], dashboard, _),
        _compared("confidence", _("Mean change of confidence (1 to 5)"), "mean", [
            (_("Confidence change"), outcomes.confidence_change),
        ], dashboard, _),
    ]
    return {chart.name: chart for chart in charts}


CHART_NAMES = (
    "members", "requests", "acceptance", "answer-time", "relationships", "meetings",
    "session-hours", "volunteer-hours", "baselines", "outcomes", "jobs", "confidence",
)


def _as_percent(comparison: Comparison) -> Comparison:
    """A comparison of shares (0-1) as percentages, to sit beside the revenue change in %."""

    def scaled(series: Series) -> Series:
        def figure(value: Value) -> Value:
            return None if value is None else round(float(value) * 100, 1)

        return Series(
            total=Figure(value=figure(series.total.value), n=series.total.n),
            months=series.months,
        )

    return Comparison(mentored=scaled(comparison.mentored),
                      non_mentored=scaled(comparison.non_mentored))


def _role_name(role: str, _: Gettext) -> str:
    names = {
        "entrepreneur": _("Entrepreneurs"), "mentor": _("Mentors"),
        "programme_admin": _("Programme admins"), "tenant_admin": _("Tenant admins"),
        "auditor": _("Auditors"),
    }
    return names.get(role, role)


def render_svg(chart: Chart, _: Gettext, *, primary: str = "#1f5f8b",
               accent: str = "#f2a541") -> str:
    """The chart as a stand-alone SVG document: no script, styles inside."""
    config = pygal.Config(
        js=[], disable_xml_declaration=False, show_legend=True, legend_at_bottom=True,
        width=800, height=360, x_label_rotation=30 if len(chart.labels) > 8 else 0,
        print_values=False, include_x_axis=True, truncate_legend=-1,
        no_data_text=_("No data"),
        style=Style(
            background="#ffffff", plot_background="#ffffff", foreground="#1b1f23",
            foreground_strong="#1b1f23", foreground_subtle="#57606a",
            colors=(primary, accent, "#1a7f37", "#8250df", "#b42318", "#57606a"),
            font_family="system-ui, sans-serif",
        ),
    )
    drawing = (pygal.Line if chart.kind == "line" else pygal.Bar)(config)
    drawing.title = "{} · {}".format(
        chart.title, _("stream position %(position)s") % {"position": chart.position})
    drawing.x_labels = chart.labels
    for line in chart.lines:
        drawing.add(line.title, [chart.plotted(cell) for cell in line.cells])
    svg: str = drawing.render(is_unicode=True)
    # pygal writes its tooltip configuration as a script even with js=[]: nothing runs it.
    return _SCRIPT.sub("", svg)


def render_csv(chart: Chart, _: Gettext) -> str:
    """The chart's table as CSV: one row per label, a value and its n per line, the whole
    period's totals last (spreadsheets open it as the page's table reads)."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([_("Month") if chart.by_month else _("Figure"),
                     *(heading for line in chart.lines for heading in (line.title, "n"))])
    for row, label in enumerate(chart.labels):
        writer.writerow([label, *(item for line in chart.lines
                                  for item in _csv_cells(line.cells[row]))])
    if chart.has_totals:
        writer.writerow([_("Whole period"), *(item for line in chart.lines
                                              for item in _csv_cells(line.total))])
    return output.getvalue()


def _csv_cells(cell: Cell | None) -> tuple[str, str]:
    if cell is None:
        return "", ""
    return value_text(cell.value), str(cell.n)
