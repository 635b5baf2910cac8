from tests.mail.fixtures import mailroom, sink
from tests.sms import kannel

__all__ = ["kannel", "mailroom", "sink"]
