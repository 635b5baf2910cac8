"""Where the demo's story is told: the applications its members act through, the story clock,
the plan of steps, and who acts.

Every step is planned first (`at`), then all of them are told in time order (`tell`), the
clock set to each step's moment; steps planned after the real now have not happened (yet).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from infra.clock import SettableClock
from infra.container import Ithaca
from infra.demo.data import Entrepreneur, Mentor, Story
from services.accounts.application import Accounts, Caller
from services.actor import Actor
from services.impact.application import Impact
from services.meetings.application import Meetings
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.moderation.application import Moderation
from services.profiles.application import Profiles
from services.programme.application import Programme
from tenants.directory import TenantRecord

__all__ = ["Stage"]

_NO_SESSION = UUID(int=0)
"""The session id of the story's callers: they act in-process, never signed in over HTTP."""
_Step = tuple[datetime, int, Callable[[], None]]


class Stage:
    def __init__(
        self, story: Story, ithaca: Ithaca, tenant: TenantRecord, actor: Actor, now: datetime,
        clock: SettableClock,
    ) -> None:
        self.story = story
        self.now = now
        self.origin = datetime.combine(
            (now - timedelta(days=story.programme.story_days)).date(), time(), UTC)
        self.clock = clock
        clock.set(self.origin)
        self.rng = random.Random(story.programme.seed)  # noqa: S311 - sample figures, not secrets
        self.cli_actor = actor
        self.correlation = actor.correlation_id
        self.accounts = ithaca.tenant_application(tenant, Accounts)
        self.profiles = ithaca.tenant_application(tenant, Profiles)
        self.programme = ithaca.tenant_application(tenant, Programme)
        self.mentoring = ithaca.tenant_application(tenant, Mentoring)
        self.meetings = ithaca.tenant_application(tenant, Meetings)
        self.impact = ithaca.tenant_application(tenant, Impact)
        self.moderation = ithaca.tenant_application(tenant, Moderation)
        self.locator = Locator(self.profiles, tenant.time_zone)
        self.mentors = {mentor.key: mentor for mentor in story.mentors}
        self.entrepreneurs = {person.key: person for person in story.entrepreneurs}
        self.ids: dict[str, UUID] = {}
        """Member ids by key, relationship and meeting ids by label, as the story creates them."""
        self.steps: list[_Step] = []

    # Planning and telling -------------------------------------------------------------------

    def day(self, day: float, hour: float = 0) -> datetime:
        return self.origin + timedelta(days=day, hours=hour)

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        """Plans an action; the ones after the real now have not happened (yet)."""
        if when < self.now:
            self.steps.append((when, len(self.steps), action))

    def tell(self) -> None:
        for when, _, action in sorted(self.steps, key=lambda step: step[:2]):
            self.clock.now = when
            action()

    # Who acts -------------------------------------------------------------------------------

    def caller(self, key: str) -> Caller:
        member = self.accounts.get_member(self.ids[key])
        return Caller(
            member_id=member.id, roles=frozenset(member.roles), session_id=_NO_SESSION,
            locale=member.locale,
        )

    def actor(self, key: str) -> Actor:
        return Actor(kind="member", id=str(self.ids[key]), correlation_id=self.correlation)

    @property
    def visitor(self) -> Actor:
        return Actor(kind="visitor", id="anonymous", correlation_id=self.correlation)

    def wall_time(self, key: str, mentee: Entrepreneur, instant: datetime) -> str:
        """The instant as the member `key` types it: on their wall clock (a mentor's, or
        the mentee's)."""
        member: Mentor | Entrepreneur = self.mentors.get(key, mentee)
        return instant.astimezone(ZoneInfo(member.time_zone)).strftime("%Y-%m-%dT%H:%M")

    # What they write --------------------------------------------------------------------------

    def say(self, when: datetime, label: str, sender: str, body: str) -> None:
        """The sender reads what the other wrote, then writes."""

        def says() -> None:
            caller, actor = self.caller(sender), self.actor(sender)
            relationship_id = self.ids[label]
            theirs = [m.number for m in self.mentoring.messages(relationship_id, caller)
                      if m.sender_id != caller.member_id]
            if theirs:
                self.mentoring.mark_read(relationship_id, caller, max(theirs), actor)
            self.mentoring.send_message(relationship_id, caller, body, actor)

        self.at(when, says)
