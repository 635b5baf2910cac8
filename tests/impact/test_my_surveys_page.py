"""The entrepreneur's surveys page: Ana, mentored by Ben for 100 days, sees that her 3-month
follow-up is due (and answers it from there), that the 6-month one is not yet, and that the
first survey waits; an auditor, who reads every page, is told of no survey to answer."""

from __future__ import annotations

from datetime import timedelta

from tests.moderation.scenes import activate, mentor
from tests.story_time import story_clock
from tests.web.pages.conftest import TenantPages, Visitor

ANSWERS = {
    "businessOperating": "true", "revenueAmount": "", "revenueCurrency": "",
    "revenueBand": "10k-50k", "fullTimeEmployees": "3", "partTimeEmployees": "0",
    "newFinance": "false",
}


def test_ana_sees_which_follow_up_is_due_and_answers_it_from_her_surveys(
    acme_pages: TenantPages,
) -> None:
    api = acme_pages.api
    ana = api.member("Ana", roles=["entrepreneur"])
    now = story_clock(api)()
    relationship_id = activate(api, ana, mentor(api, "Ben Okafor"), now - timedelta(days=100))
    browser = Visitor(acme_pages.served, "acme")
    browser.sign_in(ana.email)

    page = browser.get("/surveys").text
    assert "Answer the first survey" in page
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "3-month follow-up" in rows[0]
    assert "Ben Okafor" in rows[0]
    link = f"/t/acme/surveys/follow-up?months=3&amp;relationship={relationship_id}"
    assert f'href="{link}">Due now: answer it' in rows[0]
    assert "6-month follow-up" in rows[1]
    assert "Not due yet" in rows[1]
    assert "My surveys" in page  # in the navigation

    answered = browser.post("/surveys/follow-up", {
        **ANSWERS, "monthsAfter": "3", "relationshipId": str(relationship_id)})
    assert answered.status_code in (302, 303), answered.text
    after = browser.get("/surveys").text.split("<tbody>")[1].split("</tr>")
    assert "Answered on" in after[0]
    assert "Due now" not in after[0]


def test_an_auditor_is_told_of_no_survey_to_answer(acme_pages: TenantPages) -> None:
    auditor = acme_pages.member("Aude", roles=["auditor"])
    page = auditor.get("/surveys")
    assert page.status_code == 200
    assert "there is none for you to answer" in page.text
    assert "Answer the first survey" not in page.text
    api_auditor = acme_pages.api.member("Audrey", roles=["auditor"])
    due = acme_pages.api.get("/api/v1/me/surveys/due", api_auditor)
    assert due.status_code == 200, due.text
    assert due.json() == {"surveys": []}
