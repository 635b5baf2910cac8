"""The base of every tenant-scoped application service, and what every command shares.

`TenantApplication.record` saves a command's aggregates in one append and returns the stream
position it reached (for read-your-writes). When the command came with an `Idempotency-Key`, the
web layer has opened an `IdempotencyClaim` for it, and `record` appends the claim's marker
aggregate in that same append: a second attempt with the same key collides on the marker's id,
so of two racing attempts exactly one records anything (see `infra.web.idempotency`).
A signed-in caller's answer is sealed under a key of its own (the marker is its subject): an
answer may quote personal data (a meeting's agenda, a session log), so erasing the caller, or
someone whose data the caller saw, destroys the keys of that caller's answers (services.privacy).

`retrying` reruns a load-command-save function when another writer got in first (optimistic
concurrency); a command whose rules depend on what it loaded (capacity, open-request limits) is
then checked again against the new state. After a few attempts it is a 409.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ClassVar, TypeVar
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, BaseAggregate, event
from eventsourcing.persistence import RecordConflictError, Recording

from infra.eventstore.streams import StreamApplication
from services.errors import ConflictError, NotFoundError
from services.personal_data import Personal

__all__ = [
    "DuplicateCommandError",
    "IdempotencyClaim",
    "IdempotentCommand",
    "TenantApplication",
    "current_idempotency_claim",
]

_NAMESPACE = UUID("0d3b8f0e-52a4-4f7c-9d61-0c0b7a3e5a21")
_ATTEMPTS = 4

AggregateT = TypeVar("AggregateT", bound=BaseAggregate[UUID])
ResultT = TypeVar("ResultT")


class IdempotentCommand(Aggregate):
    """One `Idempotency-Key` of one caller: started with the command's own events, answered
    with the response the caller got, which a retry gets again."""

    class Started(Aggregate.Created):
        fingerprint: str

    class Answered(Aggregate.Event):
        """An answer kept in the clear: anonymous callers' (sign-up, sign-in, resets), which
        quote no personal data, and every answer recorded before sealed answers existed."""

        status: int
        body: bytes
        content_type: str

    class AnswerSealed(Aggregate.Event):
        """A signed-in caller's answer, sealed under the marker's own key; once that key is
        destroyed the body reads as None. `caller_id` says whose answers to destroy."""

        caller_id: UUID
        status: int
        body: Annotated[bytes, Personal(erased=None)]
        content_type: str

    @staticmethod
    def create_id(scope: str, key: str) -> UUID:
        digest = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        return uuid5(_NAMESPACE, digest)

    @event(Started)
    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.status: int | None = None
        self.body = b""
        self.content_type = ""
        self.answer_erased = False

    @event(Answered)
    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.status, self.body, self.content_type = status, body, content_type

    @event(AnswerSealed)
    def answer_sealed(
        self, caller_id: UUID, status: int, body: bytes | None, content_type: str
    ) -> None:
        self.status, self.content_type = status, content_type
        self.body = body or b""
        self.answer_erased = body is None


@dataclass
class IdempotencyClaim:
    """A keyed command in flight: set by the web layer, consumed by the first `record`."""

    marker_id: UUID
    fingerprint: str
    key: str
    recorded: bool = False


current_idempotency_claim: contextvars.ContextVar[IdempotencyClaim | None] = (
    contextvars.ContextVar("current_idempotency_claim", default=None)
)


class DuplicateCommandError(ConflictError):
    """Another attempt with the same idempotency key recorded first."""

    def __init__(self, marker_id: UUID) -> None:
        super().__init__(
            "a request with this Idempotency-Key is already being processed",
            field="Idempotency-Key",
        )
        self.marker_id = marker_id


class TenantApplication(StreamApplication):
    """An application service on one tenant's stream."""

    name = "TenantApplication"
    # Aggregates that live long (a conversation, a mentor's caseload) would otherwise be decoded
    # (and their personal fields opened) from their first event on every command. Cached copies
    # are fast-forwarded from the stream on every `get`, so other processes' writes are seen,
    # and handed out as deep copies, so a refused command leaves nothing behind.
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "500"}

    def record(self, *aggregates: BaseAggregate[UUID]) -> int:
        """Saves the aggregates' new events in one append; returns the position reached."""
        recordings = self.append(*aggregates)
        return recordings[-1].notification.id if recordings else self.position

    def append(self, *aggregates: BaseAggregate[UUID]) -> list[Recording[UUID]]:
        """`record`, answering each event's recording (for a command that must say at which
        position one particular event was recorded)."""
        claim = current_idempotency_claim.get()
        marker: tuple[IdempotentCommand, ...] = ()
        if claim is not None and not claim.recorded:
            if claim.marker_id in self.repository:
                raise DuplicateCommandError(claim.marker_id)
            started = IdempotentCommand.Started  # the marker's id comes from the key
            marker = (IdempotentCommand._create(
                started, id=claim.marker_id, fingerprint=claim.fingerprint
            ),)
        recordings = self.save(*aggregates, *marker)
        if marker:
            assert claim is not None
            claim.recorded = True
        return recordings

    def retrying(self, command: Callable[[], ResultT]) -> ResultT:
        """Runs a load-command-save function, again if a concurrent writer got in first."""
        for _ in range(_ATTEMPTS - 1):
            try:
                return command()
            except RecordConflictError:
                claim = current_idempotency_claim.get()
                if claim is not None and not claim.recorded and claim.marker_id in self.repository:
                    raise DuplicateCommandError(claim.marker_id) from None
        try:
            return command()
        except RecordConflictError as error:
            raise ConflictError(
                "the record changed while this request was processed; please try again"
            ) from error

    def get(self, aggregate_id: UUID, kind: type[AggregateT], *, field: str) -> AggregateT:
        """The aggregate of that kind with that id, or a 404 naming `field`: an id of another
        tenant, of another kind or of nothing at all reads the same."""
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFoundError("no %(noun)s with id %(id)s", field=field,
                                values={"noun": _noun(kind), "id": aggregate_id})
        return aggregate

    def find(self, aggregate_id: UUID, kind: type[AggregateT]) -> AggregateT | None:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None


def _noun(kind: type) -> str:
    name = kind.__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
