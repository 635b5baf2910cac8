"""Fixtures for tests that need mail: a real SMTP sink, and a served app whose mailer sends to it.

The app's background dispatcher is off: tests drive `Scheduler.run_once()` themselves, so what has
been sent is exactly what the test asked for.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import msgspec
import pytest

from infra.clock import SettableClock
from infra.mail.sink import MailSink, text_of
from infra.scheduling.due_work import WorkStatus
from infra.scheduling.scheduler import Scheduler
from infra.settings import Settings
from services.accounts.notifications import ACCOUNT_MAIL
from services.actor import Actor
from tenants.domain import Branding
from tests.tenant_api import TenantApi
from tests.web import Served, serving

ACME_BRANDING = Branding(
    product_name="Acme Ventures", primary_colour="#123456", accent_colour="#abcdef",
    support_email="help@acme.example",
)
_TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_\-.]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def mail_settings_for(settings: Settings, port: int, **changes: object) -> Settings:
    fields: dict[str, object] = {
        "mail_host": "127.0.0.1", "mail_port": port, "mail_background": False,
        "mail_link_base": "http://{host}:8000", **changes,
    }
    return msgspec.structs.replace(settings, **fields)


class Mailroom:
    """Acme's API, its scheduler, and the mail that reached the sink."""

    def __init__(self, served: Served, sink: MailSink | None) -> None:
        self.served = served
        self.sink = sink
        self.acme = TenantApi(served, "acme")
        self.scheduler: Scheduler = served.app.state.scheduler

    def deliver(self) -> int:
        return self.scheduler.run_once()

    def inbox(self, address: str) -> list[EmailMessage]:
        assert self.sink is not None
        return [m for m in self.sink.messages if address in str(m["To"])]

    def statuses(self, slug: str = "acme") -> dict[tuple[str, WorkStatus], int]:
        """The account mail's work (verification, resets) in each status: the nudges a sign-up
        also schedules are other tests' business."""
        every = self.scheduler.table(self.served.ithaca.tenant(slug)).statuses()
        return {key: count for key, count in every.items() if key[0] in ACCOUNT_MAIL.kinds}


def link_token(message: EmailMessage) -> str:
    found = _TOKEN.search(text_of(message))
    assert found, text_of(message)
    return found.group(1)


def provision_acme(served: Served) -> None:
    actor = Actor(kind="cli", id="test")
    served.ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=actor, time_zone="Europe/Madrid",
    )
    served.ithaca.registry.rebrand_tenant("acme", ACME_BRANDING, actor)


@pytest.fixture
def sink() -> Iterator[MailSink]:
    with MailSink("127.0.0.1", free_port()) as running:
        yield running


@pytest.fixture
def mailroom(
    settings: Settings, sink: MailSink, ithaca_clock: SettableClock,
) -> Iterator[Mailroom]:
    """Acme, branded, served on the test's clock with its mail going to the sink."""
    with serving(mail_settings_for(settings, sink.port), clock=ithaca_clock) as served:
        provision_acme(served)
        yield Mailroom(served, sink)
