"""The impact dashboard over the JSON API: the figures of a known programme, narrowed by filters,
exported as CSV, read by programme staff and auditors only. The story is in `conftest.py`."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

from projections.dashboards.export import value_text
from projections.dashboards.projection import DASHBOARDS
from projections.engine import Projector
from projections.reading import open_read_model
from tests.projections.dashboards.conftest import PROGRAMME, Story
from tests.tenant_api import TenantApi

STORY = {"from": "2031-01", "to": "2031-06"}
REPLAY = "__replay"
MONTHS = ["2031-01", "2031-02", "2031-03", "2031-04", "2031-05", "2031-06"]


def total(series: dict[str, Any]) -> tuple[Any, int]:
    return series["total"]["value"], series["total"]["n"]


def monthly(series: dict[str, Any]) -> dict[str, tuple[Any, int]]:
    """The months with records behind them."""
    return {m["month"]: (m["value"], m["n"]) for m in series["months"] if m["n"]}


def both(comparison: dict[str, Any]) -> tuple[tuple[Any, int], tuple[Any, int]]:
    return total(comparison["mentored"]), total(comparison["nonMentored"])


def members(dashboard: dict[str, Any]) -> dict[str, int]:
    return {entry["role"]: entry["members"]["total"]["n"]
            for entry in dashboard["members"]["byRole"]}


def test_the_programme_admin_reads_the_figures_of_the_programme(story: Story) -> None:
    dashboard = story.dashboard(**STORY)

    # Every figure was computed at the position the stream is at now.
    assert dashboard["position"] == story.acme.accounts().position
    assert dashboard["months"] == MONTHS
    assert dashboard["corporate"] is True

    # Four requests in February: three accepted (after 2, 6 and 24 hours), one declined after
    # 48 hours. The median of 2, 6, 24 and 48 hours is 15.
    requests = dashboard["requests"]
    assert total(requests["sent"]) == (4, 4)
    assert total(requests["acceptanceRate"]) == (0.75, 4)
    assert total(requests["medianHoursToFirstAnswer"]) == (15.0, 4)
    assert monthly(requests["acceptanceRate"]) == {"2031-02": (0.75, 4)}
    assert [m["value"] for m in requests["sent"]["months"]] == [0, 4, 0, 0, 0, 0]
    assert requests["acceptanceRate"]["months"][0] == {"month": "2031-01", "value": None, "n": 0}

    # Three relationships started in February, active through June, when Ana's completed.
    relationships = dashboard["relationships"]
    assert monthly(relationships["started"]) == {"2031-02": (3, 3)}
    assert monthly(relationships["completed"]) == {"2031-06": (1, 1)}
    assert [m["value"] for m in relationships["active"]["months"]] == [0, 3, 3, 3, 3, 3]
    assert relationships["activeNow"] == {"value": 2, "n": 2}

    # Four meetings agreed; three sessions confirmed: 90 + 30 minutes in March, 45 in April.
    meetings = dashboard["meetings"]
    assert monthly(meetings["meetings"]) == {"2031-03": (2, 2), "2031-04": (2, 2)}
    assert monthly(meetings["sessions"]) == {"2031-03": (2, 2), "2031-04": (1, 1)}
    assert total(meetings["sessionHours"]) == (2.75, 3)
    assert monthly(meetings["sessionHours"]) == {"2031-03": (2.0, 2), "2031-04": (0.75, 1)}

    # Volunteer hours per employer (Ana's unconfirmed session does not count).
    assert [(e["employer"], e["mentors"], total(e["hours"]))
            for e in dashboard["volunteerHours"]] == [
        ("Acme Bank", 1, (2.0, 2)), ("Globex", 1, (0.75, 1)),
    ]

    outcomes = dashboard["outcomes"]
    assert total(outcomes["baselines"]) == (4, 4)
    assert both(outcomes["followUps"]) == ((3, 3), (1, 1))
    assert monthly(outcomes["followUps"]["mentored"]) == {"2031-05": (3, 3)}
    # Revenue: Ana +50 % (KES), Cai -20 % (MXN): median 15 %; Bea moved up a band; Dan +25 %.
    assert both(outcomes["revenueChangePercent"]) == ((15.0, 2), (25.0, 1))
    assert both(outcomes["revenueBandUp"]) == ((1.0, 1), (None, 0))
    assert both(outcomes["revenueBandDown"]) == ((0.0, 1), (None, 0))
    # Headcount 3 -> 5 (Ana), 1 -> 2 (Bea), 4 -> 2 (Cai); Dan 2 -> 2.
    assert both(outcomes["jobsAdded"]) == ((3, 3), (0, 1))
    assert both(outcomes["jobsRetained"]) == ((6, 3), (2, 1))
    assert both(outcomes["businessSurvival"]) == ((1.0, 3), (1.0, 1))
    # Confidence: Ana +1.5 (mean of +2 and +1), Bea +1, Cai +2; Dan -1.
    assert both(outcomes["confidenceChange"]) == ((1.5, 3), (-1.0, 1))
    assert both(outcomes["accessToFinance"]) == ((2 / 3, 3), (0.0, 1))


def test_members_are_counted_by_role_and_the_month_they_joined(story: Story) -> None:
    everyone = story.dashboard()
    assert members(everyone) == {
        "entrepreneur": 4, "mentor": 2, "programme_admin": 1, "tenant_admin": 1, "auditor": 0,
    }
    for entry in everyone["members"]["byRole"]:
        assert sum(m["value"] for m in entry["members"]["months"]) == entry["members"]["total"][
            "value"]
    # They all joined today, long before the story's 2031.
    assert members(story.dashboard(**STORY))["entrepreneur"] == 0


def test_filters_narrow_every_section(story: Story) -> None:
    # Kenya: Ana and Bea (and Noa, the mentor who lives there).
    kenya = story.dashboard(country="KE", **STORY)
    assert total(kenya["requests"]["sent"]) == (2, 2)
    assert total(kenya["requests"]["medianHoursToFirstAnswer"]) == (13.0, 2)
    assert both(kenya["outcomes"]["followUps"]) == ((2, 2), (0, 0))
    assert both(kenya["outcomes"]["revenueChangePercent"]) == ((50.0, 1), (None, 0))
    assert both(kenya["outcomes"]["jobsAdded"]) == ((3, 2), (None, 0))
    kenyans = members(story.dashboard(country="KE"))
    assert (kenyans["entrepreneur"], kenyans["mentor"], kenyans["programme_admin"]) == (2, 1, 0)

    # Manufacturing: Ana and Cai; Max knows the industry.
    manufacturing = story.dashboard(industry="C", **STORY)
    assert total(manufacturing["requests"]["medianHoursToFirstAnswer"]) == (4.0, 2)
    assert both(manufacturing["outcomes"]["revenueChangePercent"]) == ((15.0, 2), (None, 0))
    assert members(story.dashboard(industry="C"))["mentor"] == 1

    # The women-in-business programme: Ana only.
    track = story.dashboard(programme=PROGRAMME, **STORY)
    assert total(track["requests"]["sent"]) == (1, 1)
    assert [(e["employer"], total(e["hours"])) for e in track["volunteerHours"]] == [
        ("Acme Bank", (1.5, 1))
    ]
    assert members(story.dashboard(programme=PROGRAMME))["entrepreneur"] == 1

    # Acme Bank's mentors: Max's mentees Ana and Bea; nobody unmentored has a mentor.
    acme_bank = story.dashboard(employer="Acme Bank", **STORY)
    assert total(acme_bank["requests"]["sent"]) == (2, 2)
    assert [e["employer"] for e in acme_bank["volunteerHours"]] == ["Acme Bank"]
    assert both(acme_bank["outcomes"]["followUps"]) == ((2, 2), (0, 0))
    assert members(story.dashboard(employer="Acme Bank"))["mentor"] == 1

    # April and May only.
    spring = story.dashboard(**{"from": "2031-04", "to": "2031-05"})
    assert spring["months"] == ["2031-04", "2031-05"]
    assert total(spring["requests"]["sent"]) == (0, 0)
    assert total(spring["relationships"]["started"]) == (0, 0)
    assert total(spring["relationships"]["active"]) == (3, 3)
    assert total(spring["meetings"]["sessionHours"]) == (0.75, 1)
    assert both(spring["outcomes"]["followUps"]) == ((3, 3), (1, 1))

    # The six-month follow-ups have not come yet.
    later = story.dashboard(monthsAfter=6, **STORY)
    assert both(later["outcomes"]["followUps"]) == ((0, 0), (0, 0))
    assert both(later["outcomes"]["jobsAdded"]) == ((None, 0), (None, 0))


def test_the_csv_export_holds_the_same_figures_as_the_json(story: Story) -> None:
    story.acme.project()
    response = story.acme.get("/api/v1/dashboard.csv", story.pam,
                                  params={"country": "KE", **STORY})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["section", "figure", "group", "month", "value", "n", "position"]

    dashboard = story.dashboard(country="KE", **STORY)
    # The CSV rounds (a mean to two decimals, a rate to four); the JSON keeps every digit.
    expected = {key: (None if value is None else float(value_text(value)), n)
                for key, (value, n) in flatten(dashboard).items()}
    exported = {
        (row["section"], row["figure"], row["group"], row["month"]): (
            None if row["value"] == "" else float(row["value"]), int(row["n"]))
        for row in rows
    }
    assert exported == expected
    assert {row["position"] for row in rows} == {str(dashboard["position"])}
    assert exported[("requests", "acceptanceRate", "", "2031-02")] == (1.0, 2)
    assert exported[("outcomes", "jobsAdded", "mentored", "total")] == (3.0, 2)
    assert exported[("volunteerHours", "hours", "Acme Bank", "total")] == (2.0, 2)


def flatten(dashboard: dict[str, Any]) -> dict[tuple[str, str, str, str], tuple[Any, int]]:
    """The JSON's figures keyed as the CSV rows are: section, figure, group, month."""
    figures: dict[tuple[str, str, str, str], tuple[Any, int]] = {}

    def add(section: str, name: str, group: str, series: dict[str, Any]) -> None:
        value = series["total"]["value"]
        figures[(section, name, group, "total")] = (
            None if value is None else float(value), series["total"]["n"])
        for month in series["months"]:
            figures[(section, name, group, month["month"])] = (
                None if month["value"] is None else float(month["value"]), month["n"])

    for entry in dashboard["members"]["byRole"]:
        add("members", "byRole", entry["role"], entry["members"])
    for section in ("requests", "relationships", "meetings", "outcomes"):
        for name, content in dashboard[section].items():
            if "total" in content:
                add(section, name, "", content)
            elif "mentored" in content:
                add(section, name, "mentored", content["mentored"])
                add(section, name, "nonMentored", content["nonMentored"])
            else:
                figures[(section, name, "", "total")] = (float(content["value"]), content["n"])
    for employer in dashboard["volunteerHours"]:
        figures[("volunteerHours", "mentors", employer["employer"], "total")] = (
            float(employer["mentors"]), employer["mentors"])
        add("volunteerHours", "hours", employer["employer"], employer["hours"])
    return figures


