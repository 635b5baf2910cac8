"""Profiles over the JSON API: an entrepreneur and a mentor describe themselves; bad codes are
refused naming the field, with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from services.actor import Actor
from services.profiles.application import Profiles
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.profiles.profiles_data import entrepreneur_profile, mentor_profile
from tests.tenant_api import TenantApi


def test_ana_describes_her_business_and_ben_his_offer(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])

    # Ana has no profile yet.
    assert acme.get("/api/v1/profiles/entrepreneur/me", ana).status_code == 404

    saved = acme.put("/api/v1/profiles/entrepreneur/me", ana, json=entrepreneur_profile())
    assert saved.status_code == 200, saved.text
    assert saved.json()["position"] > 0
    mine = acme.get("/api/v1/profiles/entrepreneur/me", ana).json()
    assert mine["businessName"] == "Pereira Ceramics"
    assert mine["workingHours"] == {"start": "09:00", "end": "17:30", "weekdays": [0, 1, 2, 3, 4]}
    assert mine["needAreas"] == []

    # Ana grows: saving again replaces the whole profile.
    acme.put("/api/v1/profiles/entrepreneur/me", ana,
             json=entrepreneur_profile(stage="growing", employees=5, website=""))
    mine = acme.get("/api/v1/profiles/entrepreneur/me", ana).json()
    assert (mine["stage"], mine["employees"], mine["website"]) == ("growing", 5, "")

    saved = acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())
    assert saved.status_code == 200, saved.text
    # Saving the same profile again records nothing.
    again = acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())
    assert again.json()["position"] == saved.json()["position"]

    # Ana reads Ben's profile; Ben reads Ana's business.
    seen = acme.get(f"/api/v1/mentors/{ben.id}", ana)
    assert seen.status_code == 200
    assert seen.json()["countriesOfExperience"] == ["AO", "MZ"]
    assert seen.json()["capacity"] == 2
    assert seen.json()["employeeId"] is None
    business = acme.get(f"/api/v1/entrepreneurs/{ana.id}", ben)
    assert business.status_code == 200
    assert business.json()["goals"] == "Sell to three shops in Lisbon this year."

    # Entrepreneurs may not browse each other's businesses; unknown ids read as 404.
    cai = acme.member("Cai", roles=["entrepreneur"])
    assert acme.get(f"/api/v1/entrepreneurs/{ana.id}", cai).status_code == 403
    assert acme.get(f"/api/v1/mentors/{cai.id}", ana).status_code == 404
    assert acme.get(f"/api/v1/entrepreneurs/{ben.id}", ben).status_code == 404


def test_the_profiles_other_contexts_read(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])
    acme.put("/api/v1/profiles/entrepreneur/me", ana, json=entrepreneur_profile())
    acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())

    ithaca = acme.served.ithaca
    profiles = ithaca.tenant_application(ithaca.tenant("acme"), Profiles)
    mentor = profiles.find_mentor_profile(ben.id)
    assert mentor is not None
    assert (mentor.member_id, mentor.capacity, mentor.time_zone) == (ben.id, 2, "Europe/Lisbon")
    assert mentor.working_hours.weekdays == [1, 3]
    assert mentor.working_hours.start.hour == 18
    entrepreneur = profiles.find_entrepreneur_profile(ana.id)
    assert entrepreneur is not None
    assert (entrepreneur.stage, entrepreneur.industry, entrepreneur.languages) == (
        "early", "C", ["pt", "es"]
    )
    assert profiles.find_mentor_profile(ana.id) is None


BAD_ENTREPRENEUR_PROFILES: list[tuple[dict[str, Any], int, str]] = [
    ({"country": "XX"}, 422, "country"),
    ({"country": "pt"}, 422, "country"),
    ({"languages": ["pt", "xx"]}, 422, "languages[1]"),
    ({"languages": ["pt", "spa"]}, 422, "languages[1]"),
    ({"languages": ["pt", "pt"]}, 422, "languages[1]"),
    ({"languages": []}, 400, "languages"),
    ({"timeZone": "Europe/Porto"}, 422, "timeZone"),
    ({"industry": "Z"}, 422, "industry"),
    ({"stage": "unicorn"}, 422, "stage"),
    ({"website": "http://pereira.example"}, 422, "website"),
    ({"businessName": "   "}, 422, "businessName"),
    ({"employees": -1}, 400, "employees"),
    ({"workingHours": {"start": "18:00", "end": "09:00", "weekdays": [0]}}, 422,
     "workingHours.end"),
    ({"workingHours": {"start": "09:00", "end": "17:00", "weekdays": [0, 7]}}, 422,
     "workingHours.weekdays[1]"),
    ({"workingHours": {"start": "9am", "end": "17:00", "weekdays": [0]}}, 400,
     "workingHours.start"),
    ({"favouriteColour": "blue"}, 400, "favouriteColour"),
]


@pytest.mark.parametrize(("changes", "status", "field"), BAD_ENTREPRENEUR_PROFILES)
def test_a_bad_entrepreneur_profile_names_the_field_and_stores_nothing(
    acme: TenantApi, changes: dict[str, Any], status: int, field: str
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    before = acme.accounts().position
    response = acme.put("/api/v1/profiles/entrepreneur/me", ana,
                        json=entrepreneur_profile(**changes))
    assert response.status_code == status, response.text
    assert field in response.json()["error"]["field"], response.text
    assert acme.accounts().position == before
    assert acme.get("/api/v1/profiles/entrepreneur/me", ana).status_code == 404


BAD_MENTOR_PROFILES: list[tuple[dict[str, Any], int, str]] = [
    ({"expertise": ["finance", "astrology"]}, 422, "expertise[1]"),
    ({"expertise": []}, 400, "expertise"),
    ({"industries": ["C", "c"]}, 422, "industries[1]"),
    ({"countriesOfExperience": ["AO", "Angola"]}, 422, "countriesOfExperience[1]"),
    ({"country": "UK"}, 422, "country"),
    ({"languages": ["en", "klingon"]}, 422, "languages[1]"),
    ({"timeZone": "CEST"}, 422, "timeZone"),
    ({"capacity": 0}, 400, "capacity"),
    ({"capacity": 21}, 400, "capacity"),
    ({"employer": "Acme Bank"}, 422, "employer"),
    ({"employeeId": "E-1"}, 422, "employeeId"),
]


@pytest.mark.parametrize(("changes", "status", "field"), BAD_MENTOR_PROFILES)
def test_a_bad_mentor_profile_names_the_field_and_stores_nothing(
    acme: TenantApi, changes: dict[str, Any], status: int, field: str
) -> None:
    ben = acme.member("Ben", roles=["mentor"])
    before = acme.accounts().position
    response = acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile(**changes))
    assert response.status_code == status, response.text
    assert field in response.json()["error"]["field"], response.text
    assert acme.accounts().position == before
    assert acme.get("/api/v1/profiles/mentor/me", ben).status_code == 404


def test_only_members_holding_the_role_have_its_profile(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])
    before = acme.accounts().position
    refused = acme.put("/api/v1/profiles/mentor/me", ana, json=mentor_profile())
    assert refused.status_code == 403
    assert refused.json()["error"]["field"] == "role"
    refused = acme.put("/api/v1/profiles/entrepreneur/me", ben, json=entrepreneur_profile())
    assert refused.status_code == 403
    assert acme.accounts().position == before

    # When Ben stops mentoring, his profile is no longer shown.
    acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())
    acme.accounts().change_roles(ben.id, [], "left the programme", Actor(kind="cli", id="test"))
    assert acme.get(f"/api/v1/mentors/{ben.id}", ana).status_code == 404


def test_corporate_programmes_ask_mentors_for_employer_and_employee_id(
    acme: TenantApi,
) -> None:
    ithaca = acme.served.ithaca
    programme = ithaca.tenant_application(ithaca.tenant("acme"), Programme)
    programme.change_settings(ProgrammeSettings(corporate=True), Actor(kind="cli", id="test"))
    ben = acme.member("Ben", roles=["mentor"])
    ana = acme.member("Ana", roles=["entrepreneur"])

    before = acme.accounts().position
    missing = acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "employer"
    missing = acme.put("/api/v1/profiles/mentor/me", ben,
                       json=mentor_profile(employer="Acme Bank"))
    assert missing.json()["error"]["field"] == "employeeId"
    assert acme.accounts().position == before

    saved = acme.put("/api/v1/profiles/mentor/me", ben,
                     json=mentor_profile(employer="Acme Bank", employeeId="E-1042"))
    assert saved.status_code == 200, saved.text
    assert acme.get("/api/v1/profiles/mentor/me", ben).json()["employeeId"] == "E-1042"
    # Other members do not see the employee id.
    assert acme.get(f"/api/v1/mentors/{ben.id}", ana).json()["employeeId"] is None


def test_a_profile_may_name_one_of_the_programmes_the_tenant_admin_defined(
    acme: TenantApi,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])
    tess = acme.member("Tess", roles=["tenant_admin"])
    settings = acme.get("/api/v1/programme/settings", tess).json()
    assert settings["programmes"] == []

    # No programme defined yet: naming one is refused, naming none is fine.
    before = acme.accounts().position
    refused = acme.put("/api/v1/profiles/entrepreneur/me", ana,
                       json=entrepreneur_profile(programme="women-in-business-2026"))
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "programme"
    assert acme.accounts().position == before

    defined = {**settings, "programmes": ["women-in-business-2026", "agri-export"]}
    assert acme.put("/api/v1/programme/settings", tess, json=defined).status_code == 200
    saved = acme.put("/api/v1/profiles/entrepreneur/me", ana,
                     json=entrepreneur_profile(programme="women-in-business-2026"))
    assert saved.status_code == 200, saved.text
    assert acme.get("/api/v1/profiles/entrepreneur/me", ana).json()["programme"] == (
        "women-in-business-2026"
    )
    unknown = acme.put("/api/v1/profiles/mentor/me", ben,
                       json=mentor_profile(programme="fintech"))
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "programme")
    acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile(programme="agri-export"))
    assert acme.get(f"/api/v1/mentors/{ben.id}", ana).json()["programme"] == "agri-export"
    # A profile written without one belongs to none.
    acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())
    assert acme.get(f"/api/v1/mentors/{ben.id}", ana).json()["programme"] == ""


def test_taxonomies_are_public_and_localised(acme: TenantApi) -> None:
    spanish = acme.get("/api/v1/taxonomies?locale=es")
    assert spanish.status_code == 200
    body = spanish.json()
    assert body["locale"] == "es"
    assert {"code": "ES", "name": "España"} in body["countries"]
    assert {"code": "fr", "name": "francés"} in body["languages"]
    assert {"code": "C", "name": "Industrias manufactureras"} in body["industries"]
    assert [s["code"] for s in body["stages"]] == ["idea", "early", "growing", "established"]
    assert {"code": "finance", "name": "Finanzas"} in body["expertise"]
    assert {"code": "Europe/Madrid", "name": "España (Madrid)"} in body["timeZones"]
    assert len(body["industries"]) == 21
    assert len(body["expertise"]) >= 30

    arabic = acme.get("/api/v1/taxonomies?locale=ar").json()
    assert {"code": "ES", "name": "إسبانيا"} in arabic["countries"]
    default = acme.get("/api/v1/taxonomies").json()
    assert default["locale"] == "en"  # the tenant's default locale

    unknown = acme.get("/api/v1/taxonomies?locale=de")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "locale"


def test_free_texts_are_sealed_in_the_stored_events(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])
    acme.put("/api/v1/profiles/entrepreneur/me", ana, json=entrepreneur_profile())
    acme.put("/api/v1/profiles/mentor/me", ben, json=mentor_profile())

    recorder = acme.accounts().recorder
    stored = b"".join(n.state for n in recorder.select_notifications(start=1, limit=1000))
    for secret in (b"Pereira Ceramics", b"bookkeeping", b"Luanda", b"pereira-ceramics"):
        assert secret not in stored
    assert b"Europe/Lisbon" in stored  # codes are not personal: figures survive erasure
