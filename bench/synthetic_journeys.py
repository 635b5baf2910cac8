"""Synthetic tenant logs: about eighteen months of a mentoring programme, written fast.

Read models are only as fast as the log they are rebuilt from, so benchmarks and tests need a log
shaped like a real tenant's: many members who mostly sign in and fill in forms, fewer
relationships, and inside each active relationship the bulk of the log, its messages, with
meetings, session logs and surveys in between. Driving the HTTP API for a million events would
take hours (argon2 alone costs milliseconds a member), so this module plays the journeys out on
the domain aggregates themselves, the way the application services do (the same commands, the
same aggregates recorded together), and appends the events a couple of thousand at a time
through a `StreamApplication` bound to the tenant's stream.

Time is simulated: every command runs at its moment on one clock, in time order, so the stream's
order is the order of the events' times, their `timestamp` and their `at` fields agree, and the
log spans `SPAN` from `start`. The clock is put into the library's `create_timestamp` for the
duration of a run, so no other thread of the process should create domain events meanwhile.

Every member's password is `SYNTHETIC_PASSWORD` (one cheap argon2 hash shared by all), so a test
can sign in as any of them. A seed fixes every choice; ids come from it too, but ciphertexts and
member ids (keyed with the stream's secret) differ between streams.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from argon2 import PasswordHasher
from eventsourcing.domain import BaseAggregate, CanCreateTimestamp
from eventsourcing.utils import get_topic

from infra.bootstrap import Ithaca
from infra.eventstore.streams import StreamApplication
from services.accounts.domain import Member, Role, Session, SessionKind
from services.actor import Actor
from services.impact.domain import (
    Activation,
    ImpactSurveys,
    RevenueBand,
    SurveyAnswers,
    add_months,
    follow_up_dates,
)
from services.meetings.domain import Meeting, MeetingIndex, MeetingStatus, VolunteerHours
from services.mentoring.domain import (
    CURRENT,
    Caseload,
    Conversation,
    DeclineReason,
    Relationship,
    RelationshipStatus,
    WithdrawalCause,
)
from services.profiles.domain import (
    AreaRating,
    EntrepreneurDetails,
    EntrepreneurProfile,
    MentorDetails,
    MentorProfile,
    SelfAssessmentHistory,
    WorkingHours,
    derive_need_areas,
)
from services.programme.default_questionnaire import DEFAULT_AREAS
from services.programme.domain import (
    DEFAULT_QUESTIONNAIRE_VERSION,
    ProgrammeConfiguration,
    ProgrammeSettings,
)
from tenants.directory import TenantRecord

__all__ = [
    "EVENTS_PER_ENTREPRENEUR",
    "SPAN",
    "SYNTHETIC_PASSWORD",
    "JourneyLog",
    "JourneyWriter",
    "write_journeys",
    "write_tenant_journeys",
]

SYNTHETIC_PASSWORD = "synthetic journeys password"  # noqa: S105 - synthetic members only
SPAN = timedelta(days=548)
DEFAULT_START = datetime(2024, 6, 3, tzinfo=UTC)
EVENTS_PER_ENTREPRENEUR = 171
"""Events the log holds per entrepreneur, measured at the mix below; `events` is divided by it."""
MENTORS_PER_ENTREPRENEUR = 0.25
PROGRAMMES = ["women-in-business", "export-ready", "green-growth"]
EMPLOYERS = [
    "Northwind Bank", "Contoso Consulting", "Fabrikam Logistics", "Tailspin Telecom",
    "Litware Energy", "Adventure Works",
]
EXPIRY_ACTOR = Actor(kind="system", id="mentoring-expiry")

_MINUTE, _HOUR, _DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class _Place:
    country: str
    zone: str
    languages: list[str]
    locale: str
    currency: str


_PLACES = [
    _Place("ES", "Europe/Madrid", ["es", "en"], "es", "EUR"),
    _Place("MX", "America/Mexico_City", ["es"], "es", "MXN"),
    _Place("CO", "America/Bogota", ["es", "en"], "es", "COP"),
    _Place("ID", "Asia/Jakarta", ["id", "en"], "id", "IDR"),
    _Place("KE", "Africa/Nairobi", ["en", "sw"], "en", "KES"),
    _Place("NG", "Africa/Lagos", ["en"], "en", "NGN"),
    _Place("FR", "Europe/Paris", ["fr", "en"], "fr", "EUR"),
    _Place("SN", "Africa/Dakar", ["fr"], "fr", "XOF"),
    _Place("MA", "Africa/Casablanca", ["ar", "fr"], "ar", "MAD"),
    _Place("EG", "Africa/Cairo", ["ar", "en"], "ar", "EGP"),
    _Place("GB", "Europe/London", ["en"], "en", "GBP"),
    _Place("US", "America/New_York", ["en", "es"], "en", "USD"),
]

_INTRODUCTIONS = [
    "I run a small workshop and want to sell to shops abroad, but I do not know how to price "
    "export orders or how to finance the first large one.",
    "We grew from two to six people this year and I am struggling to plan cash flow; your "
    "experience in finance for small manufacturers would help a lot.",
    "My online shop gets visitors but few buy. I would love advice on marketing and on how to "
    "turn social media followers into customers.",
    "I am about to sign my first contract with a supermarket chain and want someone who has "
    "negotiated such deals to look at the terms with me.",
]
_MESSAGES = [
    "Thanks, I will send the price list by Friday.",
    "Here is the draft of the supplier contract we talked about.",
    "Could we move our next call by a day? Something came up at the market.",
    "Good news: the buyer answered and wants samples!",
    "I looked at your cash-flow sheet; the second tab double counts VAT.",
    "Try raising the wholesale price by ten percent and see who pushes back.",
    "I talked to my accountant about the loan; she agrees with your numbers.",
    "Great progress this week. Let us look at the marketing plan next time.",
    "Sorry for the late answer, the power was out most of yesterday.",
    "Attached are the photos of the new packaging. What do you think?",
]
_AGENDAS = [
    "Review the export price list", "Cash-flow plan for the next quarter",
    "Supplier contract terms", "Marketing plan and social media", "Hiring the first salesperson",
]
_SUMMARIES = [
    "We went through the price list line by line and found two products sold at a loss.",
    "Agreed on a three-month cash-flow plan and a buffer for the rainy season.",
    "Reviewed the contract; the payment terms need to come down from 90 to 45 days.",
]
_END_REASONS = ["We did not find a good rhythm.", "My business closed for the season.",
                "I found help closer to home."]


@dataclass(frozen=True)
class JourneyLog:
    """What a run wrote."""

    events: int
    head: int
    """The stream's position after the last append."""
    seconds: float
    first_at: datetime
    last_at: datetime
    entrepreneur_ids: list[UUID]
    mentor_ids: list[UUID]
    relationship_ids: list[UUID]
    topics: dict[str, int]
    """Events per topic."""
    emails: dict[UUID, str]
    """Every member's e-mail address (they all sign in with `SYNTHETIC_PASSWORD`)."""

    @property
    def members(self) -> int:
        return len(self.entrepreneur_ids) + len(self.mentor_ids)


