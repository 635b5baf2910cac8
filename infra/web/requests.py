"""Per-request context: a request id, the log context every line carries, one access line, and
the latency metric.

The id comes from the caller's `X-Request-ID` when it looks like an id (so a proxy's or a
client's id ties their logs to ours), else it is a fresh uuid4. It is echoed in the response's
`X-Request-ID`, becomes the `correlation_id` of every event the request causes, and is bound with
`request_id`, `tenant` and `user` into structlog's context variables; the tenant middleware and
authentication fill in the last two. Sync handlers run in worker threads that inherit the context.

Litestar runs app middleware after routing, so a request that matches no route never reaches the
middleware; `echo_request_id` (a before-send hook, which sees every response) still gives it an
id and an access line, without a duration.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from infra.logging import get_logger
from infra.web.metrics import IthacaMetrics

__all__ = ["REQUEST_ID_HEADER", "RequestContextMiddleware", "echo_request_id", "request_id_of"]

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

_log = get_logger("ithaca.access")


def _incoming_request_id(scope: Scope) -> str | None:
    value = Headers.from_scope(scope).get(REQUEST_ID_HEADER)
    return value if value and _SANE_REQUEST_ID.match(value) else None


def request_id_of(scope: Scope) -> str:
    """This request's id, assigned on first use."""
    state = scope.setdefault("state", {})
    request_id: str | None = state.get("request_id")
    if request_id is None:
        request_id = state["request_id"] = _incoming_request_id(scope) or uuid.uuid4().hex
    return request_id


class RequestContextMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, metrics: IthacaMetrics) -> None:
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request_id = request_id_of(scope)
        scope["state"]["access_logged_by_middleware"] = True
        started = time.perf_counter()
        # An exception escaping the stack means no response was started here: the app's error
        # mapper answers 500 outside this middleware.
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id, tenant=None, user=None):
            try:
                await next_app(scope, receive, send_and_note_status)
            finally:
                seconds = time.perf_counter() - started
                # Never the raw path: label values must be bounded by the code, not by clients.
                route = scope.get("path_template") or "(unmatched)"
                method = str(scope.get("method", ""))
                self.metrics.observe_request(method, route, status, seconds)
                _log.info(
                    "request", method=method, path=scope["path"], route=route, status=status,
                    duration_ms=round(seconds * 1000, 2),
                )


async def echo_request_id(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    request_id = request_id_of(scope)
    MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
    routed = scope["state"].get("access_logged_by_middleware")
    if not routed and scope.get("type") == ScopeType.HTTP:
        # No route matched, so the middleware above never ran.
        _log.info(
            "request", method=scope.get("method", ""), path=scope["path"], route=None,
            status=message["status"], request_id=request_id, tenant=None, user=None,
        )
