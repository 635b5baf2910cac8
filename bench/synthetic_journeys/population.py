"""Who joins and when: mentors (a third at launch) and entrepreneurs (sign-ups growing until a
month before the end) join, write their profiles and set their journeys going."""

from __future__ import annotations

from datetime import datetime
from datetime import time as wall_time
from decimal import Decimal

import msgspec

from bench.synthetic_journeys.mentoring import MentoringSteps
from bench.synthetic_journeys.people import (
    DAY,
    HOUR,
    MINUTE,
    PLACES,
    Entrepreneur,
    Mentor,
)
from infra.eventstore.streams import StreamApplication
from services.accounts.domain import Role
from services.profiles.domain import (
    EntrepreneurDetails,
    EntrepreneurProfile,
    MentorDetails,
    MentorProfile,
    WorkingHours,
)
from services.programme.default_questionnaire import DEFAULT_AREAS
from services.programme.domain import ProgrammeConfiguration, ProgrammeSettings

PROGRAMMES = ["women-in-business", "export-ready", "green-growth"]
EMPLOYERS = [
    "Northwind Bank", "Contoso Consulting", "Fabrikam Logistics", "Tailspin Telecom",
    "Litware Energy", "Adventure Works",
]


class Journeys(MentoringSteps):
    """A programme's journeys, planned from its first day: play them out with `run`."""

    def __init__(
        self, app: StreamApplication, *, entrepreneurs: int, mentors: int, seed: int,
        start: datetime, batch_events: int,
    ) -> None:
        super().__init__(app, seed=seed, start=start, batch_events=batch_events)
        self._plan(entrepreneurs, mentors)

    def _plan(self, entrepreneurs: int, mentors: int) -> None:
        self.at(self.start, self._programme)
        for number in range(mentors):
            # A third of the mentors are there at launch; the rest join over fifteen months.
            days = (self.rng.uniform(0, 14) if self.rng.random() < 0.35
                    else self.rng.uniform(0, 450))
            self.at(self.start + MINUTE + days * DAY, self._mentor_joins, number)
        for number in range(entrepreneurs):
            # Sign-ups grow steadily (density rising linearly) until a month before the end.
            days = 500 * self.rng.random() ** 0.5
            self.at(self.start + HOUR + days * DAY, self._entrepreneur_joins, number)

    def _programme(self) -> None:
        existing = self.app.repository.get(ProgrammeConfiguration.ID) if (
            ProgrammeConfiguration.ID in self.app.repository) else None
        if isinstance(existing, ProgrammeConfiguration):
            self.settings = existing.settings
            return
        configuration = ProgrammeConfiguration(actor=self.admin)
        self.settings = ProgrammeSettings(corporate=True, programmes=list(PROGRAMMES))
        configuration.change(self.settings, self.admin)
        self.record(configuration)

    def _mentor_joins(self, number: int) -> None:
        place = self.rng.choice(PLACES)
        member = self._sign_up(f"mentor-{number}@synthetic.example", f"Mentor {number}",
                               [Role.MENTOR], place)
        mentor = Mentor(id=member.id, member=member, place=place,
                        engaged_until=self.now + 60 * DAY,
                        capacity=self.rng.choice([1, 2, 2, 3, 3, 4, 5]))
        self.mentors.append(mentor)
        self.after(self.rng.uniform(1, 20) * MINUTE, self._sign_in, mentor)
        self.after(self.days(0.01, 3), self._mentor_profile, mentor)

    def _mentor_details(self, mentor: Mentor, number: int) -> MentorDetails:
        rng = self.rng
        return MentorDetails(
            headline="Export, pricing and finance for small businesses",
            bio="Twenty years in sales and finance, across three continents.",
            expertise=rng.sample([a.area for a in DEFAULT_AREAS], rng.randint(2, 5)),
            industries=rng.sample("ABCFGIJ", rng.randint(1, 3)),
            languages=list(mentor.place.languages), country=mentor.place.country,
            countries_of_experience=sorted({p.country for p in rng.sample(PLACES, 3)}),
            time_zone=mentor.place.zone,
            working_hours=WorkingHours(start=wall_time(9), end=wall_time(18),
                                       weekdays=[0, 1, 2, 3, 4]),
            capacity=mentor.capacity, monthly_hours=rng.choice([4, 6, 8, 10, 16]),
            employer=rng.choice(EMPLOYERS) if self.settings.corporate else "",
            employee_id=f"E{number:06d}" if self.settings.corporate else "",
            programme=rng.choice([*self.settings.programmes, ""]),
        )

    def _mentor_profile(self, mentor: Mentor) -> None:
        profile = MentorProfile(member_id=mentor.id, actor=self.member_actor(mentor))
        profile.change(self._mentor_details(mentor, len(self.ready_mentors)),
                       self.member_actor(mentor))
        mentor.profile = profile
        self.record(profile)
        self.ready_mentors.append(mentor)
        if self.chance(0.3):
            self.after(self.days(20, 300), self._mentor_profile_update, mentor)

    def _mentor_profile_update(self, mentor: Mentor) -> None:
        assert mentor.profile is not None
        assert mentor.profile.details is not None
        mentor.capacity = max(1, min(6, mentor.capacity + self.rng.choice([-1, 1, 1])))
        details = mentor.profile.details
        mentor.profile.change(msgspec.structs.replace(details, capacity=mentor.capacity),
                              self.member_actor(mentor))
        self.record(mentor.profile)

    def _entrepreneur_joins(self, number: int) -> None:
        place = self.rng.choice(PLACES)
        member = self._sign_up(f"entrepreneur-{number}@synthetic.example",
                               f"Entrepreneur {number}", [Role.ENTREPRENEUR], place)
        entrepreneur = Entrepreneur(
            id=member.id, member=member, place=place, engaged_until=self.now + 45 * DAY,
            revenue=Decimal(self.rng.randrange(2_000, 400_000, 500)),
            employees=self.rng.randint(0, 12),
        )
        self.entrepreneurs.append(entrepreneur)
        self.after(self.rng.uniform(1, 20) * MINUTE, self._sign_in, entrepreneur)
        if self.chance(0.94):
            self.after(self.days(0.01, 2), self._entrepreneur_profile, entrepreneur)

    def _entrepreneur_profile(self, entrepreneur: Entrepreneur) -> None:
        actor = self.member_actor(entrepreneur)
        profile = EntrepreneurProfile(member_id=entrepreneur.id, actor=actor)
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

    def _business(self, entrepreneur: Entrepreneur, stage: str) -> EntrepreneurDetails:
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

    def _entrepreneur_profile_update(self, entrepreneur: Entrepreneur) -> None:
        assert entrepreneur.profile is not None
        entrepreneur.profile.change(self._business(entrepreneur, "growing"),
                                    self.member_actor(entrepreneur))
        self.record(entrepreneur.profile)
