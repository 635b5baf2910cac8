"""What the notification engine needs of an SMS gateway, whichever one the settings name.

`send` either hands the text over for delivery or raises one of two errors, and the difference
decides what happens next: `SmsRefusedError` is permanent (the number or the message was
rejected, or the gateway refuses our credentials), so retrying cannot help and the number may be
marked; `SmsUnavailableError` is transient (the gateway is down, slow or overloaded), so the
engine retries with backoff. Neither error's text ever holds the gateway's password.
"""

from __future__ import annotations

import re
from typing import Protocol

__all__ = [
    "SmsGateway", "SmsRefusedError", "SmsUnavailableError", "is_refusal", "require_e164",
]

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_TRY_AGAIN_LATER = frozenset({408, 425, 429})


class SmsRefusedError(Exception):
    """The gateway will never send this: a bad number, a rejected text, refused credentials."""


class SmsUnavailableError(Exception):
    """The gateway could not take the message now (down, timed out, overloaded): retry later."""


class SmsGateway(Protocol):
    def send(self, to_e164: str, text: str) -> str:
        """Hands `text` to the gateway for `to_e164`; returns the gateway's message id, or ""
        when it gives none. Raises SmsRefusedError or SmsUnavailableError."""
        ...


def require_e164(number: str) -> str:
    """`number` when it is written in E.164 (+ and up to 15 digits), else SmsRefusedError:
    a gateway would read anything else its own way (Kannel takes a space as a second
    recipient)."""
    if not _E164.fullmatch(number):
        raise SmsRefusedError(f"{number!r} is not a phone number in E.164 (+ and digits)")
    return number


def is_refusal(status_code: int) -> bool:
    """True for an HTTP answer that says the request will never succeed: a 4xx, except those
    that ask to try again later (408 timeout, 425 too early, 429 too many requests)."""
    return 400 <= status_code < 500 and status_code not in _TRY_AGAIN_LATER
