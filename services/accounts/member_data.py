"""What the member data download holds from accounts: the account and its sign-in sessions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.accounts.domain import Member, Session
from services.member_data import MemberDataReader, MemberDataSection

__all__ = ["SECTIONS"]


def _account(app: MemberDataReader, member_id: UUID) -> dict[str, Any]:
    member = app.get(member_id, Member, field="memberId")
    return {
        "member_id": member.id, "email": member.email, "name": member.name,
        "roles": sorted(member.roles), "locale": member.locale,
        "email_verified": member.email_verified, "status": member.status,
        "signed_up_at": member.created_on,
    }


def _sessions(app: MemberDataReader, member_id: UUID) -> list[dict[str, Any]]:
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


SECTIONS = (MemberDataSection("account", _account), MemberDataSection("sessions", _sessions))