class JourneyWriter(StreamApplication):
    """Appends the generated events to the tenant's stream (nothing else)."""

    name = "synthetic_journeys"


@dataclass(eq=False)
class _Person:
    id: UUID
    member: Member
    place: _Place
    engaged_until: datetime
    """Signs in now and then until this moment."""
    caseload: Caseload | None = None


@dataclass(eq=False)
class _Mentor(_Person):
    capacity: int = 2
    current: int = 0
    profile: MentorProfile | None = None
    hours: VolunteerHours | None = None


@dataclass(eq=False)
class _Entrepreneur(_Person):
    profile: EntrepreneurProfile | None = None
    history: SelfAssessmentHistory | None = None
    surveys: ImpactSurveys | None = None
    revenue: Decimal = Decimal(0)
    employees: int = 1
    activations: list[Activation] = field(default_factory=list)
    pair: _Pair | None = None
    """The open request or current relationship, if any (one at a time)."""
    asked: set[UUID] = field(default_factory=set)
    attempts: int = 0


@dataclass(eq=False)
class _Pair:
    relationship: Relationship
    mentee: _Entrepreneur
    mentor: _Mentor
    conversation: Conversation | None = None
    index: MeetingIndex | None = None
    closes_at: datetime | None = None


Action = Callable[..., None]


