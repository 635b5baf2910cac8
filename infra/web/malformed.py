"""Requests that cannot be read are the client's mistake: a 400 naming what could not be read.

Litestar turns only msgspec's `DecodeError` into a client error. A JSON body nested deeper than
the decoder's recursion limit raises `RecursionError`, and one that is not UTF-8 raises
`UnicodeDecodeError`; both escaped as 500s with a traceback. `IthacaRequest` (every route's
request class) reads JSON bodies so that every body that is not JSON is one refusal, field
"body". A static file's path holding a NUL byte made the file lookup raise `ValueError`;
`refuse_unreadable_path` guards the static files.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import SerializationException
from litestar.handlers import BaseRouteHandler

from services.errors import IthacaError

__all__ = ["IthacaRequest", "MalformedRequestError", "refuse_unreadable_path"]


class MalformedRequestError(IthacaError):
    """The request cannot be read at all, before any rule applies (400)."""

    status_code = 400


class IthacaRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except SerializationException as error:  # msgspec's words: "JSON is malformed: ..."
            raise MalformedRequestError(str(error), field="body") from error
        except RecursionError as error:
            raise MalformedRequestError(
                "JSON is malformed: arrays and objects are nested too deeply", field="body",
            ) from error
        except UnicodeDecodeError as error:
            raise MalformedRequestError(
                "JSON is malformed: the body is not UTF-8", field="body") from error


def refuse_unreadable_path(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """A guard: no file's name holds a NUL byte, and the file system refuses to look one up."""
    if "\x00" in connection.scope["path"]:
        raise MalformedRequestError("a path may not hold a NUL byte (%00)", field="path")
