"""Mentoring's notifications as members receive them: the app's own scheduler run on the story
clock, its mail read from a real SMTP sink, on both backends (`tests/mentoring/
test_notifications.py` tells the source's rules on the fast tier)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from infra.mail.sink import text_of
from services.accounts.application import Accounts
from services.mentoring.domain import Relationship
from services.mentoring.values import RelationshipStatus
from tests.mail.fixtures import Mailroom
from tests.mentoring.conftest import ADMIN, Cohort
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember
from tests.web import serving

DECLINE_NOTE = "Your margins are too thin and I only mentor software companies."


@pytest.fixture
def story(mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch) -> Cohort:
    """Acme's programme served with its mail going to the sink; members stay signed in."""
    sessions_outlast_the_story(monkeypatch)
    return Cohort(mailroom.acme)


def told(mailroom: Mailroom, member: SignedInMember, subject: str = "") -> list[EmailMessage]:
    """The member's mail about mentoring (not their sign-up's), whose subject has `subject`."""
    return [mail for mail in mailroom.inbox(member.email)
            if "/verify-email" not in text_of(mail) and subject in str(mail["Subject"])]


def expiries(story: Cohort, request_id: UUID) -> int:
    recorded = story.mentoring.recorder.select_notifications(
        1, 10_000, topics=[get_topic(Relationship.Expired)])
    return sum(1 for event in recorded if event.originator_id == request_id)


def recorded(story: Cohort, request_id: UUID) -> Relationship:
    """The relationship as recorded (the API reads an overdue request as expired already)."""
    relationship = story.mentoring.find(request_id, Relationship)
    assert relationship is not None
    return relationship


def expires_at(story: Cohort, request_id: UUID) -> datetime:
    expiry: datetime = recorded(story, request_id).expires_at
    return expiry


def test_a_request_gives_the_mentor_one_mail_in_the_mentors_language(
    mailroom: Mailroom, story: Cohort,
) -> None:
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.app(Accounts).change_locale(ben.id, "es", ADMIN)
    story.request(ana, ben)

    mailroom.deliver()
    mailroom.deliver()  # again: nothing more
    [mail] = told(mailroom, ben)
    assert mail["Subject"] == "Ana te pide que seas su mentor"
    assert mail["Content-Language"] == "es"
    assert "http://acme.ithaca.localhost:8000/requests" in text_of(mail)
    assert "bakery" not in text_of(mail)  # her introduction stays on the page
    assert told(mailroom, ana) == []


def test_a_decline_mail_never_carries_the_mentors_reason(
    mailroom: Mailroom, story: Cohort,
) -> None:
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    request_id = story.request(ana, ben)
    story.move(request_id, "decline", ben, {"reason": "not_a_fit", "note": DECLINE_NOTE})

    mailroom.deliver()
    [mail] = told(mailroom, ana)
    assert mail["Subject"] == "Your request to Ben was declined"
    for part in ("plain", "html"):
        assert DECLINE_NOTE not in text_of(mail, part)
        assert "not_a_fit" not in text_of(mail, part)
        assert "software" not in text_of(mail, part)
    assert told(mailroom, ben, "declined") == []


def test_three_messages_within_a_minute_give_one_notification(
    mailroom: Mailroom, story: Cohort,
) -> None:
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    relationship_id = story.request(ana, ben)
    story.move(relationship_id, "accept", ben)
    story.move(relationship_id, "start", ana)
    first_at = story.clock.now
    for second, body in ((0, "Hello Ben!"), (25, "Are you free on Monday?"), (50, "Or Tuesday?")):
        story.clock.set(first_at + timedelta(seconds=second))
        response = mailroom.acme.post(f"/api/v1/relationships/{relationship_id}/messages", ana,
                                      json={"body": body})
        assert response.status_code == 201, response.text
        mailroom.deliver()  # as the app's scheduler would, kicked by each message
    assert told(mailroom, ben, "New messages") == []  # not yet: Ana may write more

    story.clock.set(first_at + timedelta(minutes=5))
    mailroom.deliver()
    story.clock.set(first_at + timedelta(minutes=30))
    mailroom.deliver()
    [mail] = told(mailroom, ben, "New messages")
    assert mail["Subject"] == "New messages from Ana"
    assert "Unread messages from Ana: 3." in text_of(mail)
    assert f"/relationships/{relationship_id}#conversation" in text_of(mail)
    assert "Monday" not in text_of(mail)
    assert told(mailroom, ana, "New messages") == []


def test_a_request_left_unanswered_expires_at_its_deadline_once_and_the_entrepreneur_is_told(
    mailroom: Mailroom, story: Cohort,
) -> None:
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    request_id = story.request(ana, ben)
    deadline = expires_at(story, request_id)

    story.clock.set(deadline - timedelta(minutes=1))
    mailroom.deliver()
    assert recorded(story, request_id).status is RelationshipStatus.REQUESTED

    # At the deadline two schedulers (this app's and another process's) run at once.
    story.clock.set(deadline)
    with serving(mailroom.served.ithaca.settings, clock=story.clock) as other:
        schedulers = (mailroom.scheduler, other.app.state.scheduler)
        runs = [threading.Thread(target=scheduler.run_once) for scheduler in schedulers]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        for scheduler in schedulers:
            scheduler.run_once()

    expired = recorded(story, request_id)
    assert expired.status is RelationshipStatus.EXPIRED  # recorded, as admins' lists read it
    assert expired.closed_at == deadline
    assert expiries(story, request_id) == 1
    [mail] = told(mailroom, ana, "expired")
    assert mail["Subject"] == "Your request to Ben has expired"
    assert told(mailroom, ben, "expired") == []


def test_the_mentor_is_reminded_three_days_before_expiry_unless_already_answered(
    mailroom: Mailroom, story: Cohort,
) -> None:
    ana, cleo, ben = story.entrepreneur("Ana"), story.entrepreneur("Cleo"), story.mentor("Ben")
    from_ana = story.request(ana, ben)
    from_cleo = story.request(cleo, ben)
    story.move(from_cleo, "accept", ben)

    story.clock.set(expires_at(story, from_ana) - timedelta(days=3, minutes=1))
    mailroom.deliver()
    assert told(mailroom, ben, "Reminder") == []
    story.clock.set(expires_at(story, from_ana) - timedelta(days=3))
    mailroom.deliver()
    mailroom.deliver()

    [reminder] = told(mailroom, ben, "Reminder")
    assert reminder["Subject"] == "Reminder: the request from Ana expires soon"
    assert "http://acme.ithaca.localhost:8000/requests" in text_of(reminder)
    # A week on, the tip about Ana's unanswered request came too, saying why; none for Cleo's.
    [tip] = told(mailroom, ben, "waiting for your answer")
    assert tip["Subject"] == "Ana is waiting for your answer"
    assert "7 days without an answer" in text_of(tip)
