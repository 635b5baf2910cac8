"""Kannel, the open-source SMS gateway many operators run: its smsbox's HTTP `sendsms` interface.

The request is the interface's POST form: the text is the body (`text/plain; charset=UTF-8`) and
the other parameters go in X-Kannel headers, so the password is never part of a URL, where
HTTP clients, proxies and access logs write it down. `X-Kannel-Coding` is 0 (GSM-7) or 2
(UCS-2), as `segments` decides; Kannel converts the UTF-8 body to it and splits a long text into
concatenated segments itself.

Kannel answers 202 with "0: Accepted for delivery" or "3: Queued for later delivery" (both
taken), 403 "Authorization failed for sendsms" and 4xx for a request it will never take
(refused), 5xx when it cannot take the message now (unavailable), and nothing at all when smsbox
is down (unavailable).
"""

from __future__ import annotations

import httpx

from infra.delivery.sms.gateway import (
    SmsRefusedError,
    SmsUnavailableError,
    is_refusal,
    require_e164,
)
from infra.delivery.sms.segments import SmsEncoding, sms_encoding

__all__ = ["KannelGateway"]

_ACCEPTED = ("0:", "3:")
_CODING = {SmsEncoding.GSM7: "0", SmsEncoding.UCS2: "2"}


class KannelGateway:
    """Sends through one Kannel `sendsms-user` at `url` (http://host:13013/cgi-bin/sendsms)."""

    def __init__(self, url: str, username: str, password: str, *, sender: str = "",
                 timeout: float = 10.0) -> None:
        self.url = url
        self._username = username
        self._password = password
        self._sender = sender
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"KannelGateway({self.url!r}, user {self._username!r})"

    def send(self, to_e164: str, text: str) -> str:
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "X-Kannel-Username": self._username,
            "X-Kannel-Password": self._password,
            "X-Kannel-To": require_e164(to_e164),
            "X-Kannel-Coding": _CODING[sms_encoding(text)],
        }
        if self._sender:
            headers["X-Kannel-From"] = self._sender
        try:
            answer = httpx.post(self.url, content=text.encode("utf-8"), headers=headers,
                                timeout=self._timeout)
        except httpx.TimeoutException as error:
            raise SmsUnavailableError(
                f"Kannel at {self.url} did not answer within {self._timeout} s") from error
        except httpx.TransportError as error:
            raise SmsUnavailableError(
                f"Kannel at {self.url} cannot be reached: {type(error).__name__}") from error
        said = answer.text.strip()
        if answer.is_success and said.startswith(_ACCEPTED):
            return ""  # sendsms gives no message id (delivery reports would need a dlr-url)
        if is_refusal(answer.status_code):
            raise SmsRefusedError(f"Kannel refused the message ({answer.status_code}): {said}")
        raise SmsUnavailableError(
            f"Kannel could not take the message ({answer.status_code}): {said}")
