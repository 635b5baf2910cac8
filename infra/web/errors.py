"""The one error mapper: every refusal and failure a client sees has the same shape.

    {"error": {"status": 422, "problem": "'www' is reserved", "field": "slug"}}

Domain errors (`services.errors.IthacaError`) carry their status, problem and field; Litestar's
own refusals (malformed bodies, unknown routes, missing credentials) are translated to the same
shape; a database that cannot be reached or used now (a connection refused or cut, no pooled
connection free in time, a SQLite file locked or unopenable) is a 503 with Retry-After, as
`/readyz` is; anything else unexpected is a 500 that says nothing about the internals and is
logged with its traceback. A client that prefers HTML (a browser) gets the same as a branded page
(`infra.web.pages.errors`, which the plugin puts in the app's state as `ERROR_PAGE`).
Handlers raise before they store, so an error path never leaves anything recorded.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any, Protocol

import msgspec
import psycopg
from eventsourcing.persistence import ConnectionUnavailableError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import ParameterKwarg
from litestar.types import ExceptionHandlersMap

from infra.logging import get_logger
from services.errors import IthacaError

__all__ = [
    "ERROR_PAGE",
    "EXCEPTION_HANDLERS",
    "ErrorBody",
    "ErrorDetail",
    "ErrorPage",
    "error_response",
]

_log = get_logger("ithaca.web")


class ErrorDetail(msgspec.Struct, frozen=True):
    status: int
    problem: str
    field: str | None = None


class ErrorBody(msgspec.Struct, frozen=True):
    """The body of every 4xx and 5xx response."""

    error: ErrorDetail


ERROR_PAGE = "error_page"
"""The app state's key of the branded error page, which the plugin puts there: the pages build
on this module, so it must not import them."""


class ErrorPage(Protocol):
    def __call__(
        self, request: Request[Any, Any, Any], status: int, problem: str,
        headers: dict[str, str] | None, refusal: IthacaError | None, /,
    ) -> Response[Any]: ...


def error_response(
    request: Request[Any, Any, Any],
    status: int,
    problem: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    refusal: IthacaError | None = None,
) -> Response[Any]:
    """The JSON error body, or for a browser the branded error page (which shows a domain
    `refusal` in the reader's language)."""
    page: ErrorPage | None = request.app.state.get(ERROR_PAGE) if _prefers_html(request) else None
    if page is not None:
        return page(request, status, problem, headers, refusal)
    return Response(
        content=ErrorBody(ErrorDetail(status=status, problem=problem, field=field)),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _prefers_html(request: Request[Any, Any, Any]) -> bool:
    # Browsers list text/html before */*; API clients send application/json or only */*.
    best = request.accept.best_match(["application/json", "text/html"], "application/json")
    return best == "text/html"


def _ithaca_error(request: Request[Any, Any, Any], exc: IthacaError) -> Response[Any]:
    retry_after = exc.retry_after_seconds
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return error_response(request, exc.status_code, exc.problem, exc.field, headers, exc)


# msgspec's own words, as Litestar passes them on: "Object contains unknown field `colour`",
# "Object missing required field `slug`"; Litestar's "Missing required query parameter 'a' ...".
_QUOTED_FIELD = re.compile(r"field `([^`]*)`")
_MISSING_PARAMETER = re.compile(r"parameter '([^']+)'")


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    messages = exc.extra if isinstance(exc.extra, list) else []
    first: dict[str, Any] = messages[0] if messages and isinstance(messages[0], dict) else {}
    problem = str(first.get("message") or exc.detail or "invalid request")
    key = str(first.get("key", ""))
    in_body = first.get("source") == "body"
    if in_body and problem == "'data'":  # Litestar's KeyError for a body that is absent
        problem = "a JSON body is required"
    field = _body_field(problem, key) if in_body else _parameter_field(request, problem, key)
    return error_response(request, 400, problem, field)


def _body_field(problem: str, key: str) -> str:
    """The path into the body: msgspec's `$.areas[0]` (Litestar passes it as the key, "data"
    for the body itself), with the field msgspec names in it; the names are already the wire's
    (camelCase). A problem with the whole body, or an unknown field named "", is `body`'s."""
    quoted = _QUOTED_FIELD.search(problem)
    path = [part for part in ("" if key == "data" else key, quoted.group(1) if quoted else "")
            if part]
    return ".".join(path) or "body"


def _parameter_field(request: Request[Any, Any, Any], problem: str, key: str) -> str:
    """The parameter as the client spelled it (`monthsAfter`, `from`), not the handler's
    argument (`months_after`, `from_month`)."""
    missing = _MISSING_PARAMETER.search(problem)
    if missing:
        return missing.group(1)
    handler = request.scope.get("route_handler")
    providers = handler.resolve_dependencies().values() if handler else ()
    for signature in (getattr(handler, "parsed_fn_signature", None),
                      *(getattr(p, "parsed_fn_signature", None) for p in providers)):
        parameter = signature.parameters.get(key) if signature else None
        kwarg = parameter.kwarg_definition if parameter else None
        if isinstance(kwarg, ParameterKwarg):
            return kwarg.name or kwarg.query or kwarg.header or kwarg.cookie or key
    return key or "request"


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        return _unexpected(request, exc)
    problem = str(exc.detail)
    if isinstance(exc, NotFoundException) and problem == "Not Found":  # no route matched
        problem = f"nothing here: no route for {request.method} {request.url.path}"
    return error_response(
        request, exc.status_code, problem, _HTTP_FIELDS.get(exc.status_code, "request"),
        dict(exc.headers or {}) or None,
    )


# Litestar's own refusals name no field; what each one is about.
_HTTP_FIELDS = {401: "authorization", 404: "path", 405: "method", 406: "accept", 413: "body",
                415: "content-type"}


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if _database_unavailable(exc):
        _log.warning("database unavailable", error=f"{type(exc).__name__}: {exc}",
                     method=request.method, path=request.url.path)
        return error_response(
            request, 503, "the database is unavailable just now; try again shortly", None,
            {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    _log.error("unhandled error", exc_info=exc, method=request.method, path=request.url.path)
    return error_response(request, 500, "something went wrong on our side; it has been logged")


DATABASE_RETRY_AFTER_SECONDS = 5

# SQLite says "cannot now" only in words: its OperationalError also means a bug ("no such table").
_SQLITE_UNAVAILABLE = (
    "database is locked", "database table is locked", "unable to open database file",
    "disk I/O error", "database or disk is full",
)


def _database_unavailable(error: BaseException) -> bool:
    """Whether `error`, or what it was raised from, says the database cannot be reached or used
    now: psycopg's connection and server-side operational errors (the pool's timeout is one),
    the library's pool of SQLite connections running dry, SQLite's locked or unopenable file.
    The library and our recorders wrap these in their own `OperationalError`s (`raise ... from`),
    so the chain of causes is searched."""
    return any(
        isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError
                   | ConnectionUnavailableError)
        or (isinstance(cause, sqlite3.OperationalError)
            and str(cause).startswith(_SQLITE_UNAVAILABLE))
        for cause in _causes(error)
    )


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    IthacaError: _ithaca_error,
    ValidationException: _validation_error,
    HTTPException: _http_exception,
    Exception: _unexpected,
}
