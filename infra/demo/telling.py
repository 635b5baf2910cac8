"""Telling the demo's story: every step planned, then told in time order, then the closing
staff member created. Steps planned for the same moment are told in the order they were
planned; staff who join during the story are planned last, after anyone sharing their moment."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from infra.clock import SettableClock
from infra.container import Ithaca
from infra.demo.data import load_story
from infra.demo.impact import plan_unmentored_follow_ups
from infra.demo.members import create_staff, plan_mentor_joining, plan_onboarding
from infra.demo.mentoring import plan_pairing
from infra.demo.moderation import plan_report
from infra.demo.stage import Stage
from services.accounts.application import Accounts
from services.actor import Actor
from services.errors import ConflictError
from tenants.directory import TenantRecord

__all__ = ["add_demo_sample_data"]


def add_demo_sample_data(
    ithaca: Ithaca, tenant: TenantRecord, actor: Actor, *, now: datetime | None = None
) -> bool:
    """Fills the demo tenant with its sample programme (see the package's docstring); answers
    whether anything was added (False: the sample was already complete)."""
    story = load_story()
    accounts = ithaca.tenant_application(tenant, Accounts)
    if accounts.find_member_by_email(story.closing_staff.email) is not None:
        return False
    if accounts.find_member_by_email(story.first_staff.email) is not None:
        raise ConflictError(
            "the %(slug)s tenant holds part of the sample data from an interrupted "
            "`ithaca demo`; give it a fresh stream (or another data directory) and run again",
            field="demo", values={"slug": tenant.slug},
        )
    clock = ithaca.clock
    if not isinstance(clock, SettableClock):
        msg = "the demo is told in story time: bootstrap(settings, clock=SettableClock())"
        raise TypeError(msg)
    with clock.borrowed():
        stage = Stage(story, ithaca, tenant, actor, now or clock(), clock)
        _plan(stage)
        stage.tell()
        stage.clock.now = stage.now
        create_staff(stage, story.closing_staff)
    return True


def _plan(stage: Stage) -> None:
    story = stage.story

    def sets_up_programme() -> None:
        stage.programme.change_settings(story.programme.settings, stage.cli_actor)

    stage.at(stage.day(0, 6), sets_up_programme)
    for index, mentor in enumerate(story.mentors):
        plan_mentor_joining(stage, index, mentor)
    for entrepreneur in story.entrepreneurs:
        plan_onboarding(stage, entrepreneur)
    for index, pairing in enumerate(story.pairings):
        plan_pairing(stage, index, pairing)
    plan_unmentored_follow_ups(stage)
    for report in story.reports:
        plan_report(stage, report)
    for staff in story.programme.staff:
        if staff.joins is not None:
            joins = stage.day(staff.joins.day, staff.joins.hour)
            stage.at(joins, partial(create_staff, stage, staff))
