"""Onboarding and my profile: a new member writes their profile, assesses their business and
answers the starting survey; a mentor says how many mentees they take and when they are free."""

from __future__ import annotations

from typing import Any

from services.impact.application import Impact
from services.profiles.application import Profiles
from services.programme.application import Programme
from tests.web.pages.conftest import TenantPages, Visitor


def _app(acme_pages: TenantPages, kind: type[Any]) -> Any:
    ithaca = acme_pages.served.ithaca
    return ithaca.tenant_application(ithaca.tenant(acme_pages.slug), kind)


ENTREPRENEUR_FORM: dict[str, Any] = {
    "businessName": "Pereira Ceramics", "description": "Hand-made tableware",
    "stage": "early", "industry": "C", "country": "PT", "languages": ["pt", "en"],
    "timeZone": "Europe/Lisbon", "workingHours.start": "09:00", "workingHours.end": "17:30",
    "workingHours.weekdays": ["0", "2", "4"], "challenges": "Pricing for shops",
    "goals": "Sell to three shops in Lisbon", "employees": "2", "website": "",
}

MENTOR_FORM: dict[str, Any] = {
    "headline": "Export finance for food producers", "bio": "Twenty years in trade finance.",
    "expertise": ["finance"], "industries": ["A", "C"], "languages": ["en"], "country": "ES",
    "timeZone": "Europe/Madrid", "workingHours.start": "18:00", "workingHours.end": "21:00",
    "workingHours.weekdays": ["1", "3"], "capacity": "3", "monthlyHours": "8",
}


def test_an_entrepreneur_completes_the_three_steps(acme_pages: TenantPages) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"])
    wizard = ana.get("/onboarding")
    assert wizard.status_code == 200
    assert "Write your business profile" in wizard.text
    assert 'value="Europe/Madrid" selected' in ana.get("/onboarding/profile").text

    response = ana.post("/onboarding/profile", ENTREPRENEUR_FORM)
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/t/acme/onboarding/self-assessment"

    assessment = ana.get("/onboarding/self-assessment")
    assert "Revise your business profile" in assessment.text
    version, areas = _questionnaire(acme_pages)
    response = ana.post("/onboarding/self-assessment", {
        "version": str(version), f"ratings.{areas[0]}": "4", f"notes.{areas[0]}": "kept note"})
    assert response.status_code in (400, 422)
    assert _error_beside(response.text, f"ratings.{areas[1]}")
    assert "kept note" in response.text
    assert ana.member_id is not None
    assert _app(acme_pages, Profiles).self_assessments_of(ana.member_id) == []

    answers: dict[str, Any] = {"version": str(version)}
    for index, area in enumerate(areas):
        answers[f"ratings.{area}"] = str(1 + index % 5)
    answers[f"notes.{areas[0]}"] = "No bookkeeping yet"
    response = ana.post("/onboarding/self-assessment", answers)
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/t/acme/onboarding/baseline-survey"

    response = ana.post("/onboarding/baseline-survey", {
        "businessOperating": "true", "revenueAmount": "12000", "revenueCurrency": "EUR",
        "revenueBand": "", "fullTimeEmployees": "2", "partTimeEmployees": "1",
        f"confidence.{areas[0]}": "2", "newFinance": "false", "comment": "Just starting",
    })
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/t/acme/home"

    profile = _app(acme_pages, Profiles).get_entrepreneur_profile(ana.member_id)
    assert profile.business_name == "Pereira Ceramics"
    assert profile.languages == ["pt", "en"]
    assert profile.working_hours.weekdays == [0, 2, 4]
    assert areas[0] in profile.need_areas
    (survey,) = _app(acme_pages, Impact).history(ana.member_id)
    assert survey.answers.full_time_employees == 2

    done = ana.get("/onboarding").text
    assert "You are all set." in done
    assert "Assess your business again" in done
    page = ana.get("/profile").text
    assert 'value="Pereira Ceramics"' in page
    assert "You answered this survey" in ana.get("/onboarding/baseline-survey").text


def _questionnaire(acme_pages: TenantPages) -> tuple[int, list[str]]:
    questionnaire = _app(acme_pages, Programme).get_questionnaire()
    return questionnaire.version, questionnaire.area_codes


def test_a_mentor_saves_capacity_and_availability(acme_pages: TenantPages) -> None:
    ben = acme_pages.member("Ben", roles=["mentor"])
    response = ben.post("/onboarding/profile", MENTOR_FORM)
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == "/t/acme/home"

    response = ben.post("/profile?as=mentor", {**MENTOR_FORM, "capacity": "5",
                                               "workingHours.start": "08:00"})
    assert response.status_code in (302, 303), response.text
    page = ben.get(response.headers["location"].removeprefix("/t/acme")).text
    assert "Your profile is saved." in page
    assert 'value="5"' in page
    assert 'value="08:00"' in page

    assert ben.member_id is not None
    profile = _app(acme_pages, Profiles).get_mentor_profile(ben.member_id)
    assert profile.capacity == 5
    assert profile.working_hours.start.strftime("%H:%M") == "08:00"
    assert profile.working_hours.end.strftime("%H:%M") == "21:00"
    assert profile.working_hours.weekdays == [1, 3]


def _error_beside(page: str, name: str) -> str:
    assert f'id="error-{name}"' in page, page
    return page.split(f'id="error-{name}"', maxsplit=1)[1].split("</p>", maxsplit=1)[0]


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_stored(
    acme_pages: TenantPages,
) -> None:
    ben = acme_pages.member("Ben", roles=["mentor"])
    response = ben.post("/profile", {**MENTOR_FORM, "capacity": "99",
                                     "headline": "Kept headline"})
    assert response.status_code in (400, 422)
    assert _error_beside(response.text, "capacity")
    assert 'value="99"' in response.text
    assert 'value="Kept headline"' in response.text

    response = ben.post("/profile", {**MENTOR_FORM, "workingHours.start": "18:00",
                                     "workingHours.end": "07:00"})
    assert response.status_code in (400, 422)
    assert _error_beside(response.text, "workingHours.end")
    assert 'value="07:00"' in response.text

    assert ben.member_id is not None
    assert _app(acme_pages, Profiles).find_mentor_profile(ben.member_id) is None


def test_profiles_follow_the_members_roles(acme_pages: TenantPages) -> None:
    cleo: Visitor = acme_pages.member("Cleo", roles=["entrepreneur", "mentor"])
    response = cleo.post("/onboarding/profile?as=entrepreneur", ENTREPRENEUR_FORM)
    assert response.headers["location"] == "/t/acme/onboarding/profile?as=mentor"
    response = cleo.post("/onboarding/profile?as=mentor", MENTOR_FORM)
    assert response.headers["location"] == "/t/acme/onboarding/self-assessment"

    dora = acme_pages.member("Dora", roles=["programme_admin"])
    assert "nothing to set up" in dora.get("/onboarding").text
    assert "nothing to set up" in dora.get("/profile").text
    assert dora.get("/onboarding/self-assessment").status_code == 403


def test_time_zones_are_offered_as_places_in_the_readers_words(acme_pages: TenantPages) -> None:
    ana = acme_pages.member("Ana", roles=["entrepreneur"], locale="es")
    form = ana.get("/onboarding/profile").text
    zones = form.split('name="timeZone"')[1].split("</select>")[0]
    assert 'value="America/Mexico_City"' in zones  # the code is what the form sends
    assert ">México (Ciudad de México)<" in zones  # the words are what she reads
    assert "America/Mexico_City<" not in zones
    assert ">America/" not in zones
