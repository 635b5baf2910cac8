"""What the member data download holds from moderation: reports filed and warnings given."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.member_data import MemberDataReader, MemberDataSection
from services.moderation.domain import MemberStanding, Report

__all__ = ["SECTIONS"]


def _reports(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
    return [
        {"report_id": report.originator_id, "reported_member_id": report.reported_member_id,
         "reason": report.reason, "details": report.details,
         "relationship_id": report.relationship_id,
         "message_number": report.message_number, "filed_at": report.filed_at}
        for report in app.events_of_type(Report.Filed) if report.reporter_id == member_id
    ]


def _warnings(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
    standing = app.find(MemberStanding.create_id(member_id), MemberStanding)
    return [
        {"reason": warning.reason, "note": warning.note, "warned_at": warning.warned_at}
        for warning in (standing.warnings if standing else [])
    ]


SECTIONS = (MemberDataSection("reports", _reports), MemberDataSection("warnings", _warnings))
