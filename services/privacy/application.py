"""Privacy on the write side: certifying an erasure, destroying the keys, finding certificates.

`certify` records, in one append, the `Erasure` (the certificate's event), the member's
`Erased` (no more sign-in, every session ends), and the end of their mentoring: open requests by
or to them withdrawn (cause `erasure`), current relationships ended by them, with both members'
caseloads. Ending needs the member's key (an end's reason is sealed under it), so it happens
before `destroy_keys`, which deletes the member's key and the keys of stored idempotency answers
that could quote them (their own, and those of everyone they had a relationship with).

`infra.erasure` runs the whole procedure, the read side and the storage included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import BaseAggregate
from eventsourcing.utils import get_topic

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.application import require_rank_over
from services.accounts.domain import Member
from services.actor import Actor
from services.application import IdempotentCommand, TenantApplication
from services.errors import ConflictError, ForbiddenError, NotFoundError
from services.mentoring.domain import Caseload, Relationship
from services.mentoring.values import CURRENT, RelationshipStatus, WithdrawalCause
from services.moderation.domain import Decision, ModerationQueue, Report
from services.privacy.domain import DESTROYED, Erasure, ErasureGround, RequestedBy

__all__ = ["Certified", "Privacy"]

ENDED_BY_ERASURE = "The member's account was erased."
REPORT_CLOSED_BY_ERASURE = "Closed: the reported member's account was erased."
"""The reason recorded when an erasure ends a current relationship."""
_SCAN_PAGE = 500


class Certified:
    """An erasure's event and the stream position it was recorded at; `counterparts` are the
    members the erased member had relationships with."""

    __slots__ = ("counterparts", "erasure", "position")

    def __init__(self, erasure: Erasure, position: int, counterparts: frozenset[UUID]) -> None:
        self.erasure, self.position, self.counterparts = erasure, position, counterparts


class Privacy(TenantApplication):
    name = "privacy"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)

    # Queries --------------------------------------------------------------------------------

    def erasure_of(self, member_id: UUID) -> Certified | None:
        erasure = self.find(Erasure.create_id(member_id), Erasure)
        if erasure is None:
            return None
        for position, found in self._certified():
            if found.originator_id == erasure.id:
                return Certified(erasure, position, self._counterparts(member_id))
        return None  # pragma: no cover - an aggregate always has its creation event

    def certificate(self, certificate_id: UUID) -> Certified:
        """The erasure a certificate id names; 404 for any other id (of another tenant too)."""
        for position, event in self._certified():
            if event.certificate_id == certificate_id:
                erasure = self.get(event.originator_id, Erasure, field="certificateId")
                return Certified(erasure, position, frozenset())
        raise NotFoundError("no erasure certificate with id %(id)s", field="certificateId",
                            values={"id": certificate_id})

    def erasures(self) -> list[Certified]:
        """Every erasure of the tenant, oldest first."""
        return [
            Certified(self.get(event.originator_id, Erasure, field="certificateId"), position,
                      frozenset())
            for position, event in self._certified()
        ]

    # Commands -------------------------------------------------------------------------------

    def certify(
        self, member_id: UUID, requested_by: RequestedBy, ground: ErasureGround, actor: Actor,
    ) -> Certified:
        """Records the erasure (see the module docstring); 404 for an unknown member, 409 for
        one already erased. A tenant admin erases only members they outrank, and never
        themselves: their own erasure goes through `/me/erasure`, which asks for the password."""

        def command() -> Certified:
            now = self.clock()
            member = self.get(member_id, Member, field="memberId")
            if requested_by is RequestedBy.TENANT_ADMIN:
                if actor.kind == "member" and actor.id == str(member_id):
                    raise ForbiddenError(
                        "to erase your own account, use /me/erasure: it asks for your password",
                        field="memberId")
                require_rank_over(self, member, actor)
            if member.erased or Erasure.create_id(member_id) in self.repository:
                raise ConflictError("the member's account has already been erased",
                                    field="memberId")
            erasure = Erasure(
                member_id=member_id, certificate_id=uuid4(), erased_at=now,
                requested_by=requested_by, ground=ground, destroyed=list(DESTROYED),
                actor=actor,
            )
            member.erase(certificate_id=erasure.certificate_id, actor=actor)
            mentoring = list(self._close_mentoring(member_id, now, actor))
            reports = list(self._close_reports_about(member_id, now, actor))
            recordings = self.append(erasure, member, *mentoring, *reports)
            position = next(
                r.notification.id for r in recordings
                if isinstance(r.domain_event, Erasure.Certified)
            )
            return Certified(erasure, position, self._counterparts(member_id))

        return self.retrying(command)

    def destroy_keys(self, member_id: UUID, counterparts: frozenset[UUID]) -> list[str]:
        """Deletes the member's personal-data key, and the keys of stored answers that may
        quote them; answers what was destroyed (for logs). Safe to run again."""
        keys = self.stream.personal_keys
        keys.erase(member_id)
        callers = {member_id, *counterparts}
        answers = [marker for marker, caller in self._sealed_answers() if caller in callers]
        for marker in answers:
            keys.erase(marker)
        return [f"personal-data key of {member_id}", f"{len(answers)} stored answer key(s)"]

    # ----------------------------------------------------------------------------------------

    def _close_reports_about(
        self, member_id: UUID, now: datetime, actor: Actor
    ) -> Iterator[BaseAggregate[UUID]]:
        """Open reports about the member dismissed, and the queue that lists them: once their
        key is gone, no decision's note (their personal data) could ever be recorded."""
        queue = self.find(ModerationQueue.create_id(), ModerationQueue)
        if queue is None:
            return
        closed = False
        for report_id in list(queue.open_report_ids):
            report = self.get(report_id, Report, field="reportId")
            if report.reported_member_id != member_id:
                continue
            report.decide(Decision.DISMISS, note=REPORT_CLOSED_BY_ERASURE, at=now, actor=actor)
            queue.dequeue(report_id=report.id, actor=actor)
            closed = True
            yield report
        if closed:
            yield queue

    def _close_mentoring(
        self, member_id: UUID, now: datetime, actor: Actor
    ) -> Iterator[BaseAggregate[UUID]]:
        """Open requests by or to the member withdrawn (or expired, if overdue), current
        relationships ended by them, and the caseloads that note it."""
        caseload = self.find(Caseload.create_id(member_id), Caseload)
        if caseload is None:
            return
        caseloads = {caseload.id: caseload}
        for entry in list(caseload.entries.values()):
            if entry.status is not RelationshipStatus.REQUESTED and entry.status not in CURRENT:
                continue
            relationship = self.get(entry.relationship_id, Relationship, field="relationshipId")
            if relationship.status is RelationshipStatus.REQUESTED:
                if relationship.is_overdue(now):
                    relationship.expire(now, actor)
                else:
                    relationship.withdraw(WithdrawalCause.ERASURE, now, actor)
            else:
                relationship.end(member_id, ENDED_BY_ERASURE, now, actor)
            for side in relationship.member_ids():
                caseload_id = Caseload.create_id(side)
                if caseload_id not in caseloads:
                    found = self.find(caseload_id, Caseload)
                    if found is None:  # pragma: no cover - both sides note every request
                        continue
                    caseloads[caseload_id] = found
                caseloads[caseload_id].note(relationship, now, actor)
            yield relationship
        yield from caseloads.values()

    def _counterparts(self, member_id: UUID) -> frozenset[UUID]:
        caseload = self.find(Caseload.create_id(member_id), Caseload)
        if caseload is None:
            return frozenset()
        return frozenset(entry.counterpart_id for entry in caseload.entries.values())

    def _scan(self, event_class: type) -> Iterator[tuple[int, Any]]:
        """Every event of one type, oldest first, with its position."""
        topic = get_topic(event_class)
        start = 1
        while True:
            page = self.recorder.select_notifications(start, _SCAN_PAGE, topics=[topic])
            for notification in page:
                yield notification.id, self.mapper.to_domain_event(notification)
            if len(page) < _SCAN_PAGE:
                return
            start = page[-1].id + 1

    def _certified(self) -> Iterator[tuple[int, Any]]:
        return self._scan(Erasure.Certified)

    def _sealed_answers(self) -> Iterator[tuple[UUID, UUID]]:
        """(marker id, caller id) of every sealed idempotency answer."""
        for _, event in self._scan(IdempotentCommand.AnswerSealed):
            yield event.originator_id, event.caller_id
