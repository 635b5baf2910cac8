"""What followed the nudges: for each, how many were sent, and how many were followed within
a week by what it asked for.

    profile_incomplete   the profile became complete
    no_request           the entrepreneur asked a mentor
    request_unanswered   the mentor answered the request
    no_session_14, _28   a session was logged in the relationship
    no_message           a message was written in the relationship (after the last one, or
                         the first one)
    survey_overdue       the follow-up survey was answered

A nudge counts once however many channels it reached (e-mail, SMS, the notification centre):
a delivery recorded as sent (`infra.delivery.records`), joined with the due work it carried
out, whose payload names what the nudge was about. Whether it was followed is read from the
current records of the contexts concerned, as of the moment they record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from infra.container import Ithaca
from infra.scheduling.beside import BesideStream, instant, member_id
from services.accounts.application import Accounts
from services.accounts.domain import Member, Role
from services.impact.application import Impact
from services.meetings.application import Meetings
from services.mentoring.application import Mentoring
from services.mentoring.domain import Conversation, Relationship
from services.mentoring.values import Side
from services.nudge_settings.values import (
    NO_MESSAGE,
    NO_REQUEST,
    NO_SESSION_14,
    NO_SESSION_28,
    NUDGES,
    PROFILE_INCOMPLETE,
    REQUEST_UNANSWERED,
    SURVEY_OVERDUE,
)
from services.profiles.application import Profiles
from tenants.directory import TenantRecord

__all__ = ["FOLLOW_WINDOW", "Followed", "SentNudge", "what_followed"]

FOLLOW_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Followed:
    sent: int = 0
    followed: int = 0


@dataclass(frozen=True)
class SentNudge:
    kind: str
    member_id: UUID
    at: datetime
    """When it first reached the member."""
    payload: dict[str, str]

    def within(self, moment: datetime | None) -> bool:
        return moment is not None and self.at <= moment <= self.at + FOLLOW_WINDOW


_SENT = (
    "SELECT d.kind, d.member_id, MIN(d.at), w.payload FROM {schema}.deliveries d"
    " JOIN {schema}.due_work w ON w.notification_id = d.notification_id AND w.kind = d.kind"
    " AND w.member_id = d.member_id WHERE d.outcome = 'sent' AND d.kind IN ({kinds})"
    " GROUP BY d.kind, d.member_id, d.notification_id, w.payload"
)


class _Records:
    """The tenant's applications the checks read."""

    def __init__(self, ithaca: Ithaca, tenant: TenantRecord) -> None:
        self.accounts = ithaca.tenant_application(tenant, Accounts)
        self.impact = ithaca.tenant_application(tenant, Impact)
        self.meetings = ithaca.tenant_application(tenant, Meetings)
        self.mentoring = ithaca.tenant_application(tenant, Mentoring)
        self.profiles = ithaca.tenant_application(tenant, Profiles)


def sent_nudges(ithaca: Ithaca, tenant: TenantRecord) -> list[SentNudge]:
    tables = BesideStream(ithaca.tenant_stream(tenant))
    rows = tables.run(_SENT.format(schema="{schema}", kinds=", ".join("%s" for _ in NUDGES)),
                      NUDGES)
    return [SentNudge(kind=row[0], member_id=member_id(row[1]), at=instant(row[2]),
                      payload=msgspec.json.decode(row[3], type=dict[str, str]))
            for row in rows]


def what_followed(ithaca: Ithaca, tenant: TenantRecord) -> dict[str, Followed]:
    """Each nudge's figures, every nudge listed (none sent: zeros)."""
    records = _Records(ithaca, tenant)
    sent: dict[str, int] = dict.fromkeys(NUDGES, 0)
    followed: dict[str, int] = dict.fromkeys(NUDGES, 0)
    for nudge in sent_nudges(ithaca, tenant):
        sent[nudge.kind] += 1
        if _FOLLOWED[nudge.kind](nudge, records):
            followed[nudge.kind] += 1
    return {kind: Followed(sent=sent[kind], followed=followed[kind]) for kind in NUDGES}


def _profile_completed(nudge: SentNudge, records: _Records) -> bool:
    member = records.accounts.find(nudge.member_id, Member)
    if member is None:
        return False
    profiles = records.profiles
    steps: list[datetime | None] = []
    if Role.ENTREPRENEUR in member.roles:
        profile = profiles.find_entrepreneur_profile(member.id)
        assessments = profiles.self_assessments_of(member.id)
        steps += [profile.created_on if profile else None,
                  assessments[0].submitted_at if assessments else None]
    if Role.MENTOR in member.roles:
        mentor = profiles.find_mentor_profile(member.id)
        steps.append(mentor.created_on if mentor else None)
    if not steps or None in steps:
        return False
    return nudge.within(max(step for step in steps if step is not None))


def _requested(nudge: SentNudge, records: _Records) -> bool:
    mentoring = records.mentoring
    for entry in mentoring.relationships_of(nudge.member_id):
        relationship = mentoring.find(entry.relationship_id, Relationship)
        if (entry.side is Side.MENTEE and relationship is not None
                and nudge.within(relationship.requested_at)):
            return True
    return False


def _answered(nudge: SentNudge, records: _Records) -> bool:
    relationship = records.mentoring.find(UUID(nudge.payload["relationshipId"]), Relationship)
    return relationship is not None and nudge.within(relationship.answered_at)


def _session_logged(nudge: SentNudge, records: _Records) -> bool:
    meetings = records.meetings.meetings_of(UUID(nudge.payload["relationshipId"]))
    return any(meeting.session_log is not None and nudge.within(meeting.session_log.logged_at)
               for meeting in meetings)


def _message_written(nudge: SentNudge, records: _Records) -> bool:
    conversation_id = (UUID(nudge.payload["conversationId"]) if "conversationId" in nudge.payload
                       else Conversation.create_id(UUID(nudge.payload["relationshipId"])))
    conversation = records.mentoring.find(conversation_id, Conversation)
    return conversation is not None and any(
        nudge.within(message.sent_at) for message in conversation.messages)


def _survey_answered(nudge: SentNudge, records: _Records) -> bool:
    surveys = records.impact.surveys_of(nudge.member_id)
    relationship = nudge.payload.get("relationshipId") or None
    months = int(nudge.payload["monthsAfter"])
    return surveys is not None and any(
        response.months_after == months
        and (str(response.relationship_id) if response.relationship_id else None) == relationship
        and nudge.within(response.answered_at)
        for response in surveys.responses)


_FOLLOWED: dict[str, Callable[[SentNudge, _Records], bool]] = {
    PROFILE_INCOMPLETE: _profile_completed, NO_REQUEST: _requested,
    REQUEST_UNANSWERED: _answered, NO_SESSION_14: _session_logged,
    NO_SESSION_28: _session_logged, NO_MESSAGE: _message_written,
    SURVEY_OVERDUE: _survey_answered,
}
"""Whether a sent nudge was followed by what it asked for, by kind."""

