"""What the member data download holds of a member's mentoring: each request or relationship, on
either side, with its messages and meetings. Declared by the meetings context because meetings
know their relationships (the mentoring context knows nothing of meetings)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.accounts.domain import Member
from services.meetings.domain import Meeting, MeetingIndex
from services.member_data import MemberDataReader, MemberDataSection
from services.mentoring.domain import Caseload, Conversation, Relationship
from services.mentoring.values import Side

__all__ = ["SECTIONS"]


def _relationships(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
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


def _messages(
    app: MemberDataReader, relationship_id: UUID, member_id: UUID
) -> list[dict[str, Any]]:
    conversation = app.find(Conversation.create_id(relationship_id), Conversation)
    if conversation is None:
        return []
    return [
        {"number": message.number, "from_you": message.sender_id == member_id,
         "body": message.body, "sent_at": message.sent_at, "read_at": message.read_at}
        for message in conversation.messages
    ]


def _meetings(
    app: MemberDataReader, relationship_id: UUID, member_id: UUID
) -> list[dict[str, Any]]:
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


SECTIONS = (MemberDataSection("relationships", _relationships),)