class _Journeys:
    """The simulation: an agenda of (time, action) played in time order."""

    def __init__(
        self, app: StreamApplication, *, entrepreneurs: int, mentors: int, seed: int,
        start: datetime, batch_events: int,
    ) -> None:
        self.app = app
        self.rng = random.Random(seed)  # noqa: S311 - a repeatable workload, not a secret
        self.start, self.end = start, start + SPAN
        self.now = start
        self.batch_events = batch_events
        self.agenda: list[tuple[datetime, int, Action, tuple[Any, ...]]] = []
        self.order = itertools.count()
        self.pending: list[Any] = []
        self.written = 0
        self.head = 0
        self.appender: ThreadPoolExecutor | None = None
        self.appending: Future[int] | None = None
        self.kinds: Counter[type] = Counter()
        self.secret = app.stream.personal_keys.stream_secret()
        self.password_hash = PasswordHasher(time_cost=1, memory_cost=1024).hash(
            SYNTHETIC_PASSWORD)
        self.entrepreneurs: list[_Entrepreneur] = []
        self.mentors: list[_Mentor] = []
        self.ready_mentors: list[_Mentor] = []
        self.relationship_ids: list[UUID] = []
        self.settings = ProgrammeSettings()
        self.admin = Actor(kind="cli", id="synthetic-journeys")
        self._plan(entrepreneurs, mentors)

    # The agenda -----------------------------------------------------------------------------

    def _plan(self, entrepreneurs: int, mentors: int) -> None:
        self.at(self.start, self._programme)
        for number in range(mentors):
            # A third of the mentors are there at launch; the rest join over fifteen months.
            days = (self.rng.uniform(0, 14) if self.rng.random() < 0.35
                    else self.rng.uniform(0, 450))
            self.at(self.start + _MINUTE + days * _DAY, self._mentor_joins, number)
        for number in range(entrepreneurs):
            # Sign-ups grow steadily (density rising linearly) until a month before the end.
            days = 500 * self.rng.random() ** 0.5
            self.at(self.start + _HOUR + days * _DAY, self._entrepreneur_joins, number)

    def at(self, when: datetime, action: Action, *args: Any) -> None:
        if when <= self.end:
            heapq.heappush(self.agenda, (when, next(self.order), action, args))

    def after(self, delay: timedelta, action: Action, *args: Any) -> None:
        self.at(self.now + delay, action, *args)

    def days(self, low: float, high: float) -> timedelta:
        return self.rng.uniform(low, high) * _DAY

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def run(self) -> None:
        # Appends run in a thread, one at a time and in order, while the next batch is played
        # out: about half of an append is waiting for the database.
        with _timestamps_from(lambda: self.now), ThreadPoolExecutor(1) as appender:
            self.appender = appender
            while self.agenda:
                when, _, action, args = heapq.heappop(self.agenda)
                self.now = when
                action(*args)
                if len(self.pending) >= self.batch_events:
                    self.flush()
            self.flush()
            self._appended()

    def record(self, *aggregates: BaseAggregate[UUID]) -> None:
        """One command's aggregates, recorded together as the application services do."""
        for aggregate in aggregates:
            for domain_event in aggregate.collect_events():
                self.pending.append(domain_event)
                self.kinds[type(domain_event)] += 1

    def flush(self) -> None:
        if self.pending:
            self._appended()
            assert self.appender is not None
            self.appending = self.appender.submit(self._append, self.pending)
            self.written += len(self.pending)
            self.pending = []

    def _append(self, events: list[Any]) -> int:
        recordings = self.app.events.put(events)
        return recordings[-1].notification.id

    def _appended(self) -> None:
        """Waits for the append in flight (raising what it raised)."""
        if self.appending is not None:
            self.head = self.appending.result()
            self.appending = None

    def new_id(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def member_actor(self, person: _Person) -> Actor:
        return Actor(kind="member", id=str(person.id),
                     correlation_id=f"{self.rng.getrandbits(128):032x}")

    def visitor(self) -> Actor:
        return Actor(kind="visitor", id="anonymous",
                     correlation_id=f"{self.rng.getrandbits(128):032x}")

    # Members --------------------------------------------------------------------------------

    def _programme(self) -> None:
        existing = self.app.repository.get(ProgrammeConfiguration.ID) if (
            ProgrammeConfiguration.ID in self.app.repository) else None
        if isinstance(existing, ProgrammeConfiguration):
            self.settings = existing.settings
            return
        configuration = ProgrammeConfiguration._create(
            ProgrammeConfiguration.Started, id=ProgrammeConfiguration.ID, actor=self.admin)
        self.settings = ProgrammeSettings(corporate=True, programmes=list(PROGRAMMES))
        configuration.change(self.settings, self.admin)
        self.record(configuration)

    def _sign_up(self, email: str, name: str, roles: list[Role], place: _Place) -> Member:
        member = Member._create(
            Member.SignedUp, id=Member.create_id(email, self.secret), email=email, name=name,
            password_hash=self.password_hash, roles=roles, locale=place.locale,
            actor=self.visitor(),
        )
        self.record(member)
        if self.chance(0.93):
            self.after(self.rng.uniform(2, 600) * _MINUTE, self._verify, member)
        return member

    def _verify(self, member: Member) -> None:
        member.verify_email(self.visitor())
        self.record(member)

    def _sign_in(self, person: _Person) -> None:
        if person.member.suspended:
            return
        kind = SessionKind.BEARER if self.chance(0.6) else SessionKind.COOKIE
        token = f"{self.rng.getrandbits(256):064x}"
        session = Session._create(
            Session.Started, id=Session.create_id(token), member_id=person.id, kind=kind,
            expires_at=self.now + (30 if kind is SessionKind.BEARER else 14) * _DAY,
            actor=self.visitor(), generation=person.member.session_generation,
        )
        self.record(session)
        if self.now < person.engaged_until:
            self.after(self.rng.expovariate(1 / 16) * _DAY + _HOUR, self._sign_in, person)

    def _mentor_joins(self, number: int) -> None:
        place = self.rng.choice(_PLACES)
        member = self._sign_up(f"mentor-{number}@synthetic.example", f"Mentor {number}",
                               [Role.MENTOR], place)
        mentor = _Mentor(id=member.id, member=member, place=place,
                         engaged_until=self.now + 60 * _DAY,
                         capacity=self.rng.choice([1, 2, 2, 3, 3, 4, 5]))
        self.mentors.append(mentor)
        self.after(self.rng.uniform(1, 20) * _MINUTE, self._sign_in, mentor)
        self.after(self.days(0.01, 3), self._mentor_profile, mentor)

    def _mentor_details(self, mentor: _Mentor, number: int) -> MentorDetails:
        rng = self.rng
        return MentorDetails(
            headline="Export, pricing and finance for small businesses",
            bio="Twenty years in sales and finance, across three continents.",
            expertise=rng.sample([a.area for a in DEFAULT_AREAS], rng.randint(2, 5)),
            industries=rng.sample("ABCFGIJ", rng.randint(1, 3)),
            languages=list(mentor.place.languages), country=mentor.place.country,
            countries_of_experience=sorted({p.country for p in rng.sample(_PLACES, 3)}),
            time_zone=mentor.place.zone,
            working_hours=WorkingHours(start=wall_time(9), end=wall_time(18),
                                       weekdays=[0, 1, 2, 3, 4]),
            capacity=mentor.capacity, monthly_hours=rng.choice([4, 6, 8, 10, 16]),
            employer=rng.choice(EMPLOYERS) if self.settings.corporate else "",
            employee_id=f"E{number:06d}" if self.settings.corporate else "",
            programme=rng.choice([*self.settings.programmes, ""]),
        )

    def _mentor_profile(self, mentor: _Mentor) -> None:
        profile = MentorProfile._create(
            MentorProfile.Opened, id=MentorProfile.create_id(mentor.id), member_id=mentor.id,
            actor=self.member_actor(mentor))
        profile.change(self._mentor_details(mentor, len(self.ready_mentors)),
                       self.member_actor(mentor))
        mentor.profile = profile
        self.record(profile)
        self.ready_mentors.append(mentor)
        if self.chance(0.3):
            self.after(self.days(20, 300), self._mentor_profile_update, mentor)

    def _mentor_profile_update(self, mentor: _Mentor) -> None:
        assert mentor.profile is not None
        assert mentor.profile.details is not None
        mentor.capacity = max(1, min(6, mentor.capacity + self.rng.choice([-1, 1, 1])))
        details = mentor.profile.details
        mentor.profile.change(msgspec.structs.replace(details, capacity=mentor.capacity),
                              self.member_actor(mentor))
        self.record(mentor.profile)

    def _entrepreneur_joins(self, number: int) -> None:
        place = self.rng.choice(_PLACES)
        member = self._sign_up(f"entrepreneur-{number}@synthetic.example",
                               f"Entrepreneur {number}", [Role.ENTREPRENEUR], place)
        entrepreneur = _Entrepreneur(
            id=member.id, member=member, place=place, engaged_until=self.now + 45 * _DAY,
            revenue=Decimal(self.rng.randrange(2_000, 400_000, 500)),
            employees=self.rng.randint(0, 12),
        )
        self.entrepreneurs.append(entrepreneur)
        self.after(self.rng.uniform(1, 20) * _MINUTE, self._sign_in, entrepreneur)
        if self.chance(0.94):
            self.after(self.days(0.01, 2), self._entrepreneur_profile, entrepreneur)

    def _entrepreneur_profile(self, entrepreneur: _Entrepreneur) -> None:
        actor = self.member_actor(entrepreneur)
        profile = EntrepreneurProfile._create(
            EntrepreneurProfile.Opened, id=EntrepreneurProfile.create_id(entrepreneur.id),
            member_id=entrepreneur.id, actor=actor)
        profile.change(self._business(entrepreneur, "early"), actor)
        entrepreneur.profile = profile
        self.record(profile)
        if self.chance(0.85):
            self.after(self.days(0.003, 5), self._self_assessment, entrepreneur)
        if self.chance(0.75):
            self.after(self.days(0.05, 10), self._baseline, entrepreneur)
        if self.chance(0.9):
            self.after(self.days(1, 14), self._request, entrepreneur)
        if self.chance(0.2):
            self.after(self.days(30, 300), self._entrepreneur_profile_update, entrepreneur)

    def _business(self, entrepreneur: _Entrepreneur, stage: str) -> EntrepreneurDetails:
        place = entrepreneur.place
        return EntrepreneurDetails(
            business_name="Workshop", description="Hand-made goods sold online and in markets.",
            stage=stage, industry=self.rng.choice("ACGIJMS"), country=place.country,
            languages=list(place.languages), time_zone=place.zone,
            working_hours=WorkingHours(start=wall_time(8), end=wall_time(17),
                                       weekdays=[0, 1, 2, 3, 4, 5]),
            challenges="Pricing for export", goals="First buyer abroad",
            employees=entrepreneur.employees,
            website="https://shop.example.org" if self.chance(0.4) else "",
            programme=self.rng.choice([*self.settings.programmes, ""]),
        )

    def _entrepreneur_profile_update(self, entrepreneur: _Entrepreneur) -> None:
        assert entrepreneur.profile is not None
        entrepreneur.profile.change(self._business(entrepreneur, "growing"),
                                    self.member_actor(entrepreneur))
        self.record(entrepreneur.profile)

    def _self_assessment(self, entrepreneur: _Entrepreneur) -> None:
        assert entrepreneur.profile is not None
        actor = self.member_actor(entrepreneur)
        history = entrepreneur.history or SelfAssessmentHistory._create(
            SelfAssessmentHistory.Started,
            id=SelfAssessmentHistory.create_id(entrepreneur.id), member_id=entrepreneur.id,
            actor=actor)
        entrepreneur.history = history
        ratings = [AreaRating(area=area.area, rating=self.rng.randint(1, 5))
                   for area in DEFAULT_AREAS]
        need_areas = derive_need_areas(ratings)
        notes = {"finance": "Cash runs out every March."} if self.chance(0.3) else {}
        history.submit(questionnaire_version=DEFAULT_QUESTIONNAIRE_VERSION, ratings=ratings,
                       notes=notes, need_areas=need_areas, at=self.now, actor=actor)
        entrepreneur.profile.assess_needs(
            need_areas=need_areas, questionnaire_version=DEFAULT_QUESTIONNAIRE_VERSION,
            actor=actor)
        self.record(history, entrepreneur.profile)

    def _suspend(self, person: _Person) -> None:
        if person.member.suspended or (isinstance(person, _Entrepreneur) and person.pair):
            return
        person.member.suspend("Repeated requests for money", self.admin)
        self.record(person.member)
        if self.chance(0.5):
            self.after(self.days(14, 60), self._reinstate, person)

    def _reinstate(self, person: _Person) -> None:
        if person.member.suspended:
            person.member.reinstate("Cleared after review", self.admin)
            self.record(person.member)

    # Surveys --------------------------------------------------------------------------------

    def _answers(self, entrepreneur: _Entrepreneur, growth: float) -> SurveyAnswers:
        entrepreneur.revenue = (entrepreneur.revenue * Decimal(str(growth))).quantize(
            Decimal(1))
        if self.chance(0.3):
            band = (RevenueBand.UNDER_1K if entrepreneur.revenue < 1_000
                    else RevenueBand.FROM_1K_TO_10K if entrepreneur.revenue < 10_000
                    else RevenueBand.FROM_10K_TO_50K if entrepreneur.revenue < 50_000
                    else RevenueBand.FROM_50K_TO_250K if entrepreneur.revenue < 250_000
                    else RevenueBand.OVER_250K)
            revenue: dict[str, Any] = {"revenue_band": band}
        else:
            revenue = {"revenue_amount": entrepreneur.revenue,
                       "revenue_currency": entrepreneur.place.currency}
        if growth > 1 and self.chance(0.3):
            entrepreneur.employees += 1
        return SurveyAnswers(
            business_operating=self.chance(0.96), **revenue,
            full_time_employees=entrepreneur.employees,
            part_time_employees=self.rng.randint(0, 3),
            confidence={area: self.rng.randint(1, 5)
                        for area in self.rng.sample(["finance", "marketing", "sales",
                                                     "strategy", "digital"], 3)},
            new_finance=self.chance(0.15 if growth <= 1 else 0.3),
        )

    def _surveys(self, entrepreneur: _Entrepreneur, actor: Actor) -> ImpactSurveys:
        if entrepreneur.surveys is None:
            entrepreneur.surveys = ImpactSurveys._create(
                ImpactSurveys.Started, id=ImpactSurveys.create_id(entrepreneur.id),
                entrepreneur_id=entrepreneur.id, actor=actor)
        return entrepreneur.surveys

    def _baseline(self, entrepreneur: _Entrepreneur) -> None:
        actor = self.member_actor(entrepreneur)
        surveys = self._surveys(entrepreneur, actor)
        surveys.answer_baseline(self._answers(entrepreneur, 1.0), "", self.now, actor)
        self.record(surveys)
        for months in self.settings.follow_up_months:  # counted from the baseline if unmentored
            if self.chance(0.45):
                self.at(add_months(self.now, months) + self.days(0, 21), self._follow_up,
                        entrepreneur, None, months)

    def _follow_up(
        self, entrepreneur: _Entrepreneur, relationship_id: UUID | None, months: int
    ) -> None:
        surveys = entrepreneur.surveys
        baseline_at = surveys.baseline_at if surveys else None
        dates = follow_up_dates(baseline_at, entrepreneur.activations,
                                self.settings.follow_up_months)
        due = any(survey.months_after == months and survey.relationship_id == relationship_id
                  and survey.due_at is not None and survey.due_at <= self.now
                  for survey in dates)
        if not due or (surveys and (relationship_id, months) in surveys.answered()):
            return  # no longer on the schedule (a relationship started meanwhile)
        actor = self.member_actor(entrepreneur)
        surveys = self._surveys(entrepreneur, actor)
        growth = self.rng.uniform(0.95, 1.35) if relationship_id else self.rng.uniform(0.8, 1.15)
        comment = "Sales are up since we changed prices." if self.chance(0.2) else ""
        surveys.answer_follow_up(dates, months, relationship_id,
                                 self._answers(entrepreneur, growth), comment, self.now, actor)
        self.record(surveys)

    # Requests -------------------------------------------------------------------------------

    def _pick_mentor(self, entrepreneur: _Entrepreneur) -> _Mentor | None:
        if not self.ready_mentors:
            return None
        languages = set(entrepreneur.place.languages)
        for tries in range(40):
            mentor = self.rng.choice(self.ready_mentors)
            if (mentor.current < mentor.capacity and mentor.id not in entrepreneur.asked
                    and not mentor.member.suspended
                    and (tries >= 20 or languages.intersection(mentor.place.languages))):
                return mentor
        return None

    def _caseload(self, person: _Person, actor: Actor) -> Caseload:
        if person.caseload is None:
            person.caseload = Caseload._create(
                Caseload.Started, id=Caseload.create_id(person.id), member_id=person.id,
                actor=actor)
        return person.caseload

    def _request(self, entrepreneur: _Entrepreneur) -> None:
        if entrepreneur.pair is not None or entrepreneur.member.suspended:
            return
        mentor = self._pick_mentor(entrepreneur)
        entrepreneur.attempts += 1
        if mentor is None:
            if entrepreneur.attempts < 6:
                self.after(self.days(3, 10), self._request, entrepreneur)
            return
        actor = self.member_actor(entrepreneur)
        relationship = Relationship._create(
            Relationship.Requested, id=self.new_id(), mentee_id=entrepreneur.id,
            mentor_id=mentor.id, introduction=self.rng.choice(_INTRODUCTIONS),
            requested_at=self.now,
            expires_at=self.now + self.settings.request_expiry_days * _DAY, actor=actor)
        pair = _Pair(relationship, entrepreneur, mentor)
        entrepreneur.pair = pair
        entrepreneur.asked.add(mentor.id)
        self.relationship_ids.append(relationship.id)
        self._transition(pair, actor)
        expiry = self.settings.request_expiry_days
        outcome = self.rng.random()
        if outcome < 0.62:
            self.after(self.days(0.05, min(10, expiry - 0.1)), self._accept, pair)
        elif outcome < 0.75:
            self.after(self.days(0.05, min(9, expiry - 0.1)), self._decline, pair)
        elif outcome < 0.80:
            self.after(self.days(0.5, min(10, expiry - 0.1)), self._withdraw, pair)
        else:  # the daily expiry job finds it
            self.at(relationship.expires_at + self.days(0, 1), self._expire, pair)

    def _transition(self, pair: _Pair, actor: Actor) -> None:
        """Records the relationship with both members' caseloads, as `Mentoring` does."""
        relationship = pair.relationship
        caseloads = [self._caseload(pair.mentee, actor), self._caseload(pair.mentor, actor)]
        for caseload in caseloads:
            caseload.note(relationship, self.now, actor)
        self.record(relationship, *caseloads)

    def _closed(self, pair: _Pair, retry: float) -> None:
        """The request or relationship is over: the entrepreneur may look for another."""
        entrepreneur = pair.mentee
        entrepreneur.pair = None
        if entrepreneur.attempts < 5 and self.chance(retry):
            self.after(self.days(1, 14), self._request, entrepreneur)

    def _accept(self, pair: _Pair) -> None:
        relationship, mentor = pair.relationship, pair.mentor
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        if mentor.current >= mentor.capacity:
            self._decline(pair, DeclineReason.TOO_BUSY)
            return
        actor = self.member_actor(mentor)
        relationship.accept(self.now, actor)
        mentor.current += 1
        self._transition(pair, actor)
        if self.chance(0.97):
            self.after(self.days(0.1, 10), self._start, pair)
        else:
            self.after(self.days(10, 20), self._end, pair, pair.mentee)

    def _decline(self, pair: _Pair, reason: DeclineReason | None = None) -> None:
        relationship = pair.relationship
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        actor = self.member_actor(pair.mentor)
        reason = reason or self.rng.choice(list(DeclineReason))
        note = "My calendar is full until spring." if self.chance(0.3) else ""
        relationship.decline(pair.mentor.id, reason, note, self.now, actor)
        self._transition(pair, actor)
        self._closed(pair, retry=0.8)

    def _withdraw(self, pair: _Pair) -> None:
        relationship = pair.relationship
        if relationship.status_at(self.now) is not RelationshipStatus.REQUESTED:
            return
        actor = self.member_actor(pair.mentee)
        relationship.withdraw(WithdrawalCause.MENTEE, self.now, actor)
        self._transition(pair, actor)
        self._closed(pair, retry=0.5)

    def _expire(self, pair: _Pair) -> None:
        if not pair.relationship.is_overdue(self.now):
            return
        pair.relationship.expire(self.now, EXPIRY_ACTOR)
        self._transition(pair, EXPIRY_ACTOR)
        self._closed(pair, retry=0.7)

    # Relationships --------------------------------------------------------------------------

    def _start(self, pair: _Pair) -> None:
        relationship = pair.relationship
        if relationship.status is not RelationshipStatus.ACCEPTED:
            return
        actor = self.member_actor(pair.mentor if self.chance(0.6) else pair.mentee)
        relationship.start(self.now, actor)
        self._transition(pair, actor)
        pair.mentee.activations.append(Activation(relationship.id, self.now))
        lasting = self.days(90, 270)
        pair.closes_at = self.now + lasting
        for person in (pair.mentee, pair.mentor):
            person.engaged_until = max(person.engaged_until, pair.closes_at + 14 * _DAY)
        self.after(self.days(0, 2), self._burst, pair)
        self.after(self.days(1, 10), self._propose_meeting, pair)
        if self.chance(0.2):
            self.after(lasting * self.rng.uniform(0.2, 0.8), self._pause, pair)
        self.at(pair.closes_at, self._close, pair)
        for months in self.settings.follow_up_months:
            if self.chance(0.6):
                self.at(add_months(self.now, months) + self.days(0, 21), self._follow_up,
                        pair.mentee, relationship.id, months)

    def _pause(self, pair: _Pair) -> None:
        if pair.relationship.status is RelationshipStatus.ACTIVE:
            actor = self.member_actor(pair.mentee if self.chance(0.5) else pair.mentor)
            pair.relationship.pause(self.now, actor)
            self._transition(pair, actor)
            self.after(self.days(14, 42), self._resume, pair)

    def _resume(self, pair: _Pair) -> None:
        if pair.relationship.status is RelationshipStatus.PAUSED:
            actor = self.member_actor(pair.mentee if self.chance(0.5) else pair.mentor)
            pair.relationship.resume(self.now, actor)
            self._transition(pair, actor)

    def _close(self, pair: _Pair) -> None:
        relationship = pair.relationship
        if relationship.status not in (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED):
            return
        if self.chance(0.85):
            actor = self.member_actor(pair.mentor if self.chance(0.6) else pair.mentee)
            relationship.complete(self.now, actor)
            self._transition(pair, actor)
            self._finished(pair)
        else:
            self._end(pair, pair.mentee if self.chance(0.5) else pair.mentor)

    def _end(self, pair: _Pair, by: _Person) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        actor = self.member_actor(by)
        relationship.end(by.id, self.rng.choice(_END_REASONS), self.now, actor)
        self._transition(pair, actor)
        self._finished(pair)

    def _finished(self, pair: _Pair) -> None:
        pair.mentor.current -= 1
        entrepreneur = pair.mentee
        self._closed(pair, retry=0.25)
        if entrepreneur.history is not None and self.chance(0.2):
            self.after(self.days(1, 30), self._self_assessment, entrepreneur)
        if self.chance(0.01):
            self.after(self.days(1, 30), self._suspend, entrepreneur)

    # Messages -------------------------------------------------------------------------------

    def _burst(self, pair: _Pair) -> None:
        """A short exchange of messages, perhaps read by the other side later."""
        status = pair.relationship.status
        if status not in CURRENT:
            return
        if status is RelationshipStatus.ACTIVE:
            sender = self.chance(0.5)
            gap = timedelta(0)
            for _ in range(self.rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])):
                gap += self.rng.uniform(1, 40) * _MINUTE
                self.after(gap, self._message, pair, sender)
                sender = not sender if self.chance(0.7) else sender
            if self.chance(0.6):
                self.after(gap + self.rng.uniform(10, 720) * _MINUTE, self._read, pair,
                           not sender)
        self.after(self.rng.expovariate(1 / 3.2) * _DAY + _HOUR, self._burst, pair)

    def _message(self, pair: _Pair, from_mentee: bool) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        sender = pair.mentee if from_mentee else pair.mentor
        actor = self.member_actor(sender)
        if pair.conversation is None:
            pair.conversation = Conversation._create(
                Conversation.Opened, id=Conversation.create_id(relationship.id),
                relationship_id=relationship.id,
                member_ids=[relationship.mentee_id, relationship.mentor_id], actor=actor)
        pair.conversation.send(sender.id, self.rng.choice(_MESSAGES), self.now, actor)
        self.record(pair.conversation)

    def _read(self, pair: _Pair, by_mentee: bool) -> None:
        conversation = pair.conversation
        if conversation is None or pair.relationship.status not in CURRENT:
            return
        reader = pair.mentee if by_mentee else pair.mentor
        if conversation.mark_read(reader.id, len(conversation.messages), self.now,
                                  self.member_actor(reader)):
            self.record(conversation)

    # Meetings -------------------------------------------------------------------------------

    def _propose_meeting(self, pair: _Pair) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        self.after(self.days(10, 25), self._propose_meeting, pair)
        if relationship.status is not RelationshipStatus.ACTIVE:
            return
        proposer, other = ((pair.mentee, pair.mentor) if self.chance(0.6)
                           else (pair.mentor, pair.mentee))
        actor = self.member_actor(proposer)
        if pair.index is None:
            pair.index = MeetingIndex._create(
                MeetingIndex.Started, id=MeetingIndex.create_id(relationship.id),
                relationship_id=relationship.id, actor=actor)
        day = (self.now + self.days(2, 10)).replace(minute=0, second=0, microsecond=0)
        starts_at = day.replace(hour=self.rng.randint(7, 18),
                                minute=self.rng.choice([0, 30]))
        meeting = Meeting._create(
            Meeting.Proposed, id=self.new_id(), relationship_id=relationship.id,
            mentor_id=pair.mentor.id, mentee_id=pair.mentee.id, proposer_id=proposer.id,
            starts_at=starts_at, duration_minutes=self.rng.choice([30, 45, 60, 60, 90]),
            time_zone=proposer.place.zone, proposer_zone=proposer.place.zone,
            other_zone=other.place.zone, agenda=self.rng.choice(_AGENDAS),
            video_link="https://meet.example.org/m" if self.chance(0.5) else "",
            at=self.now, actor=actor)
        pair.index.add(meeting.id, actor)
        self.record(meeting, pair.index)
        self._answer_later(pair, meeting, other)

    def _answer_later(self, pair: _Pair, meeting: Meeting, answerer: _Person) -> None:
        room = (meeting.starts_at - self.now) / _HOUR - 1
        if room <= 0.5:
            return
        when = self.rng.uniform(0.5, min(36, room)) * _HOUR
        outcome = self.rng.random()
        if outcome < 0.82:
            self.after(when, self._accept_meeting, pair, meeting, answerer)
        elif outcome < 0.90 and meeting.sequence < 2:
            self.after(when, self._reschedule_meeting, pair, meeting, answerer)
        elif outcome < 0.95:
            self.after(when, self._decline_meeting, meeting, answerer)

    def _accept_meeting(self, pair: _Pair, meeting: Meeting, by: _Person) -> None:
        if (meeting.status is not MeetingStatus.PROPOSED or self.now >= meeting.starts_at
                or pair.relationship.status not in CURRENT):
            return
        meeting.accept(by.id, self.now, self.member_actor(by))
        self.record(meeting)
        if self.chance(0.04):
            room = (meeting.starts_at - self.now) / _HOUR
            self.after(self.rng.uniform(0, room) * _HOUR, self._cancel_meeting, meeting,
                       self.rng.choice([pair.mentee, pair.mentor]))
            return
        if self.chance(0.85):
            held = meeting.starts_at + meeting.duration_minutes * _MINUTE
            author, other = ((pair.mentor, pair.mentee) if self.chance(0.8)
                             else (pair.mentee, pair.mentor))
            self.at(held + self.rng.uniform(0.1, 48) * _HOUR, self._log_session, pair,
                    meeting, author, other)

    def _reschedule_meeting(self, pair: _Pair, meeting: Meeting, by: _Person) -> None:
        if meeting.status is not MeetingStatus.PROPOSED or pair.relationship.status not in CURRENT:
            return
        other = pair.mentor if by is pair.mentee else pair.mentee
        starts_at = meeting.starts_at + self.days(1, 5)
        meeting.reschedule(by.id, starts_at, meeting.duration_minutes, by.place.zone,
                           by.place.zone, other.place.zone, self.now, self.member_actor(by))
        self.record(meeting)
        self._answer_later(pair, meeting, other)

    def _decline_meeting(self, meeting: Meeting, by: _Person) -> None:
        if meeting.status is MeetingStatus.PROPOSED:
            meeting.decline(by.id, self.now, self.member_actor(by))
            self.record(meeting)

    def _cancel_meeting(self, meeting: Meeting, by: _Person) -> None:
        if meeting.status is MeetingStatus.ACCEPTED and meeting.session_log is None:
            meeting.cancel(by.id, self.now, self.member_actor(by))
            self.record(meeting)

    def _hours(self, mentor: _Mentor, actor: Actor) -> VolunteerHours:
        if mentor.hours is None:
            mentor.hours = VolunteerHours._create(
                VolunteerHours.Started, id=VolunteerHours.create_id(mentor.id),
                mentor_id=mentor.id, actor=actor)
        return mentor.hours

    def _log_session(
        self, pair: _Pair, meeting: Meeting, author: _Person, other: _Person
    ) -> None:
        if meeting.status is not MeetingStatus.ACCEPTED or meeting.session_log is not None:
            return
        actor = self.member_actor(author)
        minutes = max(5, meeting.duration_minutes + self.rng.choice([-15, 0, 0, 0, 15, 30]))
        meeting.log_session(author.id, minutes, self.rng.choice(_SUMMARIES),
                            "Send the revised price list.", "Call two buyers.", self.now, actor)
        hours = self._hours(pair.mentor, actor)
        hours.count_session(meeting.id, minutes, actor)
        self.record(meeting, hours)
        if self.chance(0.75):
            self.after(self.rng.uniform(1, 120) * _HOUR, self._confirm_session, pair, meeting,
                       other)

    def _confirm_session(self, pair: _Pair, meeting: Meeting, by: _Person) -> None:
        actor = self.member_actor(by)
        log = meeting.confirm_session(by.id, self.now, actor)
        hours = self._hours(pair.mentor, actor)
        hours.confirm_session(meeting.id, log.duration_minutes, actor)
        self.record(meeting, hours)

    # ----------------------------------------------------------------------------------------

    def result(self, seconds: float) -> JourneyLog:
        return JourneyLog(
            events=self.written, head=self.head, seconds=seconds, first_at=self.start,
            last_at=self.now,
            entrepreneur_ids=[e.id for e in self.entrepreneurs],
            mentor_ids=[m.id for m in self.mentors],
            relationship_ids=list(self.relationship_ids),
            topics={get_topic(kind): count for kind, count in self.kinds.most_common()},
            emails={person.id: person.member.email
                    for person in [*self.entrepreneurs, *self.mentors]},
        )


