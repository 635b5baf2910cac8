"""The follow-up survey page the survey mail links to: Ana, mentored since January, answers her
3-month follow-up on it; a follow-up not due (or not hers) is not asked for."""

from __future__ import annotations

from datetime import timedelta

from services.impact.application import Impact
from services.impact.domain import SurveyKind
from tests.moderation.scenes import activate, mentor
from tests.story_time import story_clock
from tests.web.pages.conftest import TenantPages, Visitor


def test_ana_answers_her_follow_up_on_the_page_the_mail_links_to(
    acme_pages: TenantPages,
) -> None:
    api = acme_pages.api
    ana = api.member("Ana", roles=["entrepreneur"])
    now = story_clock(api)()
    relationship_id = activate(api, ana, mentor(api, "Ben"), now - timedelta(days=100))
    browser = Visitor(acme_pages.served, "acme")
    browser.sign_in(ana.email)
    link = f"/surveys/follow-up?months=3&relationship={relationship_id}"

    page = browser.get(link)
    assert page.status_code == 200, page.text
    assert "Your 3-month follow-up survey" in page.text
    assert 'name="monthsAfter" value="3"' in page.text
    # Six months are not up yet: that one is not asked for.
    early = browser.get(f"/surveys/follow-up?months=6&relationship={relationship_id}").text
    assert "This follow-up survey is not due now." in early
    assert 'name="monthsAfter"' not in early

    missing = browser.post("/surveys/follow-up", {
        "monthsAfter": "3", "relationshipId": str(relationship_id), "businessOperating": "true",
        "revenueAmount": "", "revenueCurrency": "", "revenueBand": "10k-50k",
        "partTimeEmployees": "0", "newFinance": "false",
    })
    assert missing.status_code == 400
    assert "This field is required." in missing.text
    assert 'name="monthsAfter" value="3"' in missing.text  # the form again, to correct

    answered = browser.post("/surveys/follow-up", {
        "monthsAfter": "3", "relationshipId": str(relationship_id), "businessOperating": "true",
        "revenueAmount": "", "revenueCurrency": "", "revenueBand": "10k-50k",
        "fullTimeEmployees": "3", "partTimeEmployees": "0", "confidence.finance": "4",
        "newFinance": "false", "comment": "A second oven.",
    })
    assert answered.status_code in (302, 303), answered.text
    assert answered.headers["location"] == f"/t/acme{link}"
    ithaca = acme_pages.served.ithaca
    [response] = ithaca.tenant_application(ithaca.tenant("acme"), Impact).history(ana.id)
    assert (response.kind, response.months_after, response.relationship_id) == (
        SurveyKind.FOLLOW_UP, 3, relationship_id)
    assert response.answers.full_time_employees == 3
    assert "You answered this survey on" in browser.get(link).text
