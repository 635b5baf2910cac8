"""What mentoring tells whom, and when: the work its source derives from the stream and what
carrying it out says, told against the applications alone on the story clock.

Each story runs the source by hand as the scheduler does: `Inbox.derive()` reads the events
recorded since its last look, `Inbox.carry_out(work)` does one piece of work at the clock's
instant. `test_notifications_delivered.py` runs the app's scheduler against a real SMTP sink."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from infra.mail.message import MailContent, tenant_link
from infra.scheduling.work import DueWork, Notification
from services.accounts.application import Accounts, Caller
from services.mentoring.application import Mentoring
from services.mentoring.domain import Caseload
from services.mentoring.notifications import MENTORING_NOTIFICATIONS
from services.mentoring.values import DeclineReason, RelationshipStatus, Side
from services.moderation.application import Moderation
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.due_work import carried_out, derived, position
from tests.rules import OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules

DECLINE_NOTE = "Your pricing plan is not realistic and I do not work with bakeries."
END_REASON = "We disagree about everything, frankly."


class Inbox:
    """Mentoring's source run by hand over Acme's stream (`tests.due_work`), each look taking
    up where the last one stopped."""

    def __init__(self, tenant: EmbeddedTenant) -> None:
        self.tenant = tenant
        self.seen = position(tenant)

    def derive(self) -> list[DueWork]:
        """The work asked for by the events recorded since the last look."""
        works = derived(self.tenant, MENTORING_NOTIFICATIONS, self.seen)
        self.seen = position(self.tenant)
        return works

    def carry_out(self, work: DueWork) -> Notification | None:
        return carried_out(self.tenant, MENTORING_NOTIFICATIONS, work)

    def at_due(self, work: DueWork) -> Notification | None:
        """Moves the clock to when the work falls due, and carries it out."""
        if work.due_at is not None:
            self.tenant.clock.set(work.due_at)
        return self.carry_out(work)


def words(told: Notification | None) -> str:
    assert told is not None, "nothing was told"
    content: MailContent = told.content
    return "\n".join((content.subject, content.greeting, *content.paragraphs,
                      content.action_label, content.action_url, *content.small_print))


def of_kind(works: list[DueWork], kind: str) -> list[DueWork]:
    return [work for work in works if work.kind == kind]


def speaking(tenant: EmbeddedTenant, caller: Caller, locale: str) -> Caller:
    tenant.app(Accounts).change_locale(caller.member_id, locale, OPERATOR)
    return caller


def test_a_request_tells_the_mentor_now_nudges_in_a_week_reminds_and_expires_on_time(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    ben = speaking(embedded_tenant, embedded_tenant.mentor("Ben", time_zone="Asia/Jakarta"), "es")
    inbox = Inbox(embedded_tenant)
    asked_at = embedded_tenant.clock.now
    request_id = embedded_tenant.requested(ana, ben)
    expires_at = asked_at + timedelta(days=14)  # the programme's default

    work = inbox.derive()
    assert sorted((w.kind, w.member_id, w.due_at) for w in work) == sorted([
        ("request_received", ben.member_id, None),
        ("request_unanswered", ben.member_id, asked_at + timedelta(days=7)),
        ("request_reminder", ben.member_id, expires_at - timedelta(days=3)),
        ("request_expiry", ana.member_id, expires_at),
    ])
    assert all(w.payload == {"relationshipId": str(request_id)} for w in work)
    assert MENTORING_NOTIFICATIONS.kinds["request_expiry"] is None  # an action

    # Ben reads of it in Spanish, with a link to his requests; never Ana's introduction.
    [received] = of_kind(work, "request_received")
    told = inbox.carry_out(received)
    assert told is not None
    assert told.content.locale == "es"
    assert told.content.subject == "Ana te pide que seas su mentor"
    assert told.content.action_url == tenant_link(
        embedded_tenant.record, embedded_tenant.ithaca.settings, "/requests")
    assert "bakery" not in words(told)

    # A week on, a tip that says why it came.
    [nudge] = of_kind(work, "request_unanswered")
    assert "7" in words(inbox.at_due(nudge))
    # Three days before the deadline, a reminder naming it.
    [reminder] = of_kind(work, "request_reminder")
    reminded = words(inbox.at_due(reminder))
    assert "Ana" in reminded
    assert "(Asia/Jakarta)" in reminded  # the deadline on Ben's own clock

    # At the deadline the expiry is recorded, once however often it is carried out.
    [expiry] = of_kind(work, "request_expiry")
    assert inbox.at_due(expiry) is None
    mentoring = embedded_tenant.app(Mentoring)
    after_expiry = mentoring.position
    assert inbox.carry_out(expiry) is None
    assert mentoring.position == after_expiry
    [entry] = mentoring.relationships_of(ben.member_id)
    assert entry.status is RelationshipStatus.EXPIRED  # what admins' lists show

    # The expiry tells Ana, and only her.
    [expired] = inbox.derive()
    assert (expired.kind, expired.member_id) == ("request_expired", ana.member_id)
    told = inbox.carry_out(expired)
    assert told is not None
    assert told.content.subject == "Your request to Ben has expired"
    assert told.content.action_url.endswith("/my-requests")


def test_once_the_mentor_answers_the_reminder_the_tip_and_the_expiry_do_nothing(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    inbox = Inbox(embedded_tenant)
    request_id = embedded_tenant.requested(ana, ben)
    work = inbox.derive()
    mentoring = embedded_tenant.app(Mentoring)
    mentoring.accept(request_id, ben, ben.actor())

    # Ana is told, with a link to the relationship; Ben, who accepted, is not.
    [accepted] = inbox.derive()
    assert (accepted.kind, accepted.member_id) == ("request_accepted", ana.member_id)
    told = inbox.carry_out(accepted)
    assert told is not None
    assert told.content.subject == "Ben accepted your request"
    assert told.content.action_url.endswith(f"/relationships/{request_id}")

    assert [inbox.carry_out(w) for w in of_kind(work, "request_received")] == [None]
    for kind in ("request_unanswered", "request_reminder", "request_expiry"):
        [due] = of_kind(work, kind)
        before = mentoring.position
        assert inbox.at_due(due) is None, kind
        assert mentoring.position == before, kind
    assert mentoring.get_relationship(request_id, ben).status is RelationshipStatus.ACCEPTED
    assert inbox.derive() == []


def test_a_decline_tells_the_entrepreneur_without_its_reason(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    request_id = embedded_tenant.requested(ana, ben)
    inbox = Inbox(embedded_tenant)
    embedded_tenant.app(Mentoring).decline(
        request_id, ben, DeclineReason.NOT_A_FIT, DECLINE_NOTE, ben.actor()
    )

    [declined] = inbox.derive()
    assert (declined.kind, declined.member_id) == ("request_declined", ana.member_id)
    told = words(inbox.carry_out(declined))
    assert "Your request to Ben was declined" in told
    assert DECLINE_NOTE not in told
    assert "pricing" not in told
    assert "fit" not in told.replace("a good fit", "")  # the reason's name is never given


def test_a_request_short_of_a_week_gets_no_tip_and_one_shorter_than_three_days_no_reminder(
    embedded_tenant: EmbeddedTenant,
) -> None:
    embedded_tenant.app(Programme).change_settings(
        ProgrammeSettings(request_expiry_days=2), OPERATOR
    )
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    inbox = Inbox(embedded_tenant)
    embedded_tenant.requested(ana, ben)
    assert sorted(w.kind for w in inbox.derive()) == ["request_expiry", "request_received"]


def test_a_withdrawal_tells_the_mentor_who_no_longer_has_to_answer(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    request_id = embedded_tenant.requested(ana, ben)
    inbox = Inbox(embedded_tenant)
    embedded_tenant.app(Mentoring).withdraw(request_id, ana, ana.actor())

    [withdrawn] = inbox.derive()
    assert (withdrawn.kind, withdrawn.member_id) == ("request_withdrawn", ben.member_id)
    told = inbox.carry_out(withdrawn)
    assert told is not None
    assert told.content.subject == "The request from Ana was withdrawn"
    assert told.content.action_url.endswith("/requests")


def test_a_suspended_mentors_requests_are_withdrawn_and_the_entrepreneur_is_told(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    embedded_tenant.requested(ana, ben)
    inbox = Inbox(embedded_tenant)
    embedded_tenant.app(Moderation).suspend_member(
        ben.member_id, "Spam in every message.", OPERATOR, embedded_tenant.app(Mentoring)
    )

    told = {w.member_id: inbox.carry_out(w) for w in inbox.derive()
            if w.kind == "request_withdrawn"}
    assert told[ben.member_id] is None  # suspended: told nothing more
    assert "Your request to Ben was withdrawn" in words(told[ana.member_id])


def test_each_step_of_a_relationship_tells_the_other_member_and_never_the_end_reason(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    speaking(embedded_tenant, ana, "fr")
    mentoring = embedded_tenant.app(Mentoring)
    request_id = embedded_tenant.requested(ana, ben)
    mentoring.accept(request_id, ben, ben.actor())
    inbox = Inbox(embedded_tenant)

    steps: list[tuple[Callable[[], object], str, Caller]] = [
        (lambda: mentoring.start(request_id, ben, ben.actor()), "relationship_started", ana),
        (lambda: mentoring.pause(request_id, ana, ana.actor()), "relationship_paused", ben),
        (lambda: mentoring.resume(request_id, ana, ana.actor()), "relationship_resumed", ben),
        (lambda: mentoring.end(request_id, ben, END_REASON, ben.actor()),
         "relationship_ended", ana),
    ]
    for step, kind, told_member in steps:
        step()
        [work] = inbox.derive()
        assert (work.kind, work.member_id) == (kind, told_member.member_id)
        told = inbox.carry_out(work)
        assert told is not None
        assert told.content.action_url.endswith(f"/relationships/{request_id}")
        assert told.content.locale == ("fr" if told_member is ana else "en")
        assert END_REASON not in words(told)


def test_a_completed_relationship_tells_the_other_member(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    relationship_id = embedded_tenant.mentoring(ana, ben)
    inbox = Inbox(embedded_tenant)
    embedded_tenant.app(Mentoring).complete(relationship_id, ana, ana.actor())
    [completed] = inbox.derive()
    assert (completed.kind, completed.member_id) == ("relationship_completed", ben.member_id)
    assert "Your mentoring with Ana is complete" in words(inbox.carry_out(completed))


def test_three_messages_in_a_minute_are_one_notification_of_what_is_still_unread(
    embedded_tenant: EmbeddedTenant,
) -> None:
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    relationship_id = embedded_tenant.mentoring(ana, ben)
    mentoring = embedded_tenant.app(Mentoring)
    inbox = Inbox(embedded_tenant)
    first_at = embedded_tenant.clock.now
    for second, body in ((0, "Hello Ben!"), (20, "Are you free on Monday?"), (40, "Or Tuesday?")):
        embedded_tenant.clock.set(first_at + timedelta(seconds=second))
        mentoring.send_message(relationship_id, ana, body, ana.actor())

    work = inbox.derive()
    # One batch for Ben: the scheduler keeps the first and absorbs the others into it.
    assert {w.batch for w in work} == {f"messages:{_conversation(work)}:{ben.member_id}"}
    assert {w.member_id for w in work} == {ben.member_id}
    assert work[0].due_at == first_at + timedelta(minutes=5)
    told = inbox.at_due(work[0])
    assert told is not None
    assert told.content.subject == "New messages from Ana"
    assert "Unread messages from Ana: 3." in told.content.paragraphs
    assert "Monday" not in words(told)
    assert told.content.action_url.endswith(f"/relationships/{relationship_id}#conversation")

    # Once Ben has read them there is nothing to tell.
    mentoring.mark_read(relationship_id, ben, 3, ben.actor())
    assert inbox.carry_out(work[0]) is None


def test_steps_recorded_before_caseloads_named_their_member_tell_nobody(
    embedded_tenant: EmbeddedTenant,
) -> None:
    # A step noted as it was before notifications came: old news, never sent.
    ana, ben = embedded_tenant.entrepreneur("Ana"), embedded_tenant.mentor("Ben")
    request_id = embedded_tenant.requested(ana, ben)
    now = embedded_tenant.clock.now
    noted: dict[str, Any] = {
        "originator_id": Caseload.create_id(ana.member_id), "originator_version": 3,
        "timestamp": now, "relationship_id": request_id,
        "status": RelationshipStatus.ACCEPTED, "at": now, "actor": ben.actor(),
    }
    assert MENTORING_NOTIFICATIONS.derive(Caseload.StatusNoted(**noted), 1) == []
    named = {**noted, "member_id": ana.member_id, "side": Side.MENTEE}
    [accepted] = MENTORING_NOTIFICATIONS.derive(Caseload.StatusNoted(**named), 1)
    assert (accepted.kind, accepted.member_id) == ("request_accepted", ana.member_id)


def _conversation(work: list[DueWork]) -> UUID:
    return UUID(work[0].payload["conversationId"])