@contextmanager
def _timestamps_from(clock: Callable[[], datetime]) -> Iterator[None]:
    """Events created meanwhile take their `timestamp` from `clock` (the simulated time)."""
    original = CanCreateTimestamp.__dict__["create_timestamp"]
    setattr(CanCreateTimestamp, "create_timestamp", staticmethod(clock))  # noqa: B010
    try:
        yield
    finally:
        setattr(CanCreateTimestamp, "create_timestamp", original)  # noqa: B010


def write_journeys(
    app: StreamApplication, *, events: int, seed: int = 0, start: datetime = DEFAULT_START,
    batch_events: int = 2000,
) -> JourneyLog:
    """Appends about `events` events of synthetic journeys to the stream `app` is bound to."""
    entrepreneurs = max(4, round(events / EVENTS_PER_ENTREPRENEUR))
    mentors = max(2, round(entrepreneurs * MENTORS_PER_ENTREPRENEUR))
    began = time.perf_counter()
    journeys = _Journeys(app, entrepreneurs=entrepreneurs, mentors=mentors, seed=seed,
                         start=start, batch_events=batch_events)
    journeys.run()
    return journeys.result(time.perf_counter() - began)


def write_tenant_journeys(
    ithaca: Ithaca, tenant: TenantRecord, *, events: int, seed: int = 0,
    start: datetime = DEFAULT_START,
) -> JourneyLog:
    """`write_journeys` into a provisioned tenant's stream."""
    return write_journeys(ithaca.tenant_application(tenant, JourneyWriter), events=events,
                          seed=seed, start=start)
