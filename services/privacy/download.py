"""A member's data download: everything Ithaca holds about them, read from the event stream.

Built from the write side (aggregates, decrypted with the keys of the people concerned), not from
read models, so it is complete whatever a projection keeps:

- `account`: e-mail, name, roles, locale, status, verification;
- `profiles`: the entrepreneur's business and the mentor's offer, as last saved;
- `selfAssessments`, `surveys` (baseline and follow-ups, with comments);
- `relationships`: each request or relationship, on either side, with the other member's
  display name (both sides see it on requests and relationships), the introduction (written by
  the mentee, read by the mentor), the member's own decline note or end reason, the messages
  they wrote and received, and the meetings with their agendas and session logs;
- `reports`: reports the member filed; `warnings`: warnings they were given;
- `sessions`: when each sign-in session started and ends, and whether it was ended (never
  the token, which is not stored).

Keys are camelCase, times ISO 8601 in UTC, ids as strings (`msgspec.to_builtins`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from services.accounts.domain import Member, Session
from services.application import TenantApplication
from services.impact.domain import ImpactSurveys
from services.meetings.domain import Meeting, MeetingIndex
from services.mentoring.domain import Caseload, Conversation, Relationship, Side
from services.moderation.domain import MemberStanding, Report
from services.profiles.domain import EntrepreneurProfile, MentorProfile, SelfAssessmentHistory

__all__ = ["PersonalData", "member_data"]

_SCAN_PAGE = 500
FORMAT = "ithaca.member-data"


class PersonalData(TenantApplication):
    """Reads what the download needs from the tenant's stream."""

    name = "personal-data"

    def events_of_type(self, event_class: type) -> Iterator[Any]:
        topic = get_topic(event_class)
        start = 1
        while True:
            page = self.recorder.select_notifications(start, _SCAN_PAGE, topics=[topic])
            for notification in page:
                yield self.mapper.to_domain_event(notification)
            if len(page) < _SCAN_PAGE:
                return
            start = page[-1].id + 1


