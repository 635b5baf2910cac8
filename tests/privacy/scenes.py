"""Setting the scene for privacy tests: members with profiles, a relationship, admins."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.tenant_api import SignedInMember, TenantApi

INTRODUCTION = (
    "I run a small bakery in Porto and want to open a second shop next year; your retail "
    "experience would help me plan it."
)
HOURS = {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}


def mentor_profile(
    acme: TenantApi, member: SignedInMember, *, headline: str = "Retail and cash-flow planning",
    bio: str = "Twenty years running shops.", employer: str = "",
) -> None:
    response = acme.put("/api/v1/profiles/mentor/me", member, json={
        "headline": headline, "bio": bio, "expertise": ["finance"], "industries": ["C"],
        "languages": ["en"], "country": "ES", "countriesOfExperience": [],
        "timeZone": "Europe/Madrid", "workingHours": HOURS, "capacity": 3, "monthlyHours": 8,
        **({"employer": employer, "employeeId": "E-1"} if employer else {}),
    })
    assert response.status_code == 200, response.text


def entrepreneur_profile(
    acme: TenantApi, member: SignedInMember, *, business_name: str = "Porto Bakes",
    description: str = "Bread and pastries.",
) -> None:
    response = acme.put("/api/v1/profiles/entrepreneur/me", member, json={
        "businessName": business_name, "description": description, "stage": "early",
        "industry": "C", "country": "PT", "languages": ["en"], "timeZone": "Europe/Lisbon",
        "workingHours": HOURS, "challenges": "Pricing.", "goals": "Three shops.",
        "employees": 1,
    })
    assert response.status_code == 200, response.text


def request(
    acme: TenantApi, mentee: SignedInMember, mentor: SignedInMember,
    introduction: str = INTRODUCTION,
) -> UUID:
    response = acme.post("/api/v1/relationships", mentee, json={
        "mentorId": str(mentor.id), "introduction": introduction,
    })
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"])


def accept(acme: TenantApi, relationship_id: UUID, mentor: SignedInMember) -> None:
    response = acme.post(f"/api/v1/relationships/{relationship_id}/accept", mentor)
    assert response.status_code == 200, response.text


def status_of(acme: TenantApi, relationship_id: UUID, member: SignedInMember) -> str:
    response = acme.get(f"/api/v1/relationships/{relationship_id}", member)
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


def error_of(response: Any, status: int, field: str) -> str:
    """Asserts a refusal with this status naming this field; answers the problem."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["field"] == field, response.text
    problem: str = error["problem"]
    return problem
