from tests.environment import logging_restored
from tests.mail.fixtures import mailroom, sink
from tests.sms import kannel

__all__ = ["kannel", "logging_restored", "mailroom", "sink"]
