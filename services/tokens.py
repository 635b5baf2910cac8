"""Signed, expiring tokens for the links in account mail (verify an address, reset a password).

A token is `<payload>.<signature>`, both URL-safe base64: the payload names its purpose, the
member, when it expires and (for resets) a nonce; the signature is an HMAC-SHA256 of it with a
key derived from the tenant stream's secret. Nothing stores a token or a nonce: the mailer mints
the token from the event that asked for the mail when it sends (a reset's nonce is derived from
the request and the secret), and whoever presents it proves it by its signature; a used reset
link is remembered by a digest of its nonce. A token of one purpose is never accepted for
another, and one tenant's tokens mean nothing to another tenant (their stream secrets differ).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec

from services.errors import InvalidInputError

__all__ = [
    "CONFIRM_ADDRESS",
    "PASSWORD_RESET",
    "UNSUBSCRIBE",
    "VERIFY_EMAIL",
    "LinkToken",
    "TokenSigner",
    "used_link_digest",
]

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
UNSUBSCRIBE = "unsubscribe"
"""A mail's one-click unsubscribe link; its nonce names the category it turns off."""
CONFIRM_ADDRESS = "confirm_address"
"""The link that proves an address which refused mail works again."""
_PURPOSES = (VERIFY_EMAIL, PASSWORD_RESET, UNSUBSCRIBE, CONFIRM_ADDRESS)
_KEY_LABEL = b"ithaca.accounts.link-tokens.v1"
_MAX_TOKEN = 400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LinkToken(msgspec.Struct, frozen=True, kw_only=True):
    """What a valid token says."""

    purpose: str
    member_id: UUID
    expires_at: datetime
    nonce: str = ""


def used_link_digest(nonce: str) -> str:
    """What is recorded of a reset link once it is used: a digest of its nonce, never the
    nonce itself (no part of a link is ever stored)."""
    return hashlib.sha256(f"used-reset-link|{nonce}".encode()).hexdigest()


class TokenSigner:
    def __init__(self, stream_secret: bytes) -> None:
        # A key of its own, so a token signature is never also a valid member-id digest.
        self._key = hmac.new(stream_secret, _KEY_LABEL, hashlib.sha256).digest()

    def reset_nonce(self, member_id: UUID, requested_at: datetime) -> str:
        """The nonce of the reset link asked for at `requested_at`: derived from the stream's
        secret and the request, so the event records no part of the link, and the mailer
        mints the same link from the event when it sends."""
        microseconds = (requested_at - _EPOCH) // timedelta(microseconds=1)
        message = f"reset-nonce|{member_id.hex}|{microseconds}".encode()
        return _encode(hmac.new(self._key, message, hashlib.sha256).digest()[:12])

    def phone_code(self, member_id: UUID, phone: str, asked_at: datetime) -> str:
        """The six digits that prove a number is the member's: derived from the stream's secret,
        the number and the moment it was given, so no code is ever stored."""
        microseconds = (asked_at - _EPOCH) // timedelta(microseconds=1)
        message = f"phone-code|{member_id.hex}|{phone}|{microseconds}".encode()
        number = int.from_bytes(hmac.new(self._key, message, hashlib.sha256).digest()[:8], "big")
        return f"{number % 1_000_000:06d}"

    def sign(self, token: LinkToken) -> str:
        payload = "|".join((
            token.purpose, token.member_id.hex, str(int(token.expires_at.timestamp())),
            token.nonce,
        )).encode()
        return f"{_encode(payload)}.{_encode(self._signature(payload))}"

    def open(self, text: str, purpose: str, now: datetime) -> LinkToken:
        """The token's content if it is ours, of this purpose and not expired; else a 422
        naming `token` (saying only whether it is expired, never why else it is refused)."""
        invalid = InvalidInputError("this link is not valid; ask for a new one", field="token")
        encoded_payload, dot, encoded_signature = text.strip().partition(".")
        if not dot or len(text) > _MAX_TOKEN:
            raise invalid
        try:
            payload = _decode(encoded_payload)
            signature = _decode(encoded_signature)
        except (binascii.Error, ValueError):
            raise invalid from None
        if not hmac.compare_digest(signature, self._signature(payload)):
            raise invalid
        fields = payload.decode().split("|")
        if len(fields) != 4 or fields[0] not in _PURPOSES:
            raise invalid
        token = LinkToken(
            purpose=fields[0], member_id=UUID(hex=fields[1]),
            expires_at=datetime.fromtimestamp(int(fields[2]), UTC), nonce=fields[3],
        )
        if token.purpose != purpose:
            raise invalid
        if now >= token.expires_at:
            raise InvalidInputError("this link has expired; ask for a new one", field="token")
        return token

    def _signature(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
