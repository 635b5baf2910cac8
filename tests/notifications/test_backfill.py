"""Requests made before the scheduler existed still expire on their deadline: `ithaca migrate`
queues the actions older events ask for (never their notifications, which would be old news)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventsourcing.utils import get_topic

from infra.clock import SettableClock
from infra.scheduling.due_work import DueWorkTable
from services.mentoring.domain import Relationship
from tests.mail.fixtures import Mailroom
from tests.mentoring.conftest import Cohort
from tests.story_time import sessions_outlast_the_story


def test_an_open_request_from_before_the_scheduler_expires_on_its_deadline(
    mailroom: Mailroom, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sessions_outlast_the_story(monkeypatch)
    ithaca_clock.set("2026-05-04T10:00:00+00:00")
    story = Cohort(mailroom.acme)
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    request_id = story.request(ana, ben)
    ithaca = mailroom.served.ithaca
    acme = ithaca.tenant("acme")
    scheduler = mailroom.scheduler
    # An earlier release's scheduler went past the request without deriving anything from it.
    table = DueWorkTable(ithaca.tenant_stream(acme))
    table.queue([], story.mentoring.position, ithaca_clock())
    assert scheduler.queue(acme) == 0

    assert scheduler.backfill_actions(acme) == 1
    assert scheduler.backfill_actions(acme) == 1  # found again, queued once
    assert sum(count for (kind, _), count in table.statuses().items()
               if kind == "request_expiry") == 1
    relationship = story.mentoring.get(request_id, Relationship, field="id")
    ithaca_clock.set(relationship.expires_at + timedelta(minutes=1))
    mailroom.deliver()
    expired = [n for n in story.mentoring.recorder.select_notifications(
        1, 10_000, topics=[get_topic(Relationship.Expired)]) if n.originator_id == request_id]
    assert len(expired) == 1
    # The request itself was old news: Ben was never told of it now.
    assert not [mail for mail in mailroom.inbox(ben.email) if "Ana" in str(mail["Subject"])]
