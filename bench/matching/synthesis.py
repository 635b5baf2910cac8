"""A synthetic programme's members, shaped like a real one's: mentors mostly in high-income
countries and entrepreneurs in emerging markets, both Zipf-distributed over countries;
languages from the country (English often added, a diaspora language sometimes), expertise,
industries and needs Zipf-distributed, working hours in local time."""

from __future__ import annotations

from datetime import time as clock_time

import numpy as np
import numpy.typing as npt

from projections.matching.projection import STAGE_ORDER
from services import taxonomy
from services.profiles.domain import AreaRating, EntrepreneurDetails, MentorDetails, WorkingHours
from services.programme.default_questionnaire import DEFAULT_AREAS

# Country: (time zone, main language). Mentors come mostly from the first block, entrepreneurs
# from the second; each side's list is drawn Zipf-like in this order.
COUNTRIES: dict[str, tuple[str, str]] = {
    "US": ("America/New_York", "en"), "GB": ("Europe/London", "en"),
    "DE": ("Europe/Berlin", "de"), "FR": ("Europe/Paris", "fr"),
    "ES": ("Europe/Madrid", "es"), "NL": ("Europe/Amsterdam", "nl"),
    "CA": ("America/Toronto", "en"), "AU": ("Australia/Sydney", "en"),
    "IE": ("Europe/Dublin", "en"), "CH": ("Europe/Zurich", "de"),
    "SE": ("Europe/Stockholm", "sv"), "IT": ("Europe/Rome", "it"),
    "PT": ("Europe/Lisbon", "pt"), "SG": ("Asia/Singapore", "en"),
    "AE": ("Asia/Dubai", "ar"), "JP": ("Asia/Tokyo", "ja"),
    "NG": ("Africa/Lagos", "en"), "KE": ("Africa/Nairobi", "sw"),
    "IN": ("Asia/Kolkata", "hi"), "MX": ("America/Mexico_City", "es"),
    "ID": ("Asia/Jakarta", "id"), "GH": ("Africa/Accra", "en"),
    "ZA": ("Africa/Johannesburg", "en"), "EG": ("Africa/Cairo", "ar"),
    "CO": ("America/Bogota", "es"), "PH": ("Asia/Manila", "fil"),
    "BR": ("America/Sao_Paulo", "pt"), "PK": ("Asia/Karachi", "ur"),
    "SN": ("Africa/Dakar", "fr"), "CI": ("Africa/Abidjan", "fr"),
    "PE": ("America/Lima", "es"), "BD": ("Asia/Dhaka", "bn"),
    "VN": ("Asia/Ho_Chi_Minh", "vi"), "UG": ("Africa/Kampala", "en"),
    "TZ": ("Africa/Dar_es_Salaam", "sw"), "MA": ("Africa/Casablanca", "ar"),
    "ET": ("Africa/Addis_Ababa", "am"), "RW": ("Africa/Kigali", "rw"),
    "JO": ("Asia/Amman", "ar"), "TR": ("Europe/Istanbul", "tr"),
    "UA": ("Europe/Kyiv", "uk"), "GT": ("America/Guatemala", "es"),
    "AR": ("America/Argentina/Buenos_Aires", "es"), "LB": ("Asia/Beirut", "ar"),
}
MENTOR_COUNTRIES = list(COUNTRIES)
ENTREPRENEUR_COUNTRIES = MENTOR_COUNTRIES[16:] + MENTOR_COUNTRIES[:16]
SECOND_LANGUAGES = ["fr", "es", "ar", "pt", "de", "zh", "ru", "hi"]
EXPERTISE_BY_POPULARITY = [
    "strategy", "marketing", "finance", "sales", "business-planning", "leadership", "digital",
    "fundraising", "operations", "e-commerce", "social-media", "branding", "human-resources",
    "export", "pricing", "legal", "accounting", "technology", "product", "customer-service",
    "data", "negotiation", "partnerships", "supply-chain", "agriculture", "manufacturing",
    "sustainability", "tax", "procurement", "insurance", "intellectual-property",
    "public-sector-contracts",
]
MENTOR_INDUSTRIES = list("MJCGKINAPQFHSRLEBDOTU")
ENTREPRENEUR_INDUSTRIES = list("GIACSJMQPHFNRELKBDOTU")
STAGE_SHARES = [0.25, 0.40, 0.25, 0.10]
AREAS = [area.area for area in DEFAULT_AREAS]
NEED_WEIGHTS = np.array([5, 8, 9, 7, 3, 2, 6, 2, 8, 3], dtype=np.float64)
"""How often each questionnaire area (in DEFAULT_AREAS' order) is a weak spot."""

Floats = npt.NDArray[np.float64]


def zipf(count: int, exponent: float = 1.1) -> Floats:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    result: Floats = weights / weights.sum()
    return result


