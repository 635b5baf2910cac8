"""Business self-assessments: Ana rates her business, the weak areas become her needs, retakes
keep history, and a new questionnaire version refuses answers to the old one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from services.profiles.domain import AreaRating, derive_need_areas
from tests.profiles.profiles_data import entrepreneur_profile
from tests.tenant_api import SignedInMember, TenantApi

DEFAULT_AREAS = [
    "strategy", "finance", "marketing", "sales", "operations", "human-resources", "digital",
    "legal", "fundraising", "customer-service",
]


def ratings(**low: int) -> dict[str, int]:
    """Every default area rated 4, except those given."""
    return {area: low.get(area.replace("-", "_"), 4) for area in DEFAULT_AREAS}


def entrepreneur_with_profile(acme: TenantApi, name: str = "Ana") -> SignedInMember:
    member = acme.member(name, roles=["entrepreneur"])
    saved = acme.put("/api/v1/profiles/entrepreneur/me", member, json=entrepreneur_profile())
    assert saved.status_code == 200, saved.text
    return member


def test_ana_assesses_her_business_and_her_needs_follow(acme: TenantApi) -> None:
    ana = entrepreneur_with_profile(acme)

    # Ana opens the questionnaire in Spanish: ten areas of the built-in version 1.
    questionnaire = acme.get("/api/v1/programme/questionnaire?locale=es", ana).json()
    assert questionnaire["version"] == 1
    assert [a["area"] for a in questionnaire["areas"]] == DEFAULT_AREAS
    finance = questionnaire["areas"][1]
    assert finance["name"] == "Finanzas"
    assert finance["question"].startswith("¿")

    submitted = acme.post("/api/v1/self-assessments", ana, json={
        "version": 1, "ratings": ratings(finance=1, legal=2, marketing=3),
        "notes": {"finance": "No bookkeeping yet", "legal": "  "},
    })
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["needAreas"] == ["finance", "legal"]
    assert submitted.json()["number"] == 1

    profile = acme.get("/api/v1/profiles/entrepreneur/me", ana).json()
    assert profile["needAreas"] == ["finance", "legal"]

    # A month later she has fixed her books; nothing is below 3, so the two lowest are needs.
    retaken = acme.post("/api/v1/self-assessments", ana, json={
        "version": 1, "ratings": ratings(finance=4, legal=3, marketing=3, sales=5),
    })
    assert retaken.status_code == 201, retaken.text
    assert retaken.json()["needAreas"] == ["marketing", "legal"]
    assert acme.get("/api/v1/profiles/entrepreneur/me", ana).json()["needAreas"] == [
        "marketing", "legal"
    ]

    history = acme.get("/api/v1/self-assessments/me", ana).json()["submissions"]
    assert [s["number"] for s in history] == [1, 2]
    first = history[0]
    assert first["ratings"]["finance"] == 1
    assert first["notes"] == {"finance": "No bookkeeping yet"}
    assert first["questionnaireVersion"] == 1
    assert datetime.fromisoformat(first["submittedAt"]).tzinfo is not None
    assert history[1]["notes"] == {}


BAD_SUBMISSIONS: list[tuple[dict[str, Any], int, str]] = [
    ({"version": 1, "ratings": {**ratings(), "astrology": 3}}, 422, "ratings.astrology"),
    ({"version": 1, "ratings": {k: v for k, v in ratings().items() if k != "sales"}}, 422,
     "ratings.sales"),
    ({"version": 1, "ratings": ratings(finance=6)}, 400, "ratings"),
    ({"version": 1, "ratings": ratings(finance=0)}, 400, "ratings"),
    ({"version": 1, "ratings": ratings(), "notes": {"tax": "x"}}, 422, "notes.tax"),
    ({"version": 2, "ratings": ratings()}, 409, "version"),
    ({"ratings": ratings()}, 400, "version"),
]


@pytest.mark.parametrize(("body", "status", "field"), BAD_SUBMISSIONS)
def test_a_bad_self_assessment_names_the_field_and_stores_nothing(
    acme: TenantApi, body: dict[str, Any], status: int, field: str
) -> None:
    ana = entrepreneur_with_profile(acme)
    before = acme.accounts().position
    response = acme.post("/api/v1/self-assessments", ana, json=body)
    assert response.status_code == status, response.text
    assert field in response.json()["error"]["field"], response.text
    assert acme.accounts().position == before
    assert acme.get("/api/v1/self-assessments/me", ana).json()["submissions"] == []


def test_a_self_assessment_needs_a_profile_and_the_entrepreneur_role(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    ben = acme.member("Ben", roles=["mentor"])
    before = acme.accounts().position
    no_profile = acme.post("/api/v1/self-assessments", ana,
                           json={"version": 1, "ratings": ratings()})
    assert no_profile.status_code == 409
    assert no_profile.json()["error"]["field"] == "profile"
    mentor = acme.post("/api/v1/self-assessments", ben, json={"version": 1, "ratings": ratings()})
    assert mentor.status_code == 403
    assert acme.accounts().position == before


def test_a_new_questionnaire_version_refuses_answers_to_the_old_one(acme: TenantApi) -> None:
    ana = entrepreneur_with_profile(acme)
    tess = acme.member("Tess", roles=["tenant_admin"])
    acme.post("/api/v1/self-assessments", ana, json={"version": 1, "ratings": ratings(tax=1)})

    # Tess publishes her programme's own, shorter questionnaire.
    published = acme.put("/api/v1/programme/questionnaire", tess, json={"areas": [
        {"area": "export", "question": {"en": "How ready are you to sell abroad?",
                                        "es": "¿Está listo para vender en el extranjero?"}},
        {"area": "finance", "question": {"en": "How well do you manage cash flow?"}},
        {"area": "e-commerce", "question": {"en": "How well do you sell online?"}},
    ]})
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 2

    # Ana's form was still on version 1: refused, nothing stored.
    before = acme.accounts().position
    stale = acme.post("/api/v1/self-assessments", ana, json={"version": 1, "ratings": ratings()})
    assert stale.status_code == 409
    assert stale.json()["error"]["field"] == "version"
    assert acme.accounts().position == before

    # Reloaded, the questionnaire falls back to English where Tess gave no Spanish.
    questionnaire = acme.get("/api/v1/programme/questionnaire?locale=es", ana).json()
    assert questionnaire["version"] == 2
    assert [a["question"] for a in questionnaire["areas"]] == [
        "¿Está listo para vender en el extranjero?", "How well do you manage cash flow?",
        "How well do you sell online?",
    ]
    answered = acme.post("/api/v1/self-assessments", ana, json={
        "version": 2, "ratings": {"export": 1, "finance": 4, "e-commerce": 2},
    })
    assert answered.status_code == 201, answered.text
    assert answered.json()["needAreas"] == ["export", "e-commerce"]
    history = acme.get("/api/v1/self-assessments/me", ana).json()["submissions"]
    assert [s["questionnaireVersion"] for s in history] == [1, 2]
    assert list(history[0]["ratings"]) == DEFAULT_AREAS  # old answers keep their meaning


BAD_QUESTIONNAIRES: list[tuple[list[dict[str, Any]], int, str]] = [
    ([{"area": "finance", "question": {"en": "Cash flow?"}}], 422, "areas"),
    ([{"area": "finance", "question": {"en": "Cash flow?"}},
      {"area": "astrology", "question": {"en": "Stars aligned?"}},
      {"area": "sales", "question": {"en": "Selling well?"}}], 422, "areas[1].area"),
    ([{"area": "finance", "question": {"en": "Cash flow?"}},
      {"area": "finance", "question": {"en": "Cash again?"}},
      {"area": "sales", "question": {"en": "Selling well?"}}], 422, "areas[1].area"),
    ([{"area": "finance", "question": {"es": "¿Flujo de caja?"}},
      {"area": "tax", "question": {"en": "Taxes paid?"}},
      {"area": "sales", "question": {"en": "Selling well?"}}], 422, "areas[0].question"),
    ([{"area": "finance", "question": {"en": "Cash flow?", "de": "Cashflow?"}},
      {"area": "tax", "question": {"en": "Taxes paid?"}},
      {"area": "sales", "question": {"en": "Selling well?"}}], 422, "areas[0].question.de"),
]


@pytest.mark.parametrize(("areas", "status", "field"), BAD_QUESTIONNAIRES)
def test_a_bad_questionnaire_names_the_field_and_publishes_nothing(
    acme: TenantApi, areas: list[dict[str, Any]], status: int, field: str
) -> None:
    tess = acme.member("Tess", roles=["tenant_admin"])
    before = acme.accounts().position
    response = acme.put("/api/v1/programme/questionnaire", tess, json={"areas": areas})
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field, response.text
    assert acme.accounts().position == before
    assert acme.get("/api/v1/programme/questionnaire", tess).json()["version"] == 1


def test_only_tenant_admins_publish_questionnaires(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    pam = acme.member("Pam", roles=["programme_admin"])
    body = {"areas": [{"area": a, "question": {"en": f"How is your {a}?"}}
                      for a in ("finance", "sales", "tax")]}
    for member in (ana, pam):
        refused = acme.put("/api/v1/programme/questionnaire", member, json=body)
        assert refused.status_code == 403
        assert refused.json()["error"]["field"] == "role"


def test_needs_are_the_low_ratings_or_else_the_two_lowest() -> None:
    def needs(**rated: int) -> list[str]:
        return derive_need_areas([AreaRating(area=a, rating=r) for a, r in rated.items()])

    assert needs(a=1, b=5, c=2, d=3) == ["a", "c"]
    assert needs(a=4, b=3, c=5, d=3) == ["b", "d"]
    assert needs(a=5, b=5, c=5) == ["a", "b"]  # ties: questionnaire order
    assert needs(a=4, b=5, c=3) == ["a", "c"]  # in questionnaire order, not by rating
