"""How complete a profile is for recommendations: the profile fields the matching scorer reads,
weighed as the programme weighs each criterion, and what to add, on the profile page."""

from __future__ import annotations

from typing import Any

from services.programme.application import Programme
from tests.web.pages.conftest import TenantPages
from tests.web.pages.test_onboarding import ENTREPRENEUR_FORM, MENTOR_FORM

INDUSTRIES = "List the industries you know"
COUNTRIES = "Add the countries where you know how business works"


def test_a_mentor_sees_what_to_add_until_matching_reads_everything(
    acme_pages: TenantPages,
) -> None:
    ben = acme_pages.member("Ben", roles=["mentor"])
    assert "0%" in ben.get("/profile?as=mentor").text.split('id="completeness-words"')[1]
    saved = ben.post("/profile?as=mentor", {**MENTOR_FORM, "industries": []})
    assert saved.status_code in (302, 303), saved.text

    # Default weights: language 1, expertise 3, industry 1, country 1, hours 1, capacity 0.5;
    # without industries or countries of experience: 5.5 of 7.5.
    page = ben.get("/profile?as=mentor").text
    assert 'value="73"' in page
    assert "73%" in page
    section = page.split('id="completeness-heading"')[1].split("</section>")[0]
    assert section.index(INDUSTRIES) < section.index(COUNTRIES)
    assert 'href="#field-industries"' in section

    ben.post("/profile?as=mentor", {**MENTOR_FORM, "countriesOfExperience": ["ES", "MA"]})
    page = ben.get("/profile?as=mentor").text
    assert "100%" in page
    assert "Everything matching reads is there." in page
    assert INDUSTRIES not in page


def test_an_entrepreneur_is_sent_to_the_self_assessment_matching_weighs_most(
    acme_pages: TenantPages,
) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    ana.post("/onboarding/profile", ENTREPRENEUR_FORM)
    page = ana.get("/profile").text
    # The self-assessed needs weigh 3 of 7.5.
    assert "60%" in page
    assert 'href="/t/acme/onboarding/self-assessment">Answer the self-assessment' in page

    ithaca = acme_pages.served.ithaca
    current = ithaca.tenant_application(ithaca.tenant("acme"), Programme).get_questionnaire()
    answers: dict[str, Any] = {"version": str(current.version)}
    for area in current.area_codes:
        answers[f"ratings.{area}"] = "2"
    assert ana.post("/onboarding/self-assessment", answers).status_code in (302, 303)
    assert "100%" in ana.get("/profile").text
