"""Moderation tests use the mail fixtures (a warning and a suspension are mailed)."""

from tests.mail.fixtures import mailroom, sink

__all__ = ["mailroom", "sink"]
