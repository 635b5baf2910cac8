"""`Idempotency-Key` on tenant-scoped commands: a retried command gets the first answer, and
the command's events are recorded once.

For a POST/PUT/PATCH/DELETE carrying the header, the middleware opens an `IdempotencyClaim` (a
context variable the application service's `record` sees): the claim's marker aggregate is
appended together with the command's own events, so two racing attempts cannot both record.
Once the handler has answered, the answer (status and JSON body) is appended to the marker; a
later attempt with the same key gets it back verbatim, with `Idempotent-Replayed: true`. A key
reused for a different request (method, path or body) is a 422; an attempt arriving while the
first is still being answered is a 409 with `Retry-After`. Refusals that record nothing (4xx)
are not remembered: retrying them runs the validation again and gets the same answer.

Keys are scoped by the caller's credential (or, for sign-up, by the key alone) and the tenant.
A signed-in caller's answer is kept sealed (`IdempotentCommand.AnswerSealed`): it may quote
personal data, and erasure destroys its key; a retry whose answer was erased that way is a 409
saying so (the command is not run again).
"""

from __future__ import annotations

import hashlib
from typing import Any

import anyio.to_thread
from eventsourcing.persistence import PersistenceError, RecordConflictError
from litestar import Litestar, Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPDisconnectEvent,
    HTTPRequestEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from infra.container import Ithaca
from infra.eventstore.held import HeldAppends, holding_appends
from infra.logging import get_logger
from infra.web.errors import error_response
from infra.web.tenant_api import ANSWERS_CREDENTIAL, session_token
from services.accounts.application import Accounts, Caller
from services.application import (
    IdempotencyClaim,
    IdempotentCommand,
    TenantApplication,
    current_idempotency_claim,
)
from services.errors import IthacaError
from tenants.directory import TenantRecord

__all__ = ["IdempotencyMiddleware"]

_COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MAX_KEY = 255
_FAILED = 500
_log = get_logger(__name__)


class _Markers(TenantApplication):
    """Reads idempotency markers in a tenant's stream and saves their answers."""

    name = "idempotency"

    def find_marker(self, marker_id: Any) -> IdempotentCommand | None:
        return self.find(marker_id, IdempotentCommand)

    def answer(self, marker: IdempotentCommand, answer: _Answer, caller: Caller | None) -> None:
        """Saves the answer on the marker the command appended (still uncommitted, so it is
        the in-memory marker that is answered, not one read back)."""
        status = answer.status or _FAILED
        if answer.keeps_credential:
            marker.withhold_answer(status=status)
        elif caller is None:
            marker.answer(status=status, body=answer.body, content_type=answer.content_type)
        else:
            marker.answer_sealed(caller_id=caller.member_id, status=status,
                                 body=answer.body, content_type=answer.content_type)
        self.save(marker)


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = Headers.from_scope(scope)
        key = headers.get("idempotency-key")
        route_opt = scope["route_handler"].opt if "route_handler" in scope else {}
        if (key is None or scope.get("method") not in _COMMAND_METHODS
                or route_opt.get(ANSWERS_CREDENTIAL)):
            # A route answering a credential (sign-in) never keeps its answer: the key is not
            # used there, and a retry signs in again.
            await next_app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive)
        if not 1 <= len(key) <= _MAX_KEY or not key.isprintable():
            await _refuse(request, scope, receive, send, 400,
                          f"must be 1 to {_MAX_KEY} printable characters")
            return
        body = await request.body()
        replay_receive = _replaying(body)
        ithaca: Ithaca = Litestar.from_scope(scope).state.ithaca
        tenant: TenantRecord = scope["state"]["tenant"]
        markers = ithaca.tenant_application(tenant, _Markers)
        credential = session_token(request) or ""
        scope_name = hashlib.sha256(credential.encode()).hexdigest()
        marker_id = IdempotentCommand.create_id(scope_name, key)
        fingerprint = hashlib.sha256(
            f"{request.method} {scope['path']}\n".encode() + body
        ).hexdigest()

        marker = await anyio.to_thread.run_sync(markers.find_marker, marker_id)
        if marker is not None:
            if credential and not await _still_signed_in(ithaca, tenant, credential):
                # The session ended since: the answer is not given back; the guard refuses.
                await next_app(scope, replay_receive, send)
                return
            await _replay(marker, fingerprint, request, scope, replay_receive, send)
            return

        claim = IdempotencyClaim(
            marker_id=marker_id, fingerprint=fingerprint, key=key, sealed=bool(credential)
        )
        answer = _Answer()
        with holding_appends() as held:
            token = current_idempotency_claim.set(claim)
            try:
                # A racing attempt that loses at `record` answers 409 (`DuplicateCommandError`).
                await next_app(scope, replay_receive, answer.send)
            finally:
                current_idempotency_claim.reset(token)
            try:
                await anyio.to_thread.run_sync(
                    _conclude, markers, held, claim, answer, scope["state"].get("caller"),
                )
            except (PersistenceError, RecordConflictError) as error:
                # Nothing was kept: neither the command nor its answer; the client may retry.
                await _unavailable(request, scope, replay_receive, send, error)
                return
        await answer.replay(send)


