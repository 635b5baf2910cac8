"""Cross-site request forgery: tokens bound to the session, and an API that takes only JSON.

Every page of the same site can send the browser's cookies along (another subdomain of the base
domain, another tenant under `/t/{slug}`), so a cookie alone never proves that a request came
from one of our own pages.

- **Pages** keep Litestar's double-submit check (a form's `_csrf_token` field, or the
  `X-CSRF-Token` header, must equal the `ithaca_csrf` cookie), and `SessionBoundCsrf` binds the
  cookie's token to the sessions the request carries (`ithaca_session`, `ithaca_operator`): the
  token's random half is followed by an HMAC of it with those cookies, so a token minted for one
  visitor or session is refused in another, even when a sibling site planted it as a cookie. A
  response that starts or ends a session (sign-in, sign-up, sign-out, erasure) carries a fresh
  token for the new one; a GET whose token belongs to another session gets a fresh one too.
- **The JSON API** needs nothing more from bearer tokens, which no other page can send. A call
  made with the session cookie on an unsafe method must carry the same token in `X-CSRF-Token`
  (`require_api_token`, from the API's guard); a page that calls the API takes it from any of its
  forms. Bodies are JSON only (`JsonBodiesOnly`): form, multipart and text/plain bodies, which
  another site can make a browser send without asking, answer 415 naming `Content-Type`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any, Final

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, Headers, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import generate_csrf_hash
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from infra.web.errors import error_response
from services.errors import ForbiddenError, IthacaError

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "JsonBodiesOnly",
    "SessionBoundCsrf",
    "require_api_token",
]

CSRF_COOKIE: Final = "ithaca_csrf"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_COOKIES: Final = ("ithaca_session", "ithaca_operator")
"""The cookies a token is bound to: a member's session (`tenant_api.SESSION_COOKIE`) and an
operator's (`pages.operator.OPERATOR_COOKIE`)."""
_HALF: Final = 32  # hex characters of the nonce, and of the binding


class _Tokens:
    """Tokens in the shape Litestar's CSRF middleware checks (64 characters, then their HMAC
    with the app's secret), whose 64 characters are a nonce and the nonce's HMAC with the
    sessions."""

    def __init__(self, config: CSRFConfig) -> None:
        self.config = config
        self._key = hashlib.sha256(b"ithaca csrf binding\0" + config.secret.encode()).digest()

    def mint(self, cookies: Mapping[str, str]) -> str:
        nonce = secrets.token_hex(_HALF // 2)
        body = nonce + self._binding(nonce, cookies)
        return body + generate_csrf_hash(body, self.config.secret)

    def belongs(self, token: str, cookies: Mapping[str, str]) -> bool:
        """Whether `token` is ours, whole, and minted for the sessions in `cookies`."""
        body, signature = token[:2 * _HALF], token[2 * _HALF:]
        if len(body) != 2 * _HALF or not hmac.compare_digest(
                signature, generate_csrf_hash(body, self.config.secret)):
            return False
        return hmac.compare_digest(body[_HALF:], self._binding(body[:_HALF], cookies))

    def cookie(self, token: str) -> Cookie:
        config = self.config
        return Cookie(key=config.cookie_name, value=token, path=config.cookie_path,
                      secure=config.cookie_secure, httponly=config.cookie_httponly,
                      samesite=config.cookie_samesite, domain=config.cookie_domain)

    def _binding(self, nonce: str, cookies: Mapping[str, str]) -> str:
        sessions = "\0".join(cookies.get(name, "") for name in SESSION_COOKIES)
        mac = hmac.new(self._key, f"{nonce}\0{sessions}".encode(), hashlib.sha256)
        return mac.hexdigest()[:_HALF]


def _tokens(scope: Scope) -> _Tokens:
    app = Litestar.from_scope(scope)
    tokens: _Tokens | None = getattr(app.state, "_csrf_tokens", None)
    if tokens is None:
        assert app.csrf_config is not None, "the pages need the app's csrf_config"
        tokens = app.state._csrf_tokens = _Tokens(app.csrf_config)
    return tokens


class SessionBoundCsrf(ASGIMiddleware):
    """Binds the pages' CSRF tokens to the session (see the module docstring); runs before
    Litestar's CSRF middleware, which then checks the form's token against the cookie."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        tokens = _tokens(scope)
        cookies = Request(scope, receive).cookies
        token = cookies.get(CSRF_COOKIE)
        belongs = token is not None and tokens.belongs(token, cookies)
        fresh: str | None = None
        if scope.get("method") in SAFE_METHODS:
            if not belongs:
                # Litestar's middleware takes the cookie as the page's token and sets none.
                fresh = tokens.mint(cookies)
                ScopeState.from_scope(scope).cookies = {**cookies, CSRF_COOKIE: fresh}
        elif token is not None and not belongs:
            raise PermissionDeniedException(
                "CSRF token verification failed: it belongs to another session")
        await next_app(scope, receive, _with_token(send, tokens, cookies, fresh))


def _with_token(send: Send, tokens: _Tokens, cookies: Mapping[str, str], fresh: str | None
                ) -> Send:
    """Sets the `fresh` token, or one bound to the new session when the answer starts or ends
    one (sets or expires a session cookie)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            sessions = dict(cookies)
            changed = False
            for value in headers.getall("set-cookie", []):
                name, _, rest = value.partition("=")
                if name.strip() in SESSION_COOKIES:
                    expired = "max-age=0" in rest.lower().replace(" ", "")
                    sessions[name.strip()] = "" if expired else rest.split(";", 1)[0].strip('"')
                    changed = True
            token = tokens.mint(sessions) if changed else fresh
            if token is not None:
                headers.add("set-cookie", tokens.cookie(token).to_header(header=""))
        await send(message)

    return wrapped


def require_api_token(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """The API's guard calls this for a call authenticated by the session cookie: an unsafe
    method needs the page's CSRF token, bound to that session, in `X-CSRF-Token`."""
    if connection.scope.get("method") in SAFE_METHODS:
        return
    sent = connection.headers.get(CSRF_HEADER, "")
    token = connection.cookies.get(CSRF_COOKIE, "")
    if not (sent and token and hmac.compare_digest(sent, token)
            and _tokens(connection.scope).belongs(token, connection.cookies)):
        raise ForbiddenError(
            "a call signed in by the session cookie needs the page's CSRF token in the "
            "X-CSRF-Token header (or sign in for a bearer token)", field="X-CSRF-Token")


_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


class JsonBodiesOnly(ASGIMiddleware):
    """The API's bodies are JSON: any other Content-Type (forms, multipart, text/plain), or a
    body without one, answers 415 naming `Content-Type` before anything reads it."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") in _BODY_METHODS:
            headers = Headers.from_scope(scope)
            content_type = headers.get("content-type")
            has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
            if (content_type is not None and not _is_json(content_type)) or (
                    content_type is None and has_body):
                refusal = _UnsupportedMediaTypeError(
                    "the body must be JSON (Content-Type: application/json), not %(given)s",
                    field="Content-Type", values={"given": content_type or "a body without one"})
                request: Request[Any, Any, Any] = Request(scope, receive)
                response = error_response(request, refusal.status_code, refusal.problem,
                                          refusal.field, refusal=refusal)
                await response.to_asgi_response(app=None, request=request)(scope, receive, send)
                return
        await next_app(scope, receive, send)


class _UnsupportedMediaTypeError(IthacaError):
    status_code = 415
