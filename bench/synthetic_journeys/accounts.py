"""Members' accounts: signing up (every member with `SYNTHETIC_PASSWORD`), verifying the
address, signing in now and then while engaged, and the rare suspension."""

from __future__ import annotations

from bench.synthetic_journeys.people import DAY, HOUR, MINUTE, Entrepreneur, Person, Place
from bench.synthetic_journeys.simulation import Simulation
from services.accounts.domain import Member, Role, Session, SessionKind


class AccountSteps(Simulation):
    def _sign_up(self, email: str, name: str, roles: list[Role], place: Place) -> Member:
        member = Member(
            id=Member.create_id(email, self.secret), email=email, name=name,
            password_hash=self.password_hash, roles=roles, locale=place.locale,
            actor=self.visitor(),
        )
        self.record(member)
        if self.chance(0.93):
            self.after(self.rng.uniform(2, 600) * MINUTE, self._verify, member)
        return member

    def _verify(self, member: Member) -> None:
        member.verify_email(self.visitor())
        self.record(member)

    def _sign_in(self, person: Person) -> None:
        if person.member.suspended:
            return
        kind = SessionKind.BEARER if self.chance(0.6) else SessionKind.COOKIE
        token = f"{self.rng.getrandbits(256):064x}"
        session = Session(
            id=Session.create_id(token), member_id=person.id, kind=kind,
            expires_at=self.now + (30 if kind is SessionKind.BEARER else 14) * DAY,
            actor=self.visitor(), generation=person.member.session_generation,
        )
        self.record(session)
        if self.now < person.engaged_until:
            self.after(self.rng.expovariate(1 / 16) * DAY + HOUR, self._sign_in, person)


    def _suspend(self, person: Person) -> None:
        if person.member.suspended or (isinstance(person, Entrepreneur) and person.pair):
            return
        person.member.suspend("Repeated requests for money", self.admin)
        self.record(person.member)
        if self.chance(0.5):
            self.after(self.days(14, 60), self._reinstate, person)

    def _reinstate(self, person: Person) -> None:
        if person.member.suspended:
            person.member.reinstate("Cleared after review", self.admin)
            self.record(person.member)
