"""The rules of meetings, told against the application alone: proposing a time on one's own
clock, who answers, moving and cancelling, the hours clocks skip or repeat, logging and
confirming the session held (which the mentor's volunteer hours add up), and the distance aids
that help two members far apart find a time.

Ana (an entrepreneur in Lisbon) is mentored by Ben (in Madrid); the story starts on Monday
3 March 2031, 09:00 UTC, when both cities are on winter time (UTC+0 and UTC+1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.meetings.application import Meetings
from services.meetings.domain import Meeting, MeetingStatus
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules


class Pair:
    """Ana and Ben's active relationship, and short-hands for arranging their meetings."""

    def __init__(self, tenant: EmbeddedTenant) -> None:
        self.tenant = tenant
        self.ana, self.ben = tenant.entrepreneur("Ana"), tenant.mentor("Ben")
        self.relationship_id = tenant.mentoring(self.ana, self.ben)
        self.meetings = tenant.app(Meetings)
        self.locator = Locator(tenant.app(Profiles), tenant.record.time_zone)

    def propose(
        self, by: Caller, starts_at: str, *, time_zone: str | None = None, fold: int | None = None,
        duration_minutes: int = 60, agenda: str = "Pricing for wholesale buyers.",
        video_link: str = "", relationship_id: UUID | None = None,
    ) -> Meeting:
        relationship = self.tenant.app(Mentoring).get_relationship(
            relationship_id or self.relationship_id, by)
        meeting, _ = self.meetings.propose(
            relationship, by, self.locator, starts_at=starts_at, time_zone=time_zone, fold=fold,
            duration_minutes=duration_minutes, agenda=agenda, video_link=video_link,
            actor=by.actor(),
        )
        return meeting

    def reschedule(self, meeting: Meeting, by: Caller, starts_at: str) -> Meeting:
        moved, _ = self.meetings.reschedule(
            meeting.id, by, self.locator, starts_at=starts_at, time_zone=None, fold=None,
            duration_minutes=None, actor=by.actor(),
        )
        return moved


@pytest.fixture
def pair(embedded_tenant: EmbeddedTenant) -> Pair:
    return Pair(embedded_tenant)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_time_is_proposed_on_the_proposers_clock_and_kept_as_an_instant(pair: Pair) -> None:
    # Ana proposes 18:00 on her own (Lisbon) clock: 18:00 UTC, which is 19:00 in Madrid.
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")
    assert meeting.starts_at == utc("2031-03-10T18:00")
    assert meeting.time_zone == "Europe/Lisbon"
    assert meeting.zones == {pair.ana.member_id: "Europe/Lisbon",
                             pair.ben.member_id: "Europe/Madrid"}
    assert meeting.status is MeetingStatus.PROPOSED
    assert meeting.awaiting_id == pair.ben.member_id

    # Ben may name the zone he means, travelling or not.
    in_sao_paulo = pair.propose(pair.ben, "2031-03-10T09:00", time_zone="America/Sao_Paulo")
    assert in_sao_paulo.starts_at == utc("2031-03-10T12:00")
    assert [m.id for m in pair.meetings.meetings_of(pair.relationship_id)] == [
        meeting.id, in_sao_paulo.id]


def test_a_skipped_hour_is_refused_and_a_repeated_one_needs_its_fold(pair: Pair) -> None:
    # On 30 March 2031 Madrid's clocks jump from 02:00 to 03:00: 02:30 never happens.
    with pytest.raises(InvalidInputError) as skipped:
        pair.propose(pair.ben, "2031-03-30T02:30")
    assert skipped.value.field == "startsAt"
    assert "clocks skip that hour" in skipped.value.problem

    # On 26 October they go back from 03:00 to 02:00: 02:30 happens twice.
    with pytest.raises(InvalidInputError) as twice:
        pair.propose(pair.ben, "2031-10-26T02:30")
    assert twice.value.field == "fold"
    first = pair.propose(pair.ben, "2031-10-26T02:30", fold=0)
    second = pair.propose(pair.ben, "2031-10-26T02:30", fold=1)
    assert (first.starts_at, second.starts_at) == (utc("2031-10-26T00:30"),
                                                   utc("2031-10-26T01:30"))


