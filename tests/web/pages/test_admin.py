"""The programme admin's pages: the impact dashboard with its charts, tables and CSV, the
matching weights, members and moderation; who may open and submit them."""

from __future__ import annotations

import csv
import io
import re

from tests.profiles.profiles_data import entrepreneur_profile
from tests.web.pages.conftest import TenantPages, Visitor

_ENTREPRENEURS_TOTAL = re.compile(
    r'<caption[^>]*>Members who joined, by role.*?<tfoot>\s*<tr>\s*'
    r'<th scope="row">Whole period</th>\s*<td>([^<]*)</td><td>(\d+)</td>', re.DOTALL)


def _programme(acme_pages: TenantPages) -> Visitor:
    """Two entrepreneurs, in Kenya and in Mexico, and the programme admin, all projected."""
    for name, country in (("Ana", "KE"), ("Cai", "MX")):
        member = acme_pages.api.member(name, roles=["entrepreneur"])
        response = acme_pages.api.put("/api/v1/profiles/entrepreneur/me", member,
                                      json=entrepreneur_profile(country=country))
        assert response.status_code == 200, response.text
    pam = acme_pages.member("Pam", roles=["programme_admin"])
    acme_pages.project()
    return pam


def _entrepreneurs(page: str) -> tuple[str, str]:
    found = _ENTREPRENEURS_TOTAL.search(page)
    assert found, "no members table"
    return found.group(1), found.group(2)


def test_the_admin_reads_the_dashboard_as_charts_tables_and_csv_narrowed_by_filters(
    acme_pages: TenantPages,
) -> None:
    pam = _programme(acme_pages)
    page = pam.get("/admin/dashboard")
    assert page.status_code == 200
    assert "stream position" in page.text
    # The members chart, as an image and as a table of the same figures with their n.
    image = re.search(
        r'<img src="(/t/acme/admin/dashboard/charts/members\.svg[^"]*)" alt="([^"]+)"', page.text)
    assert image, page.text
    assert "Members who joined" in image.group(2)
    assert _entrepreneurs(page.text) == ("2", "2")

    chart = pam.get(image.group(1).removeprefix("/t/acme"))
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'")
    assert chart.text.startswith(("<?xml", "<svg"))
    assert "Entrepreneurs" in chart.text
    assert "<script" not in chart.text
    outcomes = pam.get("/admin/dashboard/charts/outcomes.svg")
    assert "Mentored" in outcomes.text
    assert "Not mentored" in outcomes.text
    assert pam.get("/admin/dashboard/charts/nothing.svg").status_code == 404

    # Each chart's table also comes as CSV: the same figures and n as the page's table.
    assert 'href="/t/acme/admin/dashboard/charts/members.csv"' in page.text
    members_csv = pam.get("/admin/dashboard/charts/members.csv")
    assert members_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(members_csv.text)))
    assert table[0][:3] == ["Month", "Entrepreneurs", "n"]
    assert table[-1][:3] == ["Whole period", "2", "2"]

    # The CSV link answers the same figures, at a position.
    link = re.search(r'href="(/t/acme/api/v1/dashboard\.csv[^"]*)"', page.text)
    assert link
    export = pam.client.get(link.group(1))
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.text)))
    entrepreneurs = [row for row in rows if row["section"] == "members"
                     and row["group"] == "entrepreneur" and row["month"] == "total"]
    assert [row["n"] for row in entrepreneurs] == ["2"]
    assert rows[0]["position"].isdigit()

    # A filter narrows the figures; the charts and the CSV keep it.
    kenya = pam.get("/admin/dashboard", params={"country": "KE"})
    assert kenya.status_code == 200
    assert _entrepreneurs(kenya.text) == ("1", "1")
    assert 'value="KE"' in kenya.text
    assert "charts/members.svg?country=KE" in kenya.text
    assert "dashboard.csv?country=KE" in kenya.text

    wrong = pam.get("/admin/dashboard", params={"country": "Narnia"})
    assert wrong.status_code in (400, 422)
    assert 'id="error-country"' in wrong.text
    assert 'value="Narnia"' in wrong.text


