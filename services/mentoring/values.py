"""The values mentoring's records hold: a relationship's status and the reasons it closed, the
sides of a relationship, the entries a caseload and a conversation keep, and the checks on the
free texts members write.

Events store these by value (an enum as its string, an entry field by field), so they can live
apart from the aggregates, whose module path is part of every stored event's topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from services.errors import ConflictError, InvalidInputError
from services.texts import check_text

__all__ = [
    "CURRENT",
    "INTRODUCTION_MAX",
    "INTRODUCTION_MIN",
    "MESSAGE_MAX",
    "NOTE_MAX",
    "CaseEntry",
    "DeclineReason",
    "Message",
    "RelationshipStatus",
    "Side",
    "WithdrawalCause",
    "check_decline_note",
    "check_end_reason",
    "check_introduction",
    "check_message_body",
    "require_status",
    "status_as_of",
]

INTRODUCTION_MIN, INTRODUCTION_MAX = 50, 2000
MESSAGE_MAX = 5000
NOTE_MAX = 1000


class RelationshipStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED = "ended"


CURRENT = frozenset({
    RelationshipStatus.ACCEPTED, RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED,
})
"""The states that hold a place in a mentor's capacity and allow messages and meetings."""


class DeclineReason(StrEnum):
    TOO_BUSY = "too_busy"
    NOT_A_FIT = "not_a_fit"
    OTHER = "other"


class WithdrawalCause(StrEnum):
    """Why an open request was withdrawn: by the mentee, or as a consequence they were told of."""

    MENTEE = "mentee"
    BLOCK = "block"
    SUSPENSION = "suspension"
    ERASURE = "erasure"


class Side(StrEnum):
    """Which side of a relationship a member is on."""

    MENTEE = "mentee"
    MENTOR = "mentor"


def status_as_of(
    status: RelationshipStatus, expires_at: datetime, now: datetime
) -> RelationshipStatus:
    """The status as of `now`: an unanswered request past its expiry reads as expired even
    before the expiry has been recorded."""
    overdue = status is RelationshipStatus.REQUESTED and now >= expires_at
    return RelationshipStatus.EXPIRED if overdue else status


@dataclass
class CaseEntry:
    """One relationship as one of its members' caseload sees it."""

    relationship_id: UUID
    side: Side
    counterpart_id: UUID
    status: RelationshipStatus
    expires_at: datetime
    changed_at: datetime

    def status_at(self, now: datetime) -> RelationshipStatus:
        return status_as_of(self.status, self.expires_at, now)


@dataclass
class Message:
    number: int
    sender_id: UUID
    body: str
    sent_at: datetime
    read_at: datetime | None = None


def require_status(current: RelationshipStatus, verb: str, *allowed: RelationshipStatus) -> None:
    """Refuses a change that only a relationship in one of the `allowed` states can take."""
    if current not in allowed:
        raise ConflictError(
            "the relationship is %(status)s; only a relationship that is %(allowed)s can "
            "be %(verb)s", field="status",
            values={"status": current, "allowed": " or ".join(allowed), "verb": verb},
        )


def check_introduction(introduction: str) -> str:
    text = introduction.strip()
    if not INTRODUCTION_MIN <= len(text) <= INTRODUCTION_MAX:
        raise InvalidInputError(
            "must be %(least)s to %(most)s characters (not counting surrounding spaces)",
            field="introduction", values={"least": INTRODUCTION_MIN, "most": INTRODUCTION_MAX},
        )
    return text


def check_decline_note(note: str) -> str:
    if len(note) > NOTE_MAX:
        raise InvalidInputError("must be at most %(most)s characters", field="note",
                                values={"most": NOTE_MAX})
    return note.strip()


def check_end_reason(reason: str) -> str:
    return check_text(reason, "reason", NOTE_MAX)


def check_message_body(body: str) -> str:
    return check_text(body, "body", MESSAGE_MAX)
