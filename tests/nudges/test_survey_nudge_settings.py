"""Impact's overdue-survey nudge reads the tenant's nudge settings when it falls due: switched
off it tells nobody, and the tenant's words replace the built-in subject and body (the fast
tier, through the source alone)."""

from __future__ import annotations

import pytest

from infra.scheduling.work import DueWork
from services.accounts.application import Accounts, Caller
from services.actor import Actor
from services.impact.notifications import SCHEDULE, SURVEY_MAIL, SURVEY_OVERDUE
from services.nudge_settings.application import Nudges
from services.nudge_settings.values import NudgeWords
from tests.due_work import carried_out, derived, position
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules

ADMIN = Actor(kind="cli", id="test")
OVERDUE_AT = "2031-07-01T09:00:00+00:00"
"""Four weeks after the 3-month follow-up of a relationship active from 3 March 2031."""


def overdue_survey(tenant: EmbeddedTenant) -> tuple[Caller, DueWork]:
    since = position(tenant)
    ana = tenant.entrepreneur("Ana")
    tenant.mentoring(ana, tenant.mentor("Ben"))
    for action in derived(tenant, SURVEY_MAIL, since, kind=SCHEDULE):
        carried_out(tenant, SURVEY_MAIL, action)
    [overdue] = [work for work in derived(tenant, SURVEY_MAIL, since, kind=SURVEY_OVERDUE)
                 if work.payload["monthsAfter"] == "3"]
    tenant.clock.set(OVERDUE_AT)
    return ana, overdue


def test_the_overdue_survey_nudge_switched_off_tells_nobody(
    embedded_tenant: EmbeddedTenant,
) -> None:
    _, overdue = overdue_survey(embedded_tenant)
    embedded_tenant.app(Nudges).change(SURVEY_OVERDUE, ADMIN, on=False)
    assert carried_out(embedded_tenant, SURVEY_MAIL, overdue) is None


def test_the_overdue_survey_nudge_speaks_the_tenants_french_words(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, overdue = overdue_survey(embedded_tenant)
    embedded_tenant.app(Accounts).change_locale(ana.member_id, "fr", ADMIN)
    embedded_tenant.app(Nudges).change(SURVEY_OVERDUE, ADMIN, words={"fr": NudgeWords(
        subject="%(name)s, votre questionnaire à %(months)s mois vous attend")})

    told = carried_out(embedded_tenant, SURVEY_MAIL, overdue)
    assert told is not None
    assert told.content.subject == "Ana, votre questionnaire à 3 mois vous attend"
    # The body was left empty: the built-in one, in French.
    assert told.content.paragraphs[0].startswith(
        "Votre enquête de suivi à 3 mois est ouverte depuis quatre semaines.")