def _conclude(
    markers: _Markers, held: HeldAppends, claim: IdempotencyClaim, answer: _Answer,
    caller: Caller | None,
) -> None:
    """Commits the command's events with its answer, or nothing if the command failed."""
    if answer.status is None or answer.status >= _FAILED:
        held.rollback()  # an answer that was never completed, or a server error: not done
        return
    if claim.marker is not None:
        markers.answer(claim.marker, answer, caller)
    held.commit()


class _Answer:
    """Keeps the response until the command and its answer are committed together: a client
    never hears of a command that a crash could still undo."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.status: int | None = None
        self.content_type = ""
        self.keeps_credential = False
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    self.content_type = value.decode("latin-1")
                elif name.lower() == b"cache-control" and b"no-store" in value.lower():
                    self.keeps_credential = True
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
        self.messages.append(message)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    async def replay(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


def _replaying(body: bytes) -> Receive:
    """A `receive` that hands the already-read body to the handler."""
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            request: HTTPRequestEvent = {
                "type": "http.request", "body": body, "more_body": False
            }
            return request
        disconnect: HTTPDisconnectEvent = {"type": "http.disconnect"}
        return disconnect

    return receive


async def _replay(
    marker: IdempotentCommand, fingerprint: str, request: Request[Any, Any, Any],
    scope: Scope, receive: Receive, send: Send,
) -> None:
    if marker.fingerprint != fingerprint:
        await _refuse(request, scope, receive, send, 422,
                      "was already used for a different request")
        return
    if marker.status is None:
        await _refuse(request, scope, receive, send, 409,
                      "the first request with this key is still being processed; retry shortly",
                      retry_after=True)
        return
    if marker.answer_withheld:
        await _refuse(request, scope, receive, send, 409,
                      "this request was already processed; its answer held a credential, "
                      "which is never kept: send the request again without this key")
        return
    if marker.answer_erased:
        await _refuse(request, scope, receive, send, 409,
                      "this request was already processed; its answer is no longer kept "
                      "(personal data it held was erased)")
        return
    headers = [(b"content-type", marker.content_type.encode("latin-1")),
               (b"idempotent-replayed", b"true"),
               (b"content-length", str(len(marker.body)).encode())]
    await send({"type": "http.response.start", "status": marker.status, "headers": headers})
    await send({"type": "http.response.body", "body": marker.body, "more_body": False})


async def _still_signed_in(ithaca: Ithaca, tenant: TenantRecord, credential: str) -> bool:
    accounts = ithaca.tenant_application(tenant, Accounts)
    try:
        await anyio.to_thread.run_sync(accounts.authenticate, credential)
    except IthacaError:
        return False
    return True


async def _unavailable(
    request: Request[Any, Any, Any], scope: Scope, receive: Receive, send: Send,
    error: PersistenceError | RecordConflictError,
) -> None:
    _log.warning("idempotent_command_not_committed", error=str(error))
    response = error_response(
        request, 503, "the database is unavailable; nothing was recorded, retry shortly",
        "database", headers={"Retry-After": "5"},
    )
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


async def _refuse(
    request: Request[Any, Any, Any], scope: Scope, receive: Receive, send: Send,
    status: int, problem: str, *, retry_after: bool = False,
) -> None:
    response = error_response(
        request, status, problem, "Idempotency-Key",
        headers={"Retry-After": "1"} if retry_after else None,
    )
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)
