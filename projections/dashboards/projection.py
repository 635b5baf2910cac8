"""The impact dashboards' read model: fact tables, one row per member, request, meeting and survey
response, with the dimensions the dashboards filter by.

The tables hold facts, not totals: a total per country, per month, per programme, per employer
and per every mix of them would multiply with each filter, while facts answer any filter with
one `GROUP BY` at read time (`queries`). A row holds what its events said, with times from the
events (never the clock), so a rebuild from position 0 writes the same rows.

- `dashboards_members`: a member's current roles, the month they joined, and their profiles'
  dimensions: the entrepreneur's business country, industry and programme, the mentor's country,
  industries, employer and programme. It also carries what other facts are compared with: when
  the entrepreneur was first mentored and their baseline survey's figures.
- `dashboards_relationships`: a request (sent, answered, how long the first answer took, its
  outcome) and, if it became a relationship, when it started and closed.
- `dashboards_meetings`: a meeting (month of its start, status) and its session log (minutes,
  confirmed or not).
- `dashboards_survey_responses`: a survey response's figures, whether the entrepreneur had been
  mentored when answering (an active relationship started before), and for a follow-up its
  outcome against the baseline (`outcomes`).

Dimensions are the members' current ones, joined in at read time: when an entrepreneur moves
their business to another country, their whole history moves with them in the dashboards.

Personal data: the mentor's `employer` is sealed in `MentorProfile.Changed` (it says where a
person works), and volunteer hours per employer cannot be answered without it, so this
projection opens personal fields and keeps that one. When a mentor is erased (`Member.Erased`)
their employer is cleared, and a rebuild reads it as "" (`docs/read-models/dashboards.md`): their
volunteer hours then count under no employer, and every total stays. No other personal field is
kept.

Speed: a batch loads every stored row it touches with one query per table (members after
relationships, since a relationship's mentee is on its row), changes them in memory and writes
each table once. The tables have no secondary indexes: the dashboard aggregates whole tables,
and every index would be paid for on each row a rebuild writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from projections.dashboards.outcomes import Baseline, baseline_from_json, baseline_of, compare
from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Row, Table
from services.accounts.domain import Member, Role
from services.impact.domain import ImpactSurveys, SurveyKind
from services.meetings.domain import Meeting, MeetingStatus
from services.mentoring.domain import Relationship
from services.mentoring.values import RelationshipStatus
from services.personal_data import Personal
from services.profiles.domain import EntrepreneurProfile, MentorProfile

__all__ = [
    "DASHBOARDS",
    "MEETINGS",
    "MEMBERS",
    "RELATIONSHIPS",
    "ROLE_COLUMNS",
    "SURVEY_RESPONSES",
    "DashboardProjection",
    "month_of",
]

T = ColumnType

MEMBERS = Table(
    "dashboards_members",
    columns=(
        Column("member_id", T.UUID),
        Column("joined_month", T.TEXT),
        Column("entrepreneur", T.BOOL),
        Column("mentor", T.BOOL),
        Column("programme_admin", T.BOOL),
        Column("tenant_admin", T.BOOL),
        Column("auditor", T.BOOL),
        Column("country", T.TEXT, nullable=True),
        Column("industry", T.TEXT, nullable=True),
        Column("programme", T.TEXT, nullable=True),
        Column("mentor_country", T.TEXT, nullable=True),
        Column("mentor_industries", T.JSON, nullable=True),
        Column("employer", T.TEXT, nullable=True, personal=Personal(erased=None)),
        Column("mentor_programme", T.TEXT, nullable=True),
        Column("mentored_since", T.TIMESTAMP, nullable=True),
        Column("baseline", T.JSON, nullable=True),
        Column("survey_responses", T.INT),
    ),
    key=("member_id",),
    subject="member_id",
)

RELATIONSHIPS = Table(
    "dashboards_relationships",
    columns=(
        Column("relationship_id", T.UUID),
        Column("mentee_id", T.UUID),
        Column("mentor_id", T.UUID),
        Column("sent_at", T.TIMESTAMP),
        Column("sent_month", T.TEXT),
        Column("outcome", T.TEXT),
        Column("answered_at", T.TIMESTAMP, nullable=True),
        Column("answer_seconds", T.REAL, nullable=True),
        Column("status", T.TEXT),
        Column("activated_month", T.TEXT, nullable=True),
        Column("closed_month", T.TEXT, nullable=True),
        Column("completed", T.BOOL),
    ),
    key=("relationship_id",),
)

MEETINGS = Table(
    "dashboards_meetings",
    columns=(
        Column("meeting_id", T.UUID),
        Column("relationship_id", T.UUID),
        Column("mentee_id", T.UUID),
        Column("mentor_id", T.UUID),
        Column("starts_at", T.TIMESTAMP),
        Column("month", T.TEXT),
        Column("status", T.TEXT),
        Column("logged_minutes", T.INT, nullable=True),
        Column("confirmed", T.BOOL),
    ),
    key=("meeting_id",),
)

SURVEY_RESPONSES = Table(
    "dashboards_survey_responses",
    columns=(
        Column("entrepreneur_id", T.UUID),
        Column("number", T.INT),
        Column("kind", T.TEXT),
        Column("months_after", T.INT, nullable=True),
        Column("relationship_id", T.UUID, nullable=True),
        Column("mentor_id", T.UUID, nullable=True),
        Column("answered_at", T.TIMESTAMP),
        Column("answered_month", T.TEXT),
        Column("mentored", T.BOOL),
        Column("operating", T.BOOL),
        Column("revenue_amount", T.TEXT, nullable=True),
        Column("revenue_currency", T.TEXT, nullable=True),
        Column("revenue_band", T.TEXT, nullable=True),
        Column("full_time", T.INT),
        Column("part_time", T.INT),
        Column("confidence", T.JSON),
        Column("new_finance", T.BOOL),
        Column("compared", T.BOOL),
        Column("revenue_change_pct", T.REAL, nullable=True),
        Column("revenue_band_move", T.INT, nullable=True),
        Column("jobs_added", T.INT, nullable=True),
        Column("jobs_retained", T.INT, nullable=True),
        Column("confidence_change", T.REAL, nullable=True),
    ),
    key=("entrepreneur_id", "number"),
)

ROLE_COLUMNS: dict[Role, str] = {role: str(role) for role in Role}
"""The member-row column that says whether a member holds a role (named like the role)."""

_OUTCOMES = {
    Relationship.Accepted: RelationshipStatus.ACCEPTED,
    Relationship.Declined: RelationshipStatus.DECLINED,
    Relationship.Withdrawn: RelationshipStatus.WITHDRAWN,
    Relationship.Expired: RelationshipStatus.EXPIRED,
}
_ANSWERS = (Relationship.Accepted, Relationship.Declined)
_MEETING_ANSWERS = {
    Meeting.Accepted: MeetingStatus.ACCEPTED,
    Meeting.Declined: MeetingStatus.DECLINED,
    Meeting.Cancelled: MeetingStatus.CANCELLED,
}


def month_of(moment: datetime) -> str:
    """The UTC calendar month of an instant, as YYYY-MM (how every series is keyed)."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