@pytest.mark.parametrize(("field", "proposal"), [
    ("startsAt", {"starts_at": "2031-03-03T08:00"}),  # an hour ago in Lisbon
    ("startsAt", {"starts_at": "2033-03-04T10:00"}),  # beyond two years
    ("startsAt", {"starts_at": "next Tuesday"}),
    ("startsAt", {"starts_at": "2031-03-10T18:00+01:00"}),
    ("timeZone", {"starts_at": "2031-03-10T18:00", "time_zone": "Europe/Porto"}),
    ("durationMinutes", {"starts_at": "2031-03-10T18:00", "duration_minutes": 10}),
    ("durationMinutes", {"starts_at": "2031-03-10T18:00", "duration_minutes": 241}),
    ("agenda", {"starts_at": "2031-03-10T18:00", "agenda": "  "}),
    ("videoLink", {"starts_at": "2031-03-10T18:00", "video_link": "http://meet.example.org/a"}),
])
def test_a_proposal_with_a_broken_detail_names_it(
    pair: Pair, field: str, proposal: dict[str, object],
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        pair.propose(pair.ana, **proposal)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert pair.meetings.meetings_of(pair.relationship_id) == []


def test_meetings_are_arranged_by_the_two_members_of_a_running_relationship(
    embedded_tenant: EmbeddedTenant, pair: Pair,
) -> None:
    mentoring = embedded_tenant.app(Mentoring)
    cleo = embedded_tenant.entrepreneur("Cleo")
    pia = embedded_tenant.member("Pia", Role.PROGRAMME_ADMIN)
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")

    # Someone else cannot see the meeting; an admin sees it but neither answers nor moves it.
    with pytest.raises(NotFoundError) as hidden:
        pair.meetings.get_meeting(meeting.id, cleo)
    assert hidden.value.field == "meetingId"
    assert pair.meetings.get_meeting(meeting.id, pia).id == meeting.id
    with pytest.raises(ForbiddenError) as admin:
        pair.meetings.accept(meeting.id, pia, pia.actor())
    assert admin.value.field == "role"

    # A request not yet accepted has no meetings.
    request = embedded_tenant.requested(cleo, pair.ben)
    with pytest.raises(ConflictError) as unanswered:
        pair.propose(cleo, "2031-03-10T18:00", relationship_id=request)
    assert unanswered.value.field == "status"

    # Nor has a relationship once it is over.
    mentoring.complete(pair.relationship_id, pair.ben, pair.ben.actor())
    with pytest.raises(ConflictError) as over:
        pair.propose(pair.ana, "2031-03-11T18:00")
    assert over.value.field == "status"
    with pytest.raises(ConflictError):
        pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())


def test_the_other_member_answers_a_proposal_before_it_starts(
    embedded_tenant: EmbeddedTenant, pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")
    with pytest.raises(ForbiddenError) as own:
        pair.meetings.accept(meeting.id, pair.ana, pair.ana.actor())
    assert own.value.field == "role"

    accepted, _ = pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())
    assert accepted.status is MeetingStatus.ACCEPTED
    assert accepted.awaiting_id is None
    with pytest.raises(ConflictError) as answered:
        pair.meetings.decline(meeting.id, pair.ben, pair.ben.actor())
    assert answered.value.field == "status"

    # A proposal nobody answered in time can only be declined or moved.
    late = pair.propose(pair.ben, "2031-03-04T10:00")
    embedded_tenant.clock.set("2031-03-04T09:30:00+00:00")
    with pytest.raises(ConflictError) as passed:
        pair.meetings.accept(late.id, pair.ana, pair.ana.actor())
    assert passed.value.field == "startsAt"
    declined, _ = pair.meetings.decline(late.id, pair.ana, pair.ana.actor())
    assert declined.status is MeetingStatus.DECLINED


def test_either_member_moves_or_cancels_a_meeting_and_the_other_answers_anew(
    pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())

    # Ben moves it to 20:00 on his clock: proposed again, now by him, for Ana to answer.
    moved = pair.reschedule(meeting, pair.ben, "2031-03-12T20:00")
    assert moved.starts_at == utc("2031-03-12T19:00")
    assert (moved.status, moved.sequence) == (MeetingStatus.PROPOSED, 1)
    assert moved.awaiting_id == pair.ana.member_id
    with pytest.raises(ForbiddenError):
        pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())
    pair.meetings.accept(meeting.id, pair.ana, pair.ana.actor())

    cancelled, _ = pair.meetings.cancel(meeting.id, pair.ana, pair.ana.actor())
    assert (cancelled.status, cancelled.sequence) == (MeetingStatus.CANCELLED, 2)
    assert cancelled.cancelled_by == pair.ana.member_id
    for command in (
        lambda: pair.reschedule(meeting, pair.ben, "2031-03-13T20:00"),
        lambda: pair.meetings.cancel(meeting.id, pair.ben, pair.ben.actor()),
    ):
        with pytest.raises(ConflictError) as closed:
            command()
        assert closed.value.field == "status"


