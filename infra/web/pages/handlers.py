"""What page handlers reach for: the process's `Ithaca`, the request's tenant's application
services, the signed-in member, where to go back to after a form, and a way to run a blocking
call off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio.to_thread
from litestar import Request

from infra.bootstrap import Ithaca
from infra.eventstore.streams import StreamApplication
from services.accounts.application import Caller

__all__ = ["in_thread", "ithaca_of", "safe_next", "service", "signed_in"]

T = TypeVar("T")
AppT = TypeVar("AppT", bound=StreamApplication)


def ithaca_of(request: Request[Any, Any, Any]) -> Ithaca:
    ithaca: Ithaca = request.app.state.ithaca
    return ithaca


def service(request: Request[Any, Any, Any], app_class: type[AppT]) -> AppT:
    """The request's tenant's instance of an application service."""
    return ithaca_of(request).tenant_application(request.state.tenant, app_class)


def signed_in(request: Request[Any, Any, Any]) -> Caller:
    """The member a page with roles was opened by (the guard has checked there is one)."""
    caller: Caller = request.state.caller
    return caller


def safe_next(target: object, within: str = "/") -> str | None:
    """A `next` address to go back to, only if it is a path on this site under `within`:
    never an open redirect to another host."""
    if not isinstance(target, str) or not target.startswith(within) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


async def in_thread(command: Callable[[], T]) -> T:
    """Runs a blocking call (the database, password hashing) in a worker thread."""
    return await anyio.to_thread.run_sync(command)