class DashboardProjection(Projection):
    """See the module docstring. A paused relationship counts as active (nothing reads the
    pause), so `Paused` and `Resumed` are not read."""

    name = "dashboards"
    version = 1
    reads_personal_data = frozenset({"employer"})  # see the module docstring
    tables = (MEMBERS, RELATIONSHIPS, MEETINGS, SURVEY_RESPONSES)
    event_classes = (
        Member.SignedUp, Member.RolesChanged, Member.Erased,
        EntrepreneurProfile.Changed, MentorProfile.Changed,
        Relationship.Requested, *_OUTCOMES, Relationship.Started, Relationship.Completed,
        Relationship.Ended,
        Meeting.Proposed, *_MEETING_ANSWERS, Meeting.Rescheduled, Meeting.SessionLogged,
        Meeting.SessionConfirmed,
        ImpactSurveys.BaselineAnswered, ImpactSurveys.FollowUpAnswered,
    )

    _handlers: ClassVar[dict[type, Callable[[Any, BatchRows], None]]]

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        _load(events, rows)
        handlers = self._handlers
        for projected in events:
            event = projected.event
            handlers[type(event)](event, rows)


def _load(events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
    """Loads every stored row the batch touches: one query per table (rows the batch creates
    are not looked for)."""
    members: set[UUID] = set()
    relationships: set[UUID] = set()
    meetings: set[UUID] = set()
    created: set[UUID] = set()
    for projected in events:
        event = projected.event
        kind = type(event)
        if kind is Member.SignedUp or kind is Relationship.Requested or kind is Meeting.Proposed:
            created.add(event.originator_id)
            if kind is Relationship.Requested:
                members.add(event.mentee_id)
        elif kind is Member.RolesChanged or kind is Member.Erased:
            members.add(event.originator_id)
        elif kind in _PROFILE_EVENTS:
            members.add(event.member_id)
        elif kind in _RELATIONSHIP_EVENTS:
            relationships.add(event.originator_id)
        elif kind in _MEETING_EVENTS:
            meetings.add(event.originator_id)
        else:
            members.add(event.entrepreneur_id)
            relationship_id = getattr(event, "relationship_id", None)
            if relationship_id is not None:
                relationships.add(relationship_id)
    rows.load(RELATIONSHIPS, [(key,) for key in relationships - created])
    rows.load(MEETINGS, [(key,) for key in meetings - created])
    for key in relationships - created:
        row = rows.get(RELATIONSHIPS, key)
        if row is not None:
            members.add(row["mentee_id"])
    rows.load(MEMBERS, [(key,) for key in members - created])


# Members -------------------------------------------------------------------------------------


def _signed_up(event: Any, rows: BatchRows) -> None:
    row = _new_member(event.originator_id, event.timestamp)
    row.update({column: role in event.roles for role, column in ROLE_COLUMNS.items()})
    rows.put(MEMBERS, row)


def _roles_changed(event: Any, rows: BatchRows) -> None:
    row = _member(rows, event.originator_id, event.timestamp)
    row.update({column: role in event.roles for role, column in ROLE_COLUMNS.items()})
    rows.put(MEMBERS, row)


def _erased(event: Any, rows: BatchRows) -> None:
    """Where the member worked is theirs; the facts they are part of stay counted."""
    row = _member(rows, event.originator_id, event.timestamp)
    if row["employer"] is not None:
        rows.put(MEMBERS, {**row, "employer": None})


def _entrepreneur_profile(event: Any, rows: BatchRows) -> None:
    row = _member(rows, event.member_id, event.timestamp)
    row["country"], row["industry"] = event.country, event.industry
    row["programme"] = event.programme or None
    rows.put(MEMBERS, row)


def _mentor_profile(event: Any, rows: BatchRows) -> None:
    row = _member(rows, event.member_id, event.timestamp)
    row["mentor_country"], row["mentor_industries"] = event.country, list(event.industries)
    row["employer"] = event.employer or None
    row["mentor_programme"] = event.programme or None
    rows.put(MEMBERS, row)


# Requests and relationships ------------------------------------------------------------------


def _requested(event: Any, rows: BatchRows) -> None:
    rows.put(RELATIONSHIPS, {
        "relationship_id": event.originator_id, "mentee_id": event.mentee_id,
        "mentor_id": event.mentor_id, "sent_at": event.requested_at,
        "sent_month": month_of(event.requested_at),
        "outcome": str(RelationshipStatus.REQUESTED), "answered_at": None,
        "answer_seconds": None, "status": str(RelationshipStatus.REQUESTED),
        "activated_month": None, "closed_month": None, "completed": False,
    })


def _request_closed(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, RELATIONSHIPS, event)
    outcome = str(_OUTCOMES[type(event)])
    row["outcome"] = row["status"] = outcome
    if isinstance(event, _ANSWERS):
        row["answered_at"] = event.at
        row["answer_seconds"] = (event.at - row["sent_at"]).total_seconds()
    if outcome != RelationshipStatus.ACCEPTED:
        row["closed_month"] = month_of(event.at)
    rows.put(RELATIONSHIPS, row)


def _started(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, RELATIONSHIPS, event)
    row["status"], row["activated_month"] = str(RelationshipStatus.ACTIVE), month_of(event.at)
    rows.put(RELATIONSHIPS, row)
    mentee = _member(rows, row["mentee_id"], event.timestamp)
    if mentee["mentored_since"] is None or event.at < mentee["mentored_since"]:
        mentee["mentored_since"] = event.at
        rows.put(MEMBERS, mentee)


def _closed(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, RELATIONSHIPS, event)
    completed = isinstance(event, Relationship.Completed)
    row["status"] = str(RelationshipStatus.COMPLETED if completed else RelationshipStatus.ENDED)
    row["closed_month"], row["completed"] = month_of(event.at), completed
    rows.put(RELATIONSHIPS, row)


# Meetings and sessions -----------------------------------------------------------------------


def _proposed(event: Any, rows: BatchRows) -> None:
    rows.put(MEETINGS, {
        "meeting_id": event.originator_id, "relationship_id": event.relationship_id,
        "mentee_id": event.mentee_id, "mentor_id": event.mentor_id,
        "starts_at": event.starts_at, "month": month_of(event.starts_at),
        "status": str(MeetingStatus.PROPOSED), "logged_minutes": None, "confirmed": False,
    })


def _meeting_answered(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, MEETINGS, event)
    row["status"] = str(_MEETING_ANSWERS[type(event)])
    rows.put(MEETINGS, row)


def _rescheduled(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, MEETINGS, event)
    row["starts_at"], row["month"] = event.starts_at, month_of(event.starts_at)
    row["status"] = str(MeetingStatus.PROPOSED)
    rows.put(MEETINGS, row)


def _session_logged(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, MEETINGS, event)
    row["logged_minutes"] = event.duration_minutes
    rows.put(MEETINGS, row)


def _session_confirmed(event: Any, rows: BatchRows) -> None:
    row = _fact(rows, MEETINGS, event)
    row["confirmed"] = True
    rows.put(MEETINGS, row)


# Surveys -------------------------------------------------------------------------------------


def _survey_answered(event: Any, rows: BatchRows) -> None:
    member = _member(rows, event.entrepreneur_id, event.timestamp)
    answers = event.answers
    figures = baseline_of(answers)
    follow_up = isinstance(event, ImpactSurveys.FollowUpAnswered)
    relationship_id = event.relationship_id if follow_up else None
    relationship = (
        rows.get(RELATIONSHIPS, relationship_id) if relationship_id is not None else None
    )
    mentored_since = member["mentored_since"]
    number = member["survey_responses"] + 1
    row: Row = {
        "entrepreneur_id": event.entrepreneur_id, "number": number,
        "kind": str(SurveyKind.FOLLOW_UP if follow_up else SurveyKind.BASELINE),
        "months_after": event.months_after if follow_up else None,
        "relationship_id": relationship_id,
        "mentor_id": relationship["mentor_id"] if relationship else None,
        "answered_at": event.answered_at, "answered_month": month_of(event.answered_at),
        "mentored": mentored_since is not None and mentored_since <= event.answered_at,
        "operating": answers.business_operating,
        "revenue_amount": figures.revenue_amount,
        "revenue_currency": figures.revenue_currency,
        "revenue_band": figures.revenue_band,
        "full_time": answers.full_time_employees, "part_time": answers.part_time_employees,
        "confidence": figures.confidence, "new_finance": answers.new_finance,
    }
    stored_baseline = member["baseline"]
    _set_outcome(row, baseline_from_json(stored_baseline)
                 if follow_up and stored_baseline is not None else None)
    rows.put(SURVEY_RESPONSES, row)
    member["survey_responses"] = number
    if not follow_up:
        member["baseline"] = msgspec.structs.asdict(figures)
        if number > 1:  # follow-ups answered before the baseline are compared now
            _compare_earlier_follow_ups(rows, event.entrepreneur_id, number, figures)
    rows.put(MEMBERS, member)


def _compare_earlier_follow_ups(
    rows: BatchRows, entrepreneur_id: UUID, baseline_number: int, baseline: Baseline
) -> None:
    keys = [(entrepreneur_id, number) for number in range(1, baseline_number)]
    rows.load(SURVEY_RESPONSES, keys)
    for key in keys:
        row = rows.get(SURVEY_RESPONSES, *key)
        if row is not None and row["kind"] == SurveyKind.FOLLOW_UP:
            _set_outcome(row, baseline)
            rows.put(SURVEY_RESPONSES, row)


def _figures(row: Row) -> Baseline:
    return Baseline(
        revenue_amount=row["revenue_amount"], revenue_currency=row["revenue_currency"],
        revenue_band=row["revenue_band"], headcount=row["full_time"] + row["part_time"],
        confidence=row["confidence"],
    )


def _set_outcome(row: Row, baseline: Baseline | None) -> None:
    """Stores the follow-up's outcome against `baseline` (none yet: every outcome empty)."""
    if baseline is None:
        row.update(compared=False, revenue_change_pct=None, revenue_band_move=None,
                   jobs_added=None, jobs_retained=None, confidence_change=None)
        return
    outcome = compare(baseline, _figures(row))
    row.update(
        compared=True, revenue_change_pct=outcome.revenue_change_pct,
        revenue_band_move=outcome.revenue_band_move, jobs_added=outcome.jobs_added,
        jobs_retained=outcome.jobs_retained, confidence_change=outcome.confidence_change,
    )


# Rows ----------------------------------------------------------------------------------------


def _new_member(member_id: UUID, at: datetime) -> Row:
    return {
        "member_id": member_id, "joined_month": month_of(at),
        **dict.fromkeys(ROLE_COLUMNS.values(), False),
        "country": None, "industry": None, "programme": None, "mentor_country": None,
        "mentor_industries": None, "employer": None, "mentor_programme": None,
        "mentored_since": None, "baseline": None, "survey_responses": 0,
    }


def _member(rows: BatchRows, member_id: UUID, at: datetime) -> Row:
    """The member's row (a sign-up comes first in the stream; a stream without it still gets
    a row, joined at this event)."""
    return rows.get(MEMBERS, member_id) or _new_member(member_id, at)


def _fact(rows: BatchRows, table: Table, event: Any) -> Row:
    row = rows.get(table, event.originator_id)
    if row is None:
        msg = f"{table.name}: {type(event).__qualname__} of {event.originator_id} before its start"
        raise LookupError(msg)
    return row


_PROFILE_EVENTS = frozenset({EntrepreneurProfile.Changed, MentorProfile.Changed})
_RELATIONSHIP_EVENTS = frozenset({
    *_OUTCOMES, Relationship.Started, Relationship.Completed, Relationship.Ended,
})
_MEETING_EVENTS = frozenset({
    *_MEETING_ANSWERS, Meeting.Rescheduled, Meeting.SessionLogged, Meeting.SessionConfirmed,
})

DashboardProjection._handlers = {
    Member.SignedUp: _signed_up,
    Member.RolesChanged: _roles_changed,
    Member.Erased: _erased,
    EntrepreneurProfile.Changed: _entrepreneur_profile,
    MentorProfile.Changed: _mentor_profile,
    Relationship.Requested: _requested,
    **dict.fromkeys(_OUTCOMES, _request_closed),
    Relationship.Started: _started,
    Relationship.Completed: _closed,
    Relationship.Ended: _closed,
    Meeting.Proposed: _proposed,
    **dict.fromkeys(_MEETING_ANSWERS, _meeting_answered),
    Meeting.Rescheduled: _rescheduled,
    Meeting.SessionLogged: _session_logged,
    Meeting.SessionConfirmed: _session_confirmed,
    ImpactSurveys.BaselineAnswered: _survey_answered,
    ImpactSurveys.FollowUpAnswered: _survey_answered,
}

DASHBOARDS = DashboardProjection()
