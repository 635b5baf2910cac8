"""Erasure as a record: one `Erasure` per erased member, certified once.

Erasing a member destroys their personal-data key (see `services.personal_data`); the log keeps
every event, and this aggregate keeps what was done, when, by whom and why, carrying no
personal data itself: a member id, times, an actor, a ground from a closed list, and what was
destroyed. Its id derives from the member id, so a member is certified erased at most once: two
racing erasures collide on the stream's primary key in the append that would record them.

The certificate a member keeps (`services.privacy.certificates`) is built from this event and the
stream position it was recorded at, and signed with the tenant's audit key.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor

__all__ = ["DESTROYED", "Erasure", "ErasureGround", "RequestedBy"]

_NAMESPACE = UUID("5b0f4a36-2f8e-4c55-9a57-d1e0c3b7a981")

DESTROYED = (
    "personal-data key (names, e-mail address, password, profiles, introductions, messages, "
    "meeting agendas and session logs, survey comments, report details)",
    "stored answers of the member's retried requests",
    "personal data in read models (search text, employer)",
    "queued mail and mail errors",
    "point-in-time replays",
)
"""What an erasure destroys, as the certificate lists it."""


class ErasureGround(StrEnum):
    """Why a member was erased: the grounds of the right to erasure (GDPR art. 17(1)), kept as
    a code so that no free text (which could name someone) enters the log."""

    MEMBER_REQUEST = "member_request"
    """The member asked (themselves in the app, or through the tenant's admins)."""
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_LONGER_NEEDED = "no_longer_needed"
    OBJECTION = "objection"
    UNLAWFUL_PROCESSING = "unlawful_processing"
    LEGAL_OBLIGATION = "legal_obligation"


class RequestedBy(StrEnum):
    MEMBER = "member"
    """The member erased their own account."""
    TENANT_ADMIN = "tenant_admin"
    """A tenant admin erased the member on request."""


class Erasure(Aggregate):
    """One member's erasure and the certificate that proves it."""

    class Certified(Aggregate.Created):
        member_id: UUID
        certificate_id: UUID
        """Random: the certificate's public name (it is fetched without signing in)."""
        erased_at: datetime
        requested_by: RequestedBy
        ground: ErasureGround
        destroyed: list[str]
        actor: Actor

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"erasure/{member_id}")

    @event(Certified)
    def __init__(
        self, member_id: UUID, certificate_id: UUID, erased_at: datetime,
        requested_by: RequestedBy, ground: ErasureGround, destroyed: list[str], actor: Actor,
    ) -> None:
        self.member_id, self.certificate_id = member_id, certificate_id
        self.erased_at = erased_at
        self.requested_by, self.ground = requested_by, ground
        self.destroyed = list(destroyed)
