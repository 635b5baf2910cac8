"""The people of the matching tests: entrepreneurs and mentors who sign up and write their
profiles through the API, and the reads and commands the scenarios repeat."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.tenant_api import SignedInMember, TenantApi

QUESTIONNAIRE_AREAS = [
    "strategy", "finance", "marketing", "sales", "operations", "human-resources", "digital",
    "legal", "fundraising", "customer-service",
]
INTRODUCTION = (
    "Hello! I run a small business and would value your advice on the areas my "
    "self-assessment showed I most need help with."
)
WEEKDAYS = {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}


def mentor(acme: TenantApi, name: str, **profile: Any) -> SignedInMember:
    member = acme.member(name, roles=["mentor"])
    body = {
        "headline": f"{name} helps small businesses grow",
        "bio": f"{name} has run and advised small businesses for many years.",
        "expertise": ["strategy"], "industries": ["C"], "languages": ["en", "es"],
        "country": "ES", "countriesOfExperience": [], "timeZone": "Europe/Madrid",
        "workingHours": WEEKDAYS, "capacity": 5, "monthlyHours": 8, **profile,
    }
    response = acme.put("/api/v1/profiles/mentor/me", member, json=body)
    assert response.status_code == 200, response.text
    return member


def entrepreneur(
    acme: TenantApi, name: str, needs: list[str] | None = None, **profile: Any
) -> SignedInMember:
    """An entrepreneur with a profile and, if `needs` are given, a self-assessment that rates
    exactly those areas low."""
    member = acme.member(name, roles=["entrepreneur"])
    body = {
        "businessName": f"{name}'s workshop", "description": "Hand-made goods sold at markets",
        "stage": "early", "industry": "C", "country": "ES", "languages": ["es", "en"],
        "timeZone": "Europe/Madrid", "workingHours": WEEKDAYS,
        "challenges": "Finding customers", "goals": "Grow sales", "employees": 2, **profile,
    }
    response = acme.put("/api/v1/profiles/entrepreneur/me", member, json=body)
    assert response.status_code == 200, response.text
    if needs is not None:
        assess(acme, member, needs)
    return member


def assess(acme: TenantApi, member: SignedInMember, needs: list[str]) -> None:
    ratings = {area: 1 if area in needs else 4 for area in QUESTIONNAIRE_AREAS}
    response = acme.post("/api/v1/self-assessments", member,
                         json={"version": 1, "ratings": ratings, "notes": {}})
    assert response.status_code == 201, response.text
    assert sorted(response.json()["needAreas"]) == sorted(needs)


def request(acme: TenantApi, mentee: SignedInMember, mentor_member: SignedInMember) -> str:
    response = acme.post("/api/v1/relationships", mentee,
                         json={"mentorId": str(mentor_member.id), "introduction": INTRODUCTION})
    assert response.status_code == 201, response.text
    relationship_id: str = response.json()["id"]
    return relationship_id


def read(acme: TenantApi, path: str, member: SignedInMember, **params: Any) -> dict[str, Any]:
    response = acme.get(path, member, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def mentors_for(acme: TenantApi, member: SignedInMember, **params: Any) -> list[dict[str, Any]]:
    matches: list[dict[str, Any]] = read(acme, "/api/v1/matches/mentors", member,
                                         **params)["matches"]
    return matches


def ids(matches: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(match["memberId"]) for match in matches]


def criterion(match: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in match["explanation"]
                                 if item["criterion"] == name)
    return found