def _camel(data: Any) -> Any:
    """Snake-case attribute names (from aggregates' Structs) as the API's camelCase."""
    if isinstance(data, dict):
        return {_camel_key(key): _camel(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_camel(value) for value in data]
    return data


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _builtins(value: Any) -> Any:
    return _camel(msgspec.to_builtins(value))


def member_data(app: PersonalData, member_id: UUID, generated_at: datetime) -> dict[str, Any]:
    """The download's document (see the module docstring)."""
    member = app.get(member_id, Member, field="memberId")
    history = app.find(SelfAssessmentHistory.create_id(member_id), SelfAssessmentHistory)
    standing = app.find(MemberStanding.create_id(member_id), MemberStanding)
    document: dict[str, Any] = _builtins({
        "format": FORMAT, "version": 1, "generated_at": generated_at,
        "account": {
            "member_id": member.id, "email": member.email, "name": member.name,
            "roles": sorted(member.roles), "locale": member.locale,
            "email_verified": member.email_verified, "status": member.status,
            "signed_up_at": member.created_on,
        },
        "profiles": _profiles(app, member_id),
        "self_assessments": [
            msgspec.structs.asdict(submission)
            for submission in (history.submissions if history else [])
        ],
        "surveys": _surveys(app, member_id),
        "relationships": _relationships(app, member_id),
        "reports": [
            {"report_id": report.originator_id, "reported_member_id": report.reported_member_id,
             "reason": report.reason, "details": report.details,
             "relationship_id": report.relationship_id,
             "message_number": report.message_number, "filed_at": report.filed_at}
            for report in app.events_of_type(Report.Filed) if report.reporter_id == member_id
        ],
        "warnings": [
            {"reason": warning.reason, "note": warning.note, "warned_at": warning.warned_at}
            for warning in (standing.warnings if standing else [])
        ],
        "sessions": _sessions(app, member_id),
    })
    return document


def _profiles(app: PersonalData, member_id: UUID) -> dict[str, Any]:
    entrepreneur = app.find(EntrepreneurProfile.create_id(member_id), EntrepreneurProfile)
    mentor = app.find(MentorProfile.create_id(member_id), MentorProfile)
    return {
        "entrepreneur": msgspec.structs.asdict(entrepreneur.details)
        if entrepreneur and entrepreneur.details else None,
        "entrepreneur_need_areas": list(entrepreneur.need_areas) if entrepreneur else [],
        "mentor": msgspec.structs.asdict(mentor.details) if mentor and mentor.details else None,
    }


def _surveys(app: PersonalData, member_id: UUID) -> list[dict[str, Any]]:
    surveys = app.find(ImpactSurveys.create_id(member_id), ImpactSurveys)
    if surveys is None:
        return []
    return [
        {"kind": response.kind, "months_after": response.months_after,
         "relationship_id": response.relationship_id,
         "answers": msgspec.structs.asdict(response.answers), "comment": response.comment,
         "answered_at": response.answered_at}
        for response in surveys.responses
    ]


def _relationships(app: PersonalData, member_id: UUID) -> list[dict[str, Any]]:
    caseload = app.find(Caseload.create_id(member_id), Caseload)
    if caseload is None:
        return []
    names: dict[UUID, str] = {}
    listed = []
    for entry in sorted(caseload.entries.values(), key=lambda e: e.changed_at):
        relationship = app.get(entry.relationship_id, Relationship, field="relationshipId")
        other = relationship.counterpart_of(member_id)
        if other not in names:
            counterpart = app.find(other, Member)
            names[other] = counterpart.name if counterpart else ""
        mine = entry.side is Side.MENTOR and relationship.decline_note
        listed.append({
            "relationship_id": relationship.id, "side": entry.side, "status": relationship.status,
            "other_member": {"member_id": other, "display_name": names[other]},
            "requested_at": relationship.requested_at,
            "introduction": relationship.introduction,
            "decline_note": relationship.decline_note if mine else None,
            "ended_by_you": relationship.ended_by == member_id,
            "end_reason": relationship.end_reason if relationship.ended_by == member_id else None,
            "closed_at": relationship.closed_at,
            "messages": _messages(app, relationship.id, member_id),
            "meetings": _meetings(app, relationship.id, member_id),
        })
    return listed


def _messages(app: PersonalData, relationship_id: UUID, member_id: UUID) -> list[dict[str, Any]]:
    conversation = app.find(Conversation.create_id(relationship_id), Conversation)
    if conversation is None:
        return []
    return [
        {"number": message.number, "from_you": message.sender_id == member_id,
         "body": message.body, "sent_at": message.sent_at, "read_at": message.read_at}
        for message in conversation.messages
    ]


def _meetings(app: PersonalData, relationship_id: UUID, member_id: UUID) -> list[dict[str, Any]]:
    index = app.find(MeetingIndex.create_id(relationship_id), MeetingIndex)
    if index is None:
        return []
    meetings = []
    for meeting_id in index.meeting_ids:
        meeting = app.get(meeting_id, Meeting, field="meetingId")
        log = meeting.session_log
        meetings.append({
            "meeting_id": meeting.id, "status": meeting.status, "starts_at": meeting.starts_at,
            "duration_minutes": meeting.duration_minutes, "proposed_by_you":
            meeting.proposer_id == member_id, "agenda": meeting.agenda,
            "video_link": meeting.video_link or None,
            "session_log": None if log is None else {
                "written_by_you": log.author_id == member_id,
                "duration_minutes": log.duration_minutes, "summary": log.summary,
                "agreements": log.agreements, "next_steps": log.next_steps,
                "logged_at": log.logged_at, "confirmed_at": log.confirmed_at,
            },
        })
    return meetings


def _sessions(app: PersonalData, member_id: UUID) -> list[dict[str, Any]]:
    sessions = []
    for started in app.events_of_type(Session.Started):
        if started.member_id != member_id:
            continue
        session = app.find(started.originator_id, Session)
        sessions.append({
            "started_at": started.timestamp, "kind": started.kind,
            "expires_at": started.expires_at, "ended": bool(session and session.ended),
        })
    return sessions
