"""Delivery over SMTP as `Settings` configure it (plain for the local sink, STARTTLS or TLS)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from infra.settings import Settings

__all__ = ["SmtpConnection", "is_permanent"]


class SmtpConnection:
    """One SMTP session, opened on first use; `send` raises `OSError`/`smtplib.SMTPException`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            self._open().send_message(message)
        except (OSError, smtplib.SMTPException):
            self.close()  # the session may be broken; the next mail opens a new one
            raise

    def _open(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        smtp: smtplib.SMTP
        if s.mail_security == "tls":
            smtp = smtplib.SMTP_SSL(
                s.mail_host, s.mail_port, timeout=s.mail_timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.mail_host, s.mail_port, timeout=s.mail_timeout)
        try:
            if s.mail_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.mail_username:
                smtp.login(s.mail_username, s.mail_password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def is_permanent(error: BaseException) -> bool:
    """The server refused this mail for good (its recipient, or its content with a 5xx):
    retrying it would be refused again. Refusals of our sender or credentials are not: they are
    configuration, which may be fixed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600