def test_the_weights_are_saved_and_a_bad_one_is_shown_beside_its_field(
    acme_pages: TenantPages,
) -> None:
    pam = acme_pages.member("Pam", roles=["programme_admin"])
    form = pam.get("/admin/matching")
    assert form.status_code == 200
    assert 'name="openRequests"' in form.text
    weights = {"language": "2", "expertise": "4", "industry": "1", "country": "1", "hours": "1",
               "stage": "0.5", "capacity": "0.5", "responsiveness": "1", "openRequests": "1"}
    saved = pam.post("/admin/matching", weights)
    assert saved.status_code in (302, 303)
    page = pam.get("/admin/matching?saved=true")
    assert "The weights are saved." in page.text
    assert re.search(r'id="field-expertise"[^>]*value="4"', page.text)

    refused = pam.post("/admin/matching", {**weights, "stage": "11"})
    assert refused.status_code == 422
    assert 'id="error-stage"' in refused.text
    assert re.search(r'id="field-stage"[^>]*value="11"', refused.text)
    assert re.search(r'id="field-expertise"[^>]*value="4"', refused.text)
    assert re.search(r'id="field-stage"[^>]*value="0.5"', pam.get("/admin/matching").text)


def test_only_programme_admins_may_use_the_pages_and_auditors_only_read(
    acme_pages: TenantPages,
) -> None:
    max_ = acme_pages.member("Max", roles=["mentor"])
    refused = max_.get("/admin")
    assert refused.status_code == 403
    assert "This page is not open to you" in refused.text

    aud = acme_pages.member("Aud", roles=["auditor"])
    assert aud.get("/admin/dashboard").status_code == 200
    assert aud.get("/admin/matching").status_code == 200
    assert aud.post("/admin/matching", {"language": "1"}).status_code == 403


def test_the_admin_suspends_and_reinstates_members_and_decides_reports(
    acme_pages: TenantPages,
) -> None:
    ben = acme_pages.member("Ben Okafor", roles=["mentor"])
    pam = acme_pages.member("Pam", roles=["programme_admin"])
    acme_pages.project()
    page = pam.get("/admin/members")
    assert page.status_code == 200
    assert "Ben Okafor" in page.text
    assert pam.get("/admin/relationships").status_code == 200

    blank = pam.post(f"/admin/members/{ben.member_id}/suspend", {"reason": ""})
    assert blank.status_code == 400
    assert f'id="error-reason-{ben.member_id}-suspend"' in blank.text

    done = pam.post(f"/admin/members/{ben.member_id}/suspend",
                    {"reason": "Asked mentees for money"})
    assert done.status_code in (302, 303)
    listed = pam.get("/admin/members").text
    assert "Suspended" in listed
    assert f"/admin/members/{ben.member_id}/reinstate" in listed

    back = pam.post(f"/admin/members/{ben.member_id}/reinstate", {"reason": "Appeal accepted"})
    assert back.status_code in (302, 303)
    assert f"/admin/members/{ben.member_id}/suspend" in pam.get("/admin/members").text

    # A report in the moderation queue, decided with a note.
    ana = acme_pages.api.member("Ana", roles=["entrepreneur"])
    filed = acme_pages.api.post("/api/v1/reports", ana, json={
        "memberId": str(ben.member_id), "reason": "spam", "details": "Sends adverts every day."})
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["reportId"]
    queue = pam.get("/admin/moderation")
    assert "Sends adverts every day." in queue.text
    assert pam.get("/admin").status_code == 200

    missing = pam.post(f"/admin/moderation/{report_id}/warn", {"note": ""})
    assert missing.status_code == 400
    assert f'id="error-note-{report_id}-warn"' in missing.text

    warned = pam.post(f"/admin/moderation/{report_id}/warn", {"note": "Please stop."})
    assert warned.status_code in (302, 303)
    assert "No open reports." in pam.get("/admin/moderation").text
