"""Who hears of a meeting, when, and with which calendar file: the rules of meetings' mail,
told against the applications alone (the scheduler and the SMTP journey are told in
tests/meetings/test_meeting_mail.py).

Ana (an entrepreneur in Lisbon) is mentored by Ben (in Madrid). On Friday 28 March 2031 she
proposes to meet on Tuesday 1 April at 18:00 on her clock; both countries put their clocks
forward on Sunday 30 March, in between.
"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar  # type: ignore[import-untyped]
import pytest

from infra.scheduling.work import DueWork, Notification
from services.accounts.application import Accounts, Caller
from services.meetings.application import Meetings
from services.meetings.domain import Meeting
from services.meetings.notifications import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    MEETING_MAIL,
    PROPOSED,
    REMINDER_DAY,
    REMINDER_HOUR,
    RESCHEDULED,
    SESSION_LOG,
)
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from tests.due_work import carried_out, derived, position
from tests.rules import OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules

FRIDAY = "2031-03-28T09:00:00+00:00"
STARTS = datetime(2031, 4, 1, 17, 0, tzinfo=UTC)
"""18:00 in Lisbon and 19:00 in Madrid, both on summer time by then."""


class Pair:
    def __init__(self, tenant: EmbeddedTenant) -> None:
        self.tenant = tenant
        self.ana, self.ben = tenant.entrepreneur("Ana"), tenant.mentor("Ben")
        self.relationship_id = tenant.mentoring(self.ana, self.ben)
        self.meetings = tenant.app(Meetings)
        self.locator = Locator(tenant.app(Profiles), tenant.record.time_zone)
        tenant.clock.set(FRIDAY)
        self.since = position(tenant)

    def propose(self, by: Caller, starts_at: str, video_link: str = "") -> Meeting:
        relationship = self.tenant.app(Mentoring).get_relationship(self.relationship_id, by)
        meeting, _ = self.meetings.propose(
            relationship, by, self.locator, starts_at=starts_at, time_zone=None, fold=None,
            duration_minutes=60, agenda="Pricing for wholesale buyers.", video_link=video_link,
            actor=by.actor(),
        )
        return meeting

    def reschedule(self, meeting: Meeting, by: Caller, starts_at: str) -> None:
        self.meetings.reschedule(meeting.id, by, self.locator, starts_at=starts_at,
                                 time_zone=None, fold=None, duration_minutes=None,
                                 actor=by.actor())

    def work(self, kind: str) -> list[DueWork]:
        return derived(self.tenant, MEETING_MAIL, self.since, kind=kind)

    def told(self, work: DueWork) -> Notification:
        notification = carried_out(self.tenant, MEETING_MAIL, work)
        assert notification is not None, work
        return notification


@pytest.fixture
def pair(embedded_tenant: EmbeddedTenant) -> Pair:
    return Pair(embedded_tenant)


def calendar_of(notification: Notification) -> icalendar.Calendar:
    [attachment] = notification.attachments
    assert attachment.filename == "meeting.ics"
    calendar = icalendar.Calendar.from_ical(attachment.data)
    assert attachment.content_type == f"text/calendar; method={calendar['METHOD']}; charset=utf-8"
    return calendar


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


def test_a_proposal_across_the_clock_change_reaches_ben_on_his_clock_with_an_invitation(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")

    [proposed] = pair.work(PROPOSED)
    assert proposed.member_id == pair.ben.member_id
    told = pair.told(proposed)
    assert told.content.subject.startswith("Ana proposes a meeting on April 1, 2031")
    assert "7:00" in told.content.subject
    assert "(Europe/Madrid)" in told.content.subject
    assert told.content.action_url.endswith(f"/relationships/{pair.relationship_id}#meetings")

    calendar = calendar_of(told)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert event["UID"] == f"{meeting.id}@acme.ithaca"  # the download's UID
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART").astimezone(UTC) == STARTS
    assert str(event["ORGANIZER"]).startswith("mailto:meetings@acme.")
    attendees = {a.params["CN"]: str(a) for a in event["ATTENDEE"]}
    assert set(attendees) == {"Ana", "Ben"}
    # No member's own address leaves in the file.
    assert b"@acme.example" not in told.attachments[0].data


def test_reminders_fall_due_a_day_and_an_hour_before_each_on_its_members_clock(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())

    reminders = pair.work(REMINDER_DAY) + pair.work(REMINDER_HOUR)
    assert sorted((w.kind, w.member_id, w.due_at) for w in reminders) == sorted([
        (REMINDER_DAY, pair.ana.member_id, datetime(2031, 3, 31, 17, tzinfo=UTC)),
        (REMINDER_DAY, pair.ben.member_id, datetime(2031, 3, 31, 17, tzinfo=UTC)),
        (REMINDER_HOUR, pair.ana.member_id, datetime(2031, 4, 1, 16, tzinfo=UTC)),
        (REMINDER_HOUR, pair.ben.member_id, datetime(2031, 4, 1, 16, tzinfo=UTC)),
    ])
    pair.tenant.clock.set("2031-03-31T17:00:00+00:00")
    by_member = {w.member_id: pair.told(w) for w in pair.work(REMINDER_DAY)}
    anas, bens = by_member[pair.ana.member_id], by_member[pair.ben.member_id]
    assert "Reminder: you meet Ben on" in anas.content.subject
    assert "6:00" in anas.content.subject
    assert "(Europe/Lisbon)" in anas.content.subject
    assert "7:00" in bens.content.subject
    assert "(Europe/Madrid)" in bens.content.subject
    assert "because the meeting starts in 24 hours" in anas.content.small_print[0]
    assert not anas.attachments


def test_a_move_drops_the_old_reminders_derives_new_ones_and_updates_the_same_entry(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())
    [accepted] = pair.work(ACCEPTED)
    assert accepted.member_id == pair.ana.member_id
    first = event_of(calendar_of(pair.told(accepted)))
    assert first["STATUS"] == "CONFIRMED"

    # Ben moves it to Wednesday 20:00 on his clock (18:00 UTC).
    old_reminders = pair.work(REMINDER_HOUR)
    pair.reschedule(meeting, pair.ben, "2031-04-02T20:00")
    assert [carried_out(pair.tenant, MEETING_MAIL, w) for w in old_reminders] == [None, None]
    # Ana's acceptance mail is no longer news either: the time she was told of is gone.
    assert carried_out(pair.tenant, MEETING_MAIL, accepted) is None

    [moved] = pair.work(RESCHEDULED)
    assert moved.member_id == pair.ana.member_id
    told = pair.told(moved)
    assert "Ben moved your meeting to April 2, 2031" in told.content.subject
    assert "(Europe/Lisbon)" in told.content.subject
    second = event_of(calendar_of(told))
    assert second["UID"] == first["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.decoded("DTSTART").astimezone(UTC) == datetime(2031, 4, 2, 18, tzinfo=UTC)

    new_hour = [w for w in pair.work(REMINDER_HOUR) if w.payload["sequence"] == "1"]
    assert {w.due_at for w in new_hour} == {datetime(2031, 4, 2, 17, tzinfo=UTC)}
    pair.tenant.clock.set("2031-04-02T17:00:00+00:00")
    anas = next(pair.told(w) for w in new_hour if w.member_id == pair.ana.member_id)
    assert anas.content.subject == "Your meeting with Ben starts in one hour"
    assert "You have not accepted this time yet." in anas.content.paragraphs


def test_a_cancellation_takes_the_entry_out_of_the_calendar_and_silences_the_reminders(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())
    pair.meetings.cancel(meeting.id, pair.ben, pair.ben.actor())

    [cancelled] = pair.work(CANCELLED)
    assert cancelled.member_id == pair.ana.member_id
    told = pair.told(cancelled)
    assert told.content.subject.startswith("Ben cancelled the meeting on April 1, 2031")
    calendar = calendar_of(told)
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert event["UID"] == f"{meeting.id}@acme.ithaca"
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CANCELLED"
    pair.tenant.clock.set("2031-03-31T17:00:00+00:00")
    assert {carried_out(pair.tenant, MEETING_MAIL, w) for w in pair.work(REMINDER_DAY)} == {None}


def test_a_declined_proposal_is_cancelled_in_the_proposers_calendar_and_nobody_is_reminded(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")
    [proposed] = pair.work(PROPOSED)
    pair.meetings.decline(meeting.id, pair.ben, pair.ben.actor())

    assert carried_out(pair.tenant, MEETING_MAIL, proposed) is None  # Ben has answered
    [declined] = pair.work(DECLINED)
    assert declined.member_id == pair.ana.member_id
    told = pair.told(declined)
    assert told.content.subject.startswith("Ben declined the meeting on April 1, 2031")
    calendar = calendar_of(told)
    assert calendar["METHOD"] == "CANCEL"
    assert event_of(calendar)["SEQUENCE"] == 1  # after the proposal's 0
    pair.tenant.clock.set("2031-04-01T16:00:00+00:00")
    assert {carried_out(pair.tenant, MEETING_MAIL, w) for w in pair.work(REMINDER_HOUR)} == {None}


def test_a_meeting_arranged_for_this_evening_gets_no_reminder_for_yesterday(pair: Pair) -> None:
    pair.propose(pair.ana, "2031-03-28T18:00")  # nine hours ahead

    assert pair.work(REMINDER_DAY) == []
    assert {w.due_at for w in pair.work(REMINDER_HOUR)} == {
        datetime(2031, 3, 28, 17, tzinfo=UTC)
    }


def test_a_reminder_or_proposal_held_back_past_the_start_is_not_sent(pair: Pair) -> None:
    pair.propose(pair.ana, "2031-03-28T18:00")
    [proposed] = pair.work(PROPOSED)
    hour = pair.work(REMINDER_HOUR)

    pair.tenant.clock.set("2031-03-28T17:30:00+00:00")  # the hour before: still news
    assert all(carried_out(pair.tenant, MEETING_MAIL, w) is not None for w in [proposed, *hour])
    pair.tenant.clock.set("2031-03-28T18:00:00+00:00")  # it has started
    assert {carried_out(pair.tenant, MEETING_MAIL, w) for w in [proposed, *hour]} == {None}


def test_the_other_member_is_asked_to_confirm_a_logged_session_until_they_do(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-04-01T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())
    pair.tenant.clock.set("2031-04-01T18:30:00+00:00")
    pair.meetings.log_session(
        meeting.id, pair.ben, duration_minutes=55, summary="Priced the wholesale range.",
        agreements="", next_steps="", actor=pair.ben.actor(),
    )

    [log] = pair.work(SESSION_LOG)
    assert log.member_id == pair.ana.member_id
    told = pair.told(log)
    assert told.content.subject == "Ben logged your session: please confirm it"
    assert not told.attachments
    pair.meetings.confirm_session(meeting.id, pair.ana, pair.ana.actor())
    assert carried_out(pair.tenant, MEETING_MAIL, log) is None


def test_each_member_is_told_in_their_own_language(pair: Pair) -> None:
    pair.tenant.app(Accounts).change_locale(pair.ben.member_id, "es", OPERATOR)
    pair.propose(pair.ana, "2031-04-01T18:00")

    [proposed] = pair.work(PROPOSED)
    told = pair.told(proposed)
    assert told.content.locale == "es"
    assert told.content.subject.startswith("Ana propone una reunión el 1 de abril de 2031")
    assert "(Europe/Madrid)" in told.content.subject
    assert told.content.greeting == "Hola, Ben:"
