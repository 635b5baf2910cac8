"""When an entrepreneur is asked for a follow-up survey: on the day it falls due, a week later
if still unanswered, and a nudge four weeks on; never once it is answered or superseded.

The story starts on Monday 3 March 2031; the programme's follow-ups are the default, 3 and 6
months after the relationship became active (or after the baseline, for those never mentored)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.scheduling.work import DueWork
from services.impact.application import Impact
from services.impact.domain import SurveyKind
from services.impact.notifications import (
    SCHEDULE,
    SURVEY_DUE,
    SURVEY_MAIL,
    SURVEY_OVERDUE,
    SURVEY_REMINDER,
)
from services.mentoring.application import Mentoring
from services.notifications.values import Category
from tests.due_work import carried_out, derived, position
from tests.impact.test_rules import ANSWERS
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules


def scheduled(tenant: EmbeddedTenant, since: int) -> list[DueWork]:
    """Carries out the schedule actions derived since `since`; answers the mail they lead to."""
    for action in derived(tenant, SURVEY_MAIL, since, kind=SCHEDULE):
        assert carried_out(tenant, SURVEY_MAIL, action) is None
    return [work for work in derived(tenant, SURVEY_MAIL, since) if work.kind != SCHEDULE]


def test_a_mentored_entrepreneur_is_asked_on_the_due_day_reminded_and_then_left_alone(
    embedded_tenant: EmbeddedTenant,
) -> None:
    tenant = embedded_tenant
    since = position(tenant)
    ana, ben = tenant.entrepreneur("Ana"), tenant.mentor("Ben")
    relationship_id = tenant.mentoring(ana, ben)  # active from 3 March 2031, 09:00 UTC

    [action] = derived(tenant, SURVEY_MAIL, since, kind=SCHEDULE)
    assert action.member_id == ana.member_id
    assert SURVEY_MAIL.kinds[SCHEDULE] is None
    mail = scheduled(tenant, since)
    # Scheduling again (a retried action) adds nothing.
    assert carried_out(tenant, SURVEY_MAIL, action) is None
    assert len(derived(tenant, SURVEY_MAIL, since)) == len(mail) + 1
    three_months = datetime(2031, 6, 3, 9, tzinfo=UTC)
    assert sorted((w.kind, w.due_at) for w in mail if w.payload["monthsAfter"] == "3") == [
        (SURVEY_DUE, three_months),
        (SURVEY_OVERDUE, datetime(2031, 7, 1, 9, tzinfo=UTC)),
        (SURVEY_REMINDER, datetime(2031, 6, 10, 9, tzinfo=UTC)),
    ]
    assert {w.member_id for w in mail} == {ana.member_id}
    assert SURVEY_MAIL.kinds[SURVEY_OVERDUE] is Category.TIPS

    by_kind = {w.kind: w for w in mail if w.payload["monthsAfter"] == "3"}
    tenant.clock.set(three_months)
    told = carried_out(tenant, SURVEY_MAIL, by_kind[SURVEY_DUE])
    assert told is not None
    assert told.content.subject == "Your 3-month follow-up survey is due"
    assert told.content.action_url.endswith(
        f"/surveys/follow-up?months=3&relationship={relationship_id}")
    assert "fell due on June 3, 2031" in told.content.small_print[0]

    tenant.clock.set("2031-06-10T09:00:00+00:00")
    reminder = carried_out(tenant, SURVEY_MAIL, by_kind[SURVEY_REMINDER])
    assert reminder is not None
    assert reminder.content.subject == "Reminder: your 3-month follow-up survey"
    tenant.app(Impact).answer(
        entrepreneur=ana, kind=SurveyKind.FOLLOW_UP, months_after=3,
        relationship_id=relationship_id, answers=ANSWERS, comment="", actor=ana.actor(),
        mentoring=tenant.app(Mentoring),
    )
    tenant.clock.set("2031-07-01T09:00:00+00:00")
    assert carried_out(tenant, SURVEY_MAIL, by_kind[SURVEY_OVERDUE]) is None


def test_the_nudge_says_why_it_was_sent(embedded_tenant: EmbeddedTenant) -> None:
    tenant = embedded_tenant
    since = position(tenant)
    tenant.mentoring(tenant.entrepreneur("Ana"), tenant.mentor("Ben"))
    [overdue] = [w for w in scheduled(tenant, since)
                 if w.kind == SURVEY_OVERDUE and w.payload["monthsAfter"] == "3"]

    tenant.clock.set("2031-07-01T09:00:00+00:00")
    nudge = carried_out(tenant, SURVEY_MAIL, overdue)
    assert nudge is not None
    assert nudge.content.subject == "Your 3-month follow-up survey is still open"
    assert "because your follow-up survey, due on June 3, 2031" in nudge.content.small_print[0]
    assert "four weeks overdue" in nudge.content.small_print[0]


def test_follow_ups_counted_from_the_baseline_give_way_once_the_entrepreneur_is_mentored(
    embedded_tenant: EmbeddedTenant,
) -> None:
    tenant = embedded_tenant
    since = position(tenant)
    ana = tenant.entrepreneur("Ana")
    tenant.app(Impact).answer(
        entrepreneur=ana, kind=SurveyKind.BASELINE, months_after=None, relationship_id=None,
        answers=ANSWERS, comment="", actor=ana.actor(), mentoring=tenant.app(Mentoring),
    )
    [due] = [w for w in scheduled(tenant, since)
             if w.kind == SURVEY_DUE and w.payload["monthsAfter"] == "3"]
    assert due.payload["relationshipId"] == ""
    assert due.due_at == datetime(2031, 6, 3, 9, tzinfo=UTC)

    # Mentored from April: her follow-ups now count from the relationship.
    tenant.clock.set("2031-04-01T09:00:00+00:00")
    tenant.mentoring(ana, tenant.mentor("Ben"))
    tenant.clock.set("2031-06-03T09:00:00+00:00")
    assert carried_out(tenant, SURVEY_MAIL, due) is None


def test_follow_ups_scheduled_after_their_day_are_nudged_once_not_told_three_times(
    embedded_tenant: EmbeddedTenant,
) -> None:
    # Ana answered her baseline before follow-up mail existed; it is scheduled a year later
    # (as `ithaca migrate` backfills the scheduling actions older events ask for).
    tenant = embedded_tenant
    since = position(tenant)
    ana = tenant.entrepreneur("Ana")
    tenant.app(Impact).answer(
        entrepreneur=ana, kind=SurveyKind.BASELINE, months_after=None, relationship_id=None,
        answers=ANSWERS, comment="", actor=ana.actor(), mentoring=tenant.app(Mentoring),
    )
    tenant.clock.set("2032-03-10T09:00:00+00:00")

    mail = scheduled(tenant, since)
    assert sorted((w.kind, w.payload["monthsAfter"]) for w in mail) == [
        (SURVEY_OVERDUE, "3"), (SURVEY_OVERDUE, "6"),
    ]