def test_only_programme_staff_and_auditors_read_it(story: Story) -> None:
    acme = story.acme
    aude = acme.member("Aude", roles=["auditor"])
    tess = acme.member("Tess Two", roles=["tenant_admin"])
    acme.project()
    position = acme.accounts().position
    for reader in (story.pam, tess, aude):
        answer = acme.get("/api/v1/dashboard", reader, params={"after": position})
        assert answer.status_code == 200, answer.text
        assert answer.json()["position"] >= position
        assert acme.get("/api/v1/dashboard.csv", reader).status_code == 200
    for member in (story.ana, story.max):
        for path in ("/api/v1/dashboard", "/api/v1/dashboard.csv"):
            refused = acme.get(path, member)
            assert refused.status_code == 403
            assert refused.json()["error"]["field"] == "role"
    assert acme.get("/api/v1/dashboard").status_code == 401


BAD_FILTERS: list[tuple[dict[str, Any], str]] = [
    ({"country": "XX"}, "country"),
    ({"country": "ke"}, "country"),
    ({"industry": "Z"}, "industry"),
    ({"programme": "fintech"}, "programme"),
    ({"employer": " "}, "employer"),
    ({"from": "2031-13"}, "from"),
    ({"to": "May 2031"}, "to"),
    ({"from": "2031-05", "to": "2031-04"}, "to"),
    ({"monthsAfter": 0}, "monthsAfter"),
]


