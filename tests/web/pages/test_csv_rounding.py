"""CSV exports round their figures: a spreadsheet reads 35.33 hours and a 0.3333 rate, never a
float's long tail (35.333333333333336); counts keep no fraction."""

from __future__ import annotations

import csv
import io

from infra.web.pages.charts import Cell, Chart, Line, render_csv
from projections.dashboards.export import value_text


def test_the_chart_csv_rounds_means_and_rates_and_writes_counts_whole() -> None:
    chart = Chart(
        name="session-hours", title="Session hours", kind="line", unit="hours",
        labels=["2031-01", "2031-02"], position=7,
        lines=[Line("Hours", [Cell(106 / 3, 3), Cell(None, 0)], Cell(35.0, 3)),
               Line("Rate", [Cell(1 / 3, 3), Cell(2 / 3, 3)], Cell(0.5, 6))],
    )
    rows = list(csv.reader(io.StringIO(render_csv(chart, lambda text: text))))
    assert rows[1] == ["2031-01", "35.33", "3", "0.3333", "3"]
    assert rows[2] == ["2031-02", "", "0", "0.6667", "3"]
    assert rows[3] == ["Whole period", "35", "3", "0.5", "6"]


def test_a_figure_is_rounded_once_for_every_export() -> None:
    assert [value_text(v) for v in (35.333333333333336, 1234567.891, 0.000049, 12.0, None)] == [
        "35.33", "1234567.89", "0", "12", ""]
