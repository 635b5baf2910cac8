"""Profiles as a client would send them, to be varied per test."""

from __future__ import annotations

from typing import Any


def entrepreneur_profile(**changes: Any) -> dict[str, Any]:
    return {
        "businessName": "Pereira Ceramics",
        "description": "Hand-made tableware, sold at weekend markets in Porto.",
        "stage": "early",
        "industry": "C",
        "country": "PT",
        "languages": ["pt", "es"],
        "timeZone": "Europe/Lisbon",
        "workingHours": {"start": "09:00", "end": "17:30", "weekdays": [0, 1, 2, 3, 4]},
        "challenges": "Pricing for wholesale buyers; no bookkeeping yet.",
        "goals": "Sell to three shops in Lisbon this year.",
        "employees": 2,
        "website": "https://pereira-ceramics.example",
        **changes,
    }


def mentor_profile(**changes: Any) -> dict[str, Any]:
    return {
        "headline": "Export finance for small producers",
        "bio": "Twenty years in trade finance between Lisbon and Luanda.",
        "expertise": ["finance", "export", "pricing"],
        "industries": ["C", "G"],
        "languages": ["pt", "en"],
        "country": "PT",
        "countriesOfExperience": ["AO", "MZ"],
        "timeZone": "Europe/Lisbon",
        "workingHours": {"start": "18:00", "end": "21:00", "weekdays": [1, 3]},
        "capacity": 2,
        "monthlyHours": 6,
        **changes,
    }
