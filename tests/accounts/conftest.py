from tests.mail.fixtures import mailroom, sink

__all__ = ["mailroom", "sink"]
