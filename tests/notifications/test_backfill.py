"""What events from before the scheduler existed still ask for happens: `ithaca migrate` queues
their actions (a request still expires on its deadline) and their notifications still ahead (a
meeting booked before is reminded), never what was due before (old news)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from eventsourcing.utils import get_topic

from infra.clock import SettableClock
from infra.mail.sink import text_of
from infra.scheduling.due_work import DueWorkTable
from services.meetings.application import Meetings
from services.mentoring.domain import Relationship
from tests.mail.fixtures import Mailroom
from tests.meetings.conftest import Pair
from tests.mentoring.conftest import Cohort
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember


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

    found = scheduler.backfill(acme)
    assert scheduler.backfill(acme) == found  # found again, queued once
    assert sum(count for (kind, _), count in table.statuses().items()
               if kind == "request_expiry") == 1
    mailroom.deliver()
    # The request itself was old news: Ben is not told of it now...
    assert not [mail for mail in mailroom.inbox(ben.email) if "Ana" in str(mail["Subject"])]
    relationship = story.mentoring.get(request_id, Relationship, field="id")
    ithaca_clock.set(relationship.expires_at - timedelta(days=3))
    mailroom.deliver()
    # ... but the reminder still ahead of it arrives on its day,
    assert "Reminder: the request from Ana expires soon" in [
        str(mail["Subject"]) for mail in mailroom.inbox(ben.email)]
    ithaca_clock.set(relationship.expires_at + timedelta(minutes=1))
    mailroom.deliver()
    # and the request expires on its deadline.
    expired = [n for n in story.mentoring.recorder.select_notifications(
        1, 10_000, topics=[get_topic(Relationship.Expired)]) if n.originator_id == request_id]
    assert len(expired) == 1


def test_a_meeting_booked_before_the_scheduler_is_still_reminded_on_time(
    mailroom: Mailroom, ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sessions_outlast_the_story(monkeypatch)
    ithaca_clock.set("2026-02-02T14:00:00+00:00")
    pair = Pair(mailroom.acme, ithaca_clock, mentor_zone="Europe/Madrid", mentor_country="ES",
                mentee_zone="America/New_York", mentee_country="US")
    meeting = pair.proposed(pair.ana, startsAt="2026-03-10T10:00")
    pair.done(meeting["meetingId"], "accept", pair.ben)
    ithaca = mailroom.served.ithaca
    acme = ithaca.tenant("acme")
    scheduler = mailroom.scheduler
    # An earlier release's scheduler went past the booking without deriving anything from it.
    table = DueWorkTable(ithaca.tenant_stream(acme))
    table.queue([], ithaca.tenant_application(acme, Meetings).position, ithaca_clock())
    assert scheduler.queue(acme) == 0

    assert scheduler.backfill(acme) >= 4  # a day and an hour before, for each of the two
    mailroom.deliver()
    assert meeting_mail(mailroom, pair.ana) == meeting_mail(mailroom, pair.ben) == []  # old news

    ithaca_clock.set("2026-03-09T14:00:00+00:00")
    mailroom.deliver()
    assert [str(mail["Subject"]) for mail in meeting_mail(mailroom, pair.ana)] == [
        "Reminder: you meet Ben on March 10, 2026, 10:00\u202fAM (America/New_York)"]
    assert len(meeting_mail(mailroom, pair.ben)) == 1
    scheduler.backfill(acme)  # a second migrate: nothing is queued twice
    ithaca_clock.set("2026-03-10T13:00:00+00:00")
    mailroom.deliver()
    assert [len(meeting_mail(mailroom, m)) for m in (pair.ana, pair.ben)] == [2, 2]


def meeting_mail(mailroom: Mailroom, member: SignedInMember) -> list[EmailMessage]:
    return [mail for mail in mailroom.inbox(member.email) if "#meetings" in text_of(mail)]
