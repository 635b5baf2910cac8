"""Who takes part: the places members live in, and the state of each member and pairing that
the journeys carry from one step to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from services.accounts.domain import Member
from services.impact.domain import Activation, ImpactSurveys
from services.meetings.domain import MeetingIndex, VolunteerHours
from services.mentoring.domain import Caseload, Conversation, Relationship
from services.profiles.domain import EntrepreneurProfile, MentorProfile, SelfAssessmentHistory

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class Place:
    country: str
    zone: str
    languages: list[str]
    locale: str
    currency: str


PLACES = [
    Place("ES", "Europe/Madrid", ["es", "en"], "es", "EUR"),
    Place("MX", "America/Mexico_City", ["es"], "es", "MXN"),
    Place("CO", "America/Bogota", ["es", "en"], "es", "COP"),
    Place("ID", "Asia/Jakarta", ["id", "en"], "id", "IDR"),
    Place("KE", "Africa/Nairobi", ["en", "sw"], "en", "KES"),
    Place("NG", "Africa/Lagos", ["en"], "en", "NGN"),
    Place("FR", "Europe/Paris", ["fr", "en"], "fr", "EUR"),
    Place("SN", "Africa/Dakar", ["fr"], "fr", "XOF"),
    Place("MA", "Africa/Casablanca", ["ar", "fr"], "ar", "MAD"),
    Place("EG", "Africa/Cairo", ["ar", "en"], "ar", "EGP"),
    Place("GB", "Europe/London", ["en"], "en", "GBP"),
    Place("US", "America/New_York", ["en", "es"], "en", "USD"),
]


@dataclass(eq=False)
class Person:
    id: UUID
    member: Member
    place: Place
    engaged_until: datetime
    """Signs in now and then until this moment."""
    caseload: Caseload | None = None


@dataclass(eq=False)
class Mentor(Person):
    capacity: int = 2
    current: int = 0
    profile: MentorProfile | None = None
    hours: VolunteerHours | None = None


@dataclass(eq=False)
class Entrepreneur(Person):
    profile: EntrepreneurProfile | None = None
    history: SelfAssessmentHistory | None = None
    surveys: ImpactSurveys | None = None
    revenue: Decimal = Decimal(0)
    employees: int = 1
    activations: list[Activation] = field(default_factory=list)
    pair: Pair | None = None
    """The open request or current relationship, if any (one at a time)."""
    asked: set[UUID] = field(default_factory=set)
    attempts: int = 0


@dataclass(eq=False)
class Pair:
    relationship: Relationship
    mentee: Entrepreneur
    mentor: Mentor
    conversation: Conversation | None = None
    index: MeetingIndex | None = None
    closes_at: datetime | None = None

