"""What the member data download holds from profiles: both profiles and the self-assessments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from services.member_data import MemberDataReader, MemberDataSection
from services.profiles.domain import EntrepreneurProfile, MentorProfile, SelfAssessmentHistory

__all__ = ["SECTIONS"]


def _profiles(app: MemberDataReader, member_id: UUID) -> dict[str, Any]:
    entrepreneur = app.find(EntrepreneurProfile.create_id(member_id), EntrepreneurProfile)
    mentor = app.find(MentorProfile.create_id(member_id), MentorProfile)
    return {
        "entrepreneur": msgspec.structs.asdict(entrepreneur.details)
        if entrepreneur and entrepreneur.details else None,
        "entrepreneur_need_areas": list(entrepreneur.need_areas) if entrepreneur else [],
        "mentor": msgspec.structs.asdict(mentor.details) if mentor and mentor.details else None,
    }


def _self_assessments(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
    history = app.find(SelfAssessmentHistory.create_id(member_id), SelfAssessmentHistory)
    return [msgspec.structs.asdict(submission)
            for submission in (history.submissions if history else [])]


SECTIONS = (
    MemberDataSection("profiles", _profiles),
    MemberDataSection("self_assessments", _self_assessments),
)
