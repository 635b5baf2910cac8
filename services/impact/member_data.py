"""What the member data download holds from impact: the surveys answered."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from services.impact.domain import ImpactSurveys
from services.member_data import MemberDataReader, MemberDataSection

__all__ = ["SECTIONS"]


def _surveys(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
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


SECTIONS = (MemberDataSection("surveys", _surveys),)
