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
then checked again against the new state. Reruns pause for a random while that doubles each time
(full jitter: racing writers spread out instead of colliding again in step), for as long as
`retry_budget_seconds` lasts; then it is a 409 naming the record that kept changing.
"""

from __future__ import annotations

import contextvars
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, ClassVar, TypeVar
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate, BaseAggregate, event
from eventsourcing.persistence import IntegrityError, RecordConflictError, Recording

from infra.eventstore.streams import StreamApplication
from services.errors import ConflictError, NotFoundError
from services.personal_data import Personal
from services.tokens import TokenSigner

__all__ = [
    "DuplicateCommandError",
    "IdempotencyClaim",
    "IdempotentCommand",
    "TenantApplication",
    "current_idempotency_claim",
]

_NAMESPACE = UUID("0d3b8f0e-52a4-4f7c-9d61-0c0b7a3e5a21")
RETRY_BUDGET_SECONDS = 5.0
"""How long a command is rerun while other writers keep getting in first (well within a
client's patience: 64 simultaneous writers to one record all succeed in about a second)."""
_FIRST_PAUSE_SECONDS = 0.005
_LONGEST_PAUSE_SECONDS = 0.25

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

    class AnswerWithheld(Aggregate.Event):
        """The command was done, but its answer carried a credential (it was marked
        `Cache-Control: no-store`), which is never kept: a retry is told so, not given it."""

        status: int

    @staticmethod
    def create_id(scope: str, key: str) -> UUID:
        digest = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        return uuid5(_NAMESPACE, digest)

    @event(Started)
    def __init__(self, id: UUID, fingerprint: str) -> None:
        # `id` is the claim's marker id, chosen by the caller (the library keeps it).
        self.fingerprint = fingerprint
        self.status: int | None = None
        self.body = b""
        self.content_type = ""
        self.answer_erased = False
        self.answer_withheld = False

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

    @event(AnswerWithheld)
    def withhold_answer(self, status: int) -> None:
        self.status = status
        self.answer_withheld = True


@dataclass
class IdempotencyClaim:
    """A keyed command in flight: set by the web layer, consumed by the first `record`, whose
    append (held open by the web layer, `infra.eventstore.held`) carries the `marker`; the
    answer is then saved on that same marker, in the same transaction."""

    marker_id: UUID
    fingerprint: str
    key: str
    sealed: bool = False
    """The caller is signed in: the answer will be sealed under the marker's own key."""
    marker: IdempotentCommand | None = None

    @property
    def recorded(self) -> bool:
        return self.marker is not None


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
    # are brought up to date from the stream on every `get`, so other processes' writes are
    # seen, and handed out as deep copies, so a refused command leaves nothing behind; a cached
    # copy is never changed in place, as threads share it (`infra.eventstore.streams`).
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "500"}
    retry_budget_seconds = RETRY_BUDGET_SECONDS

    @cached_property
    def tokens(self) -> TokenSigner:
        """Signs and opens the tokens of links in mail (keyed by the stream's secret)."""
        return TokenSigner(self.stream.personal_keys.stream_secret())

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
            if claim.sealed:  # the key is made now, not inside the transaction held open
                self.stream.personal_keys.key_for(claim.marker_id, create=True)
            marker = (  # the marker's id comes from the key
                IdempotentCommand(id=claim.marker_id, fingerprint=claim.fingerprint),
            )
        recordings = self.save(*aggregates, *marker)
        if marker:
            assert claim is not None
            claim.marker = marker[0]
        return recordings

    def retrying(self, command: Callable[[], ResultT]) -> ResultT:
        """Runs a load-command-save function, again if a concurrent writer got in first."""
        deadline = time.monotonic() + self.retry_budget_seconds
        longest_pause = _FIRST_PAUSE_SECONDS
        while True:
            try:
                return command()
            except RecordConflictError as error:
                claim = current_idempotency_claim.get()
                if claim is not None and not claim.recorded and claim.marker_id in self.repository:
                    raise DuplicateCommandError(claim.marker_id) from None
                time_left = deadline - time.monotonic()
                if time_left <= 0:
                    raise self._kept_changing(error) from error
                pause = random.uniform(0, longest_pause)  # noqa: S311 - spreads retries only
                time.sleep(min(pause, time_left))
                longest_pause = min(2 * longest_pause, _LONGEST_PAUSE_SECONDS)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        try:
            return super()._record(processing_event)
        except RecordConflictError as error:
            raise _OvertakenError(error, processing_event) from error

    def _kept_changing(self, error: RecordConflictError) -> ConflictError:
        """The refusal of a command that was overtaken until its time ran out, naming the record
        another writer changed (the first, when the command saved several)."""
        written = [
            record for record in (error.records if isinstance(error, _OvertakenError) else [])
            if record.kind is not IdempotentCommand
        ]
        changed = [record for record in written if self.recorder.select_events(
            record.id, gt=record.version - 1, limit=1)]
        if not written:
            return ConflictError(
                "the record changed while this request was processed; please try again"
            )
        record = (changed or written)[0]
        noun = _noun(record.kind)
        return ConflictError(
            "the %(noun)s %(id)s kept changing while this request was processed; "
            "please try again", field=_camel(noun) + "Id", values={"noun": noun, "id": record.id},
        )

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


@dataclass(frozen=True)
class _Written:
    """A record a save was writing: its kind, id and the version it was to reach first."""

    kind: type
    id: UUID
    version: int


class _OvertakenError(IntegrityError):
    """A save that collided with another writer's, and what it was writing (an IntegrityError,
    as the recorders' own, for whoever catches those)."""

    def __init__(self, error: RecordConflictError, processing_event: ProcessingEvent[UUID]):
        super().__init__(*error.args)
        first_versions: dict[UUID, int] = {}
        for domain_event in processing_event.events:
            first_versions.setdefault(domain_event.originator_id, domain_event.originator_version)
        self.records = [
            _Written(type(processing_event.aggregates.get(aggregate_id)), aggregate_id, version)
            for aggregate_id, version in first_versions.items()
        ]


def _camel(noun: str) -> str:
    first, *rest = noun.split()
    return first + "".join(word.capitalize() for word in rest)


def _noun(kind: type) -> str:
    name = kind.__name__
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
