"""`OPTIONS` answers list every method of the path.

Litestar answers `OPTIONS` itself, with an `Allow` header built when the first handler of a path
is registered: a path whose GET and PUT come from two handlers answered `Allow: GET, OPTIONS`
(litestar-org/litestar#4169, fixed in Litestar 3). The path's route knows all its methods; this
hook puts them in the header.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

__all__ = ["allow_every_method"]


async def allow_every_method(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    headers = MutableScopeHeaders.from_message(message)
    template = scope.get("path_template")
    if "allow" not in headers or not template:
        return
    for route in scope["app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            headers["Allow"] = ", ".join(sorted(route.methods))
            return
