"""An SMTP server that accepts every mail and keeps it: `ithaca mail-sink` for development (it
prints each mail and can save it as .eml), and a real SMTP peer for the tests."""

from __future__ import annotations

import email.policy
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MailSink", "text_of"]


class _Keeper:
    def __init__(self, on_message: Callable[[EmailMessage], None] | None) -> None:
        self.messages: list[EmailMessage] = []
        self.on_message = on_message
        self.lock = threading.Lock()

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        message = BytesParser(policy=email.policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        # The client hears 250 only after this: a sender that returned finds its mail here.
        with self.lock:
            self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return "250 Message accepted for delivery"


class MailSink:
    """Listens on `host:port` (in a thread of its own) from `start()` until `stop()`."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 8025,
        on_message: Callable[[EmailMessage], None] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self._keeper = _Keeper(on_message)
        self._controller = Controller(self._keeper, hostname=host, port=port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._keeper.lock:
            return list(self._keeper.messages)

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