class Synthesis:
    """Draws members' attributes, a chunk of members at a time (vectorised), from one seeded
    generator."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def top_k(self, count: int, p: Floats, low: int, high: int) -> list[list[int]]:
        """`count` draws of low..high distinct indices weighted by `p`, without replacement
        (the Gumbel top-k trick)."""
        keys = np.log(p)[np.newaxis, :] + self.rng.gumbel(size=(count, len(p)))
        order = np.argsort(-keys, axis=1)
        sizes = self.rng.integers(low, high + 1, size=count)
        return [row[:size].tolist() for row, size in zip(order, sizes, strict=True)]

    def languages(self, countries: list[str], english: float) -> list[list[str]]:
        speaks_english = self.rng.random(len(countries)) < english
        extra = self.rng.random(len(countries)) < 0.15
        extras = self.rng.choice(len(SECOND_LANGUAGES), size=len(countries),
                                 p=zipf(len(SECOND_LANGUAGES), 1.0))
        found = []
        for index, country in enumerate(countries):
            languages = [COUNTRIES[country][1]]
            if speaks_english[index] and "en" not in languages:
                languages.append("en")
            if extra[index] and SECOND_LANGUAGES[extras[index]] not in languages:
                languages.append(SECOND_LANGUAGES[extras[index]])
            found.append(languages)
        return found

    def hours(self, count: int, saturday: float) -> list[WorkingHours]:
        starts = self.rng.choice([7, 8, 8, 9, 9, 9, 10, 13], size=count)
        lengths = self.rng.integers(4, 10, size=count)
        saturdays = self.rng.random(count) < saturday
        part_time = self.rng.random(count) < 0.2  # three days a week
        days = np.argsort(self.rng.random((count, 6)), axis=1)[:, :3]
        found = []
        for index in range(count):
            weekdays = (sorted(days[index].tolist()) if part_time[index]
                        else [0, 1, 2, 3, 4] + ([5] if saturdays[index] else []))
            start = int(starts[index])
            found.append(WorkingHours(start=clock_time(start),
                                      end=clock_time(min(start + int(lengths[index]), 23)),
                                      weekdays=weekdays))
        return found

    def countries(self, options: list[str], exponent: float, count: int) -> list[str]:
        return [options[i] for i in self.rng.choice(len(options), size=count,
                                                     p=zipf(len(options), exponent))]

    def mentors(self, first: int, count: int) -> list[MentorDetails]:
        countries = self.countries(MENTOR_COUNTRIES, 1.0, count)
        languages = self.languages(countries, english=0.8)
        emerging = ENTREPRENEUR_COUNTRIES[:28]
        experience = self.top_k(count, zipf(len(emerging), 0.9), 0, 3)
        diaspora = self.rng.random(count) < 0.2
        expertise = self.top_k(count, zipf(len(EXPERTISE_BY_POPULARITY), 0.8), 2, 5)
        industries = self.top_k(count, zipf(len(MENTOR_INDUSTRIES), 1.0), 1, 3)
        hours = self.hours(count, saturday=0.1)
        capacity = self.rng.choice([1, 2, 2, 3, 3, 3, 4, 5], size=count)
        monthly = self.rng.integers(2, 20, size=count)
        found = []
        for index, country in enumerate(countries):
            worked_in = [emerging[i] for i in experience[index] if emerging[i] != country]
            spoken = languages[index]
            if worked_in and diaspora[index] and COUNTRIES[worked_in[0]][1] not in spoken:
                spoken.append(COUNTRIES[worked_in[0]][1])  # diaspora: the language of origin
            areas = [EXPERTISE_BY_POPULARITY[i] for i in expertise[index]]
            found.append(MentorDetails(
                headline=f"Mentor {first + index}: {' and '.join(areas[:2])} for small firms",
                bio=f"Helps founders with {', '.join(areas)}; has worked in "
                    f"{', '.join(worked_in) or country}.",
                expertise=areas, industries=[MENTOR_INDUSTRIES[i] for i in industries[index]],
                languages=spoken, country=country, countries_of_experience=worked_in,
                time_zone=COUNTRIES[country][0], working_hours=hours[index],
                capacity=int(capacity[index]), monthly_hours=int(monthly[index]),
            ))
        return found

    def entrepreneurs(
        self, first: int, count: int
    ) -> list[tuple[EntrepreneurDetails, list[AreaRating]]]:
        countries = self.countries(ENTREPRENEUR_COUNTRIES, 0.9, count)
        languages = self.languages(countries, english=0.45)
        industries = self.rng.choice(len(ENTREPRENEUR_INDUSTRIES), size=count,
                                     p=zipf(len(ENTREPRENEUR_INDUSTRIES), 1.0))
        stages = self.rng.choice(len(STAGE_ORDER), size=count, p=STAGE_SHARES)
        hours = self.hours(count, saturday=0.5)
        employees = self.rng.integers(0, 30, size=count)
        weak = self.top_k(count, NEED_WEIGHTS / NEED_WEIGHTS.sum(), 1, 4)
        low = self.rng.integers(1, 3, size=(count, len(AREAS)))
        high = self.rng.integers(3, 6, size=(count, len(AREAS)))
        found = []
        for index, country in enumerate(countries):
            details = EntrepreneurDetails(
                business_name=f"Business {first + index}", description="A small business.",
                stage=STAGE_ORDER[stages[index]],
                industry=ENTREPRENEUR_INDUSTRIES[industries[index]], country=country,
                languages=languages[index], time_zone=COUNTRIES[country][0],
                working_hours=hours[index], challenges="Growing steadily.",
                goals="More customers.", employees=int(employees[index]),
            )
            ratings = [AreaRating(area=area, rating=int(low[index, position])
                                  if position in weak[index] else int(high[index, position]))
                       for position, area in enumerate(AREAS)]
            found.append((details, ratings))
        return found


def check_vocabulary() -> None:
    """The synthetic codes are real ones (the timed command validates them)."""
    for country, (zone, language) in COUNTRIES.items():
        taxonomy.check_country(country)
        taxonomy.check_time_zone(zone)
        taxonomy.check_language(language)
    for language in SECOND_LANGUAGES:
        taxonomy.check_language(language)
    for area in EXPERTISE_BY_POPULARITY:
        taxonomy.check_expertise(area)