def test_bad_filters_are_refused_naming_the_parameter(acme: TenantApi) -> None:
    pam = acme.member("Pam", roles=["programme_admin"])
    for params, field in BAD_FILTERS:
        for path in ("/api/v1/dashboard", "/api/v1/dashboard.csv"):
            refused = acme.get(path, pam, params=params)
            assert refused.status_code == 422, (params, refused.text)
            assert refused.json()["error"]["field"] == field, params
    # Before anything is projected the answer is empty, not an error.
    assert acme.get("/api/v1/dashboard", pam).status_code == 200


def test_a_replay_one_event_at_a_time_writes_the_same_rows(story: Story) -> None:
    """Rows read back from the tables between batches must give what memory gave in one."""
    story.acme.project()
    ithaca = story.acme.served.ithaca
    model = open_read_model(ithaca, ithaca.tenant(story.acme.slug), DASHBOARDS)
    replay = Projector(model.stream, DASHBOARDS, batch_size=1, state_name="dashboards__replay",
                       suffix=REPLAY)
    replay.prepare()
    try:
        done = replay.catch_up()
        assert done.position == model.position
        for table in DASHBOARDS.tables:
            shadow = dataclasses.replace(table, name=table.name + REPLAY)
            key = ", ".join(table.key)
            live_rows = model.store.rows(table, order_by=key)
            assert live_rows
            assert model.store.rows(shadow, order_by=key) == live_rows
    finally:
        model.store.drop_tables(DASHBOARDS.tables, REPLAY)
        model.store.forget("dashboards__replay")
