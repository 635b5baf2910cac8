"""A commercial SMS provider over HTTP: Twilio's Messages API, which several providers also speak.

One request per message: `POST {base}/2010-04-01/Accounts/{account}/Messages.json`, HTTP basic
authentication with the account SID and auth token, and the form fields `To`, `From` and `Body`.
The provider answers 201 with the message as JSON (its `sid` is the id we keep), or an error as
JSON with Twilio's numeric `code` and a `message`: 4xx (21211 invalid 'To' number, 21610
unsubscribed recipient, 20003 bad credentials) is refused; 429 and 5xx are unavailable. The
provider chooses GSM-7 or UCS-2 itself.
"""

from __future__ import annotations

from typing import Any

import httpx

from infra.delivery.sms.gateway import (
    SmsRefusedError,
    SmsUnavailableError,
    is_refusal,
    require_e164,
)

__all__ = ["TwilioGateway"]

TWILIO_API = "https://api.twilio.com"


class TwilioGateway:
    """Sends as `sender` (a number in E.164 or an alphanumeric sender id) from one account."""

    def __init__(self, base_url: str, account_sid: str, auth_token: str, *, sender: str,
                 timeout: float = 10.0) -> None:
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = httpx.BasicAuth(account_sid, auth_token)
        self._sender = sender
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"TwilioGateway({self.url!r})"

    def send(self, to_e164: str, text: str) -> str:
        form = {"To": require_e164(to_e164), "From": self._sender, "Body": text}
        try:
            answer = httpx.post(self.url, data=form, auth=self._auth, timeout=self._timeout)
        except httpx.TimeoutException as error:
            raise SmsUnavailableError(
                f"the SMS provider did not answer within {self._timeout} s") from error
        except httpx.TransportError as error:
            raise SmsUnavailableError(
                f"the SMS provider cannot be reached: {type(error).__name__}") from error
        if answer.is_success:
            message_id = _json(answer).get("sid", "")
            return message_id if isinstance(message_id, str) else ""
        problem = _json(answer)
        said = (f"({answer.status_code}, code {problem.get('code', '?')}): "
                f"{problem.get('message', answer.text.strip()[:200])}")
        if is_refusal(answer.status_code):
            raise SmsRefusedError(f"the SMS provider refused the message {said}")
        raise SmsUnavailableError(f"the SMS provider could not take the message {said}")


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
