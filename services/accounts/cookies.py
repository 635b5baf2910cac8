"""The session cookie of pages: `ithaca_session`, Secure, HttpOnly, SameSite=Lax, Path=/.

Pages sign in with `Accounts.sign_in(kind=SessionKind.COOKIE)` and set the cookie on their
response with `set_session_cookie`; the guard (`infra.web.tenant_api.authorize`) reads it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from litestar import Response
from litestar.datastructures import Cookie

from infra.web.tenant_api import SESSION_COOKIE
from services.accounts.application import SignedIn

__all__ = ["expired_session_cookie", "session_cookie", "set_session_cookie"]


def session_cookie(signed_in: SignedIn, now: datetime | None = None) -> Cookie:
    """The cookie that carries this session until it expires."""
    lifetime = signed_in.expires_at - (now or datetime.now(UTC))
    return Cookie(
        key=SESSION_COOKIE, value=signed_in.token, path="/", secure=True, httponly=True,
        samesite="lax", max_age=max(0, math.floor(lifetime.total_seconds())),
    )


def expired_session_cookie() -> Cookie:
    """Tells the browser to forget the session cookie (sign-out)."""
    return Cookie(
        key=SESSION_COOKIE, value="", path="/", secure=True, httponly=True, samesite="lax",
        max_age=0,
    )


def set_session_cookie(response: Response[Any], signed_in: SignedIn) -> Response[Any]:
    response.set_cookie(session_cookie(signed_in))
    return response