def test_a_session_is_logged_once_it_has_started_and_confirmed_by_the_other_member(
    embedded_tenant: EmbeddedTenant, pair: Pair,
) -> None:
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")
    pair.meetings.accept(meeting.id, pair.ben, pair.ben.actor())

    def log(by: Caller, minutes: int = 50, summary: str = "Priced the wholesale range.") -> None:
        pair.meetings.log_session(meeting.id, by, duration_minutes=minutes, summary=summary,
                                  agreements="Ana drafts a price list.", next_steps="",
                                  actor=by.actor())

    with pytest.raises(ConflictError) as early:
        log(pair.ben)
    assert early.value.field == "startsAt"

    embedded_tenant.clock.set("2031-03-10T19:00:00+00:00")
    for minutes, summary, field in ((0, "Fine.", "durationMinutes"), (50, " ", "summary")):
        with pytest.raises(InvalidInputError) as broken:
            log(pair.ben, minutes, summary)
        assert broken.value.field == field
    log(pair.ben)
    with pytest.raises(ConflictError) as again:
        log(pair.ana)
    assert again.value.field == "sessionLog"

    # A held and logged session stays where it was.
    with pytest.raises(ConflictError) as held:
        pair.meetings.cancel(meeting.id, pair.ana, pair.ana.actor())
    assert held.value.field == "sessionLog"

    # Ben's hours count the session at once, and as confirmed once Ana confirms it.
    hours = pair.meetings.volunteer_hours(pair.ben.member_id)
    assert hours is not None
    assert (hours.total_minutes, hours.confirmed_minutes) == (50, 0)
    with pytest.raises(ForbiddenError) as author:
        pair.meetings.confirm_session(meeting.id, pair.ben, pair.ben.actor())
    assert author.value.field == "sessionLog"
    confirmed, _ = pair.meetings.confirm_session(meeting.id, pair.ana, pair.ana.actor())
    assert confirmed.session_log is not None
    assert confirmed.session_log.confirmed_by == pair.ana.member_id
    with pytest.raises(ConflictError):
        pair.meetings.confirm_session(meeting.id, pair.ana, pair.ana.actor())
    hours = pair.meetings.volunteer_hours(pair.ben.member_id)
    assert hours is not None
    assert (hours.sessions, hours.confirmed_sessions, hours.confirmed_minutes) == (1, 1, 50)


def test_nothing_is_confirmed_before_it_is_logged(pair: Pair) -> None:
    meeting = pair.propose(pair.ana, "2031-03-10T18:00")
    with pytest.raises(ConflictError) as unlogged:
        pair.meetings.confirm_session(meeting.id, pair.ben, pair.ben.actor())
    assert unlogged.value.field == "sessionLog"


def test_distance_aids_show_the_hours_both_work_and_the_clock_changes_ahead(
    embedded_tenant: EmbeddedTenant, pair: Pair,
) -> None:
    # Carl mentors Ana from New York, five hours behind her in early March.
    carl = embedded_tenant.mentor("Carl", time_zone="America/New_York")
    relationship = embedded_tenant.app(Mentoring).get_relationship(
        embedded_tenant.mentoring(pair.ana, carl), pair.ana)
    monday = date(2031, 3, 3)

    view = pair.meetings.distance(relationship, pair.ana, pair.locator, monday, monday)
    assert (view.you.time_zone, view.them.time_zone) == ("Europe/Lisbon", "America/New_York")
    assert view.gap_minutes == -300
    # Both work 9 to 5 on their own clocks: they share 14:00-17:00 of hers, 9-12 of his.
    [shared] = view.shared_hours[0].windows
    assert (shared.starts_at_utc, shared.minutes) == (utc("2031-03-03T14:00"), 180)
    assert (shared.your_start.hour, shared.their_start.hour) == (14, 9)

    # New York springs forward three weeks before Lisbon: each time, a weekly call kept at the
    # same hour on the changer's clock comes an hour earlier on the other's.
    assert [(c.changes_for, c.local_date, c.moves_by_minutes) for c in view.clock_changes] == [
        ("them", date(2031, 3, 9), -60), ("you", date(2031, 3, 30), -60)]

    with pytest.raises(InvalidInputError) as backwards:
        pair.meetings.distance(relationship, pair.ana, pair.locator, monday,
                               date(2031, 3, 1))
    assert backwards.value.field == "to"
