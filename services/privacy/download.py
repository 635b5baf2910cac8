"""A member's data download: everything Ithaca holds about them, read from the event stream.

The document is `format`, `version`, `generatedAt` and one key per section the features declare
(`services.member_data`): today the account and its sessions (never a token, which is not
stored), the profiles and self-assessments, the surveys, each request or relationship on either
side with the other member's display name, the introduction, the member's own decline note or
end reason, the messages they wrote and received and the meetings with their agendas and session
logs, the reports they filed and the warnings they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.accounts.domain import Member
from services.member_data import MemberDataReader, MemberDataSection, as_document

__all__ = ["FORMAT", "member_data"]

FORMAT = "ithaca.member-data"


def member_data(
    app: MemberDataReader, member_id: UUID, generated_at: datetime,
    sections: Sequence[MemberDataSection],
) -> dict[str, Any]:
    """The download's document (see the module docstring); 404 for an unknown member."""
    app.get(member_id, Member, field="memberId")
    document: dict[str, Any] = as_document({
        "format": FORMAT, "version": 1, "generated_at": generated_at,
        **{section.key: section.collect(app, member_id) for section in sections},
    })
    return document
