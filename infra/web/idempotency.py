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

from infra.bootstrap import Ithaca
from infra.web.errors import error_response
from services.accounts.application import Caller
from services.application import (
    IdempotencyClaim,
    IdempotentCommand,
    TenantApplication,
    current_idempotency_claim,
)
from tenants.directory import TenantRecord

__all__ = ["IdempotencyMiddleware"]

_COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MAX_KEY = 255
_MAX_REMEMBERED_BODY = 256 * 1024


class _Markers(TenantApplication):
    """Reads and answers idempotency markers in a tenant's stream."""

    name = "idempotency"

    def find_marker(self, marker_id: Any) -> IdempotentCommand | None:
        return self.find(marker_id, IdempotentCommand)

    def answer(
        self, marker_id: Any, status: int, body: bytes, content_type: str,
        caller: Caller | None,
    ) -> None:
        marker = self.get(marker_id, IdempotentCommand, field="Idempotency-Key")
        if marker.status is not None:
            return
        if caller is None:
            marker.answer(status=status, body=body, content_type=content_type)
        else:
            marker.answer_sealed(caller_id=caller.member_id, status=status, body=body,
                                 content_type=content_type)
        self.save(marker)


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = Headers.from_scope(scope)
        key = headers.get("idempotency-key")
        if key is None or scope.get("method") not in _COMMAND_METHODS:
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
        credential = headers.get("authorization") or request.cookies.get("ithaca_session") or ""
        scope_name = hashlib.sha256(credential.encode()).hexdigest()
        marker_id = IdempotentCommand.create_id(scope_name, key)
        fingerprint = hashlib.sha256(
            f"{request.method} {scope['path']}\n".encode() + body
        ).hexdigest()

        marker = await anyio.to_thread.run_sync(markers.find_marker, marker_id)
        if marker is not None:
            await _replay(marker, fingerprint, request, scope, replay_receive, send)
            return

        claim = IdempotencyClaim(marker_id=marker_id, fingerprint=fingerprint, key=key)
        answer = _Answer(send)
        token = current_idempotency_claim.set(claim)
        try:
            # A racing attempt that loses at `record` answers 409 (`DuplicateCommandError`).
            await next_app(scope, replay_receive, answer.send)
        finally:
            current_idempotency_claim.reset(token)
        if claim.recorded and answer.status is not None:
            caller: Caller | None = scope["state"].get("caller")  # set by the guard
            await anyio.to_thread.run_sync(
                markers.answer, marker_id, answer.status, answer.body, answer.content_type,
                caller,
            )


class _Answer:
    """Passes the response through while keeping a copy of it."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        self.content_type = ""
        self.chunks: list[bytes] = []
        self.size = 0

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    self.content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self.size += len(chunk)
            if self.size <= _MAX_REMEMBERED_BODY:
                self.chunks.append(chunk)
        await self._send(message)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks) if self.size <= _MAX_REMEMBERED_BODY else b""


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


async def _refuse(
    request: Request[Any, Any, Any], scope: Scope, receive: Receive, send: Send,
    status: int, problem: str, *, retry_after: bool = False,
) -> None:
    response = error_response(
        request, status, problem, "Idempotency-Key",
        headers={"Retry-After": "1"} if retry_after else None,
    )
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)
