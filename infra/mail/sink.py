"""An SMTP server that accepts every mail and keeps it: `ithaca mail-sink` for development (it
prints each mail and can save it as .eml), and a real SMTP peer for the tests."""

from __future__ import annotations

import email.policy
import threading
from collections.abc import Callable
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cached_property
from types import TracebackType
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MailSink", "ReceivedMail", "text_of"]


class MailSummary(NamedTuple):
    sender: str
    to: str
    subject: str
    text: str


class ReceivedMail:
    """One mail as it arrived. Parsing it as an `EmailMessage` costs about ten times what the
    summary does (the default policy's header objects): only what is asked for is done, so
    the sink keeps pace with a sender that is being measured (`bench.notifications`)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    @cached_property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=email.policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def summary(self) -> MailSummary:
        """Sender, recipient, subject and plain text, decoded (the legacy parser: fast)."""
        legacy = BytesParser(policy=email.policy.compat32).parsebytes(self.raw)
        text = ""
        for part in legacy.walk():
            if part.get_content_type() == "text/plain" and not part.get_filename():
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    text = payload.decode(part.get_content_charset() or "utf-8", "replace")
                break

        def header(name: str) -> str:
            value = legacy[name]
            return "" if value is None else str(make_header(decode_header(str(value))))

        return MailSummary(header("From"), header("To"), header("Subject"), text)


class _Keeper:
    def __init__(self, on_mail: Callable[[ReceivedMail], None] | None, keep: bool) -> None:
        self.mails: list[ReceivedMail] = []
        self.on_mail, self.keep = on_mail, keep
        self.lock = threading.Lock()

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or envelope.content or b""
        mail = ReceivedMail(content if isinstance(content, bytes) else content.encode())
        # The client hears 250 only after this: a sender that returned finds its mail here.
        if self.keep:
            with self.lock:
                self.mails.append(mail)
        if self.on_mail is not None:
            self.on_mail(mail)
        return "250 Message accepted for delivery"


class MailSink:
    """Listens on `host:port` (in a thread of its own) from `start()` until `stop()`. Each mail
    goes to `on_mail` (on the server's thread, before the sender hears 250) and, unless `keep`
    is False (a long-running sink), stays in `messages`."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 8025,
        on_mail: Callable[[ReceivedMail], None] | None = None, keep: bool = True,
    ) -> None:
        self.host, self.port = host, port
        self._keeper = _Keeper(on_mail, keep)
        self._controller = Controller(self._keeper, hostname=host, port=port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._keeper.lock:
            mails = list(self._keeper.mails)
        return [mail.message for mail in mails]

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def text_of(message: EmailMessage, subtype: str = "plain") -> str:
    """The message's text (or `html`) part."""
    part: Any = message.get_body(preferencelist=(subtype,))
    return "" if part is None else str(part.get_content())
