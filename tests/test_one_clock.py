"""One clock: the composition root's clock is every application's "now" and the time every event
is stamped with, so a story told on a clock of its own is recorded in its own time."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from infra.clock import SettableClock
from services.accounts.application import Accounts
from services.meetings.application import Meetings
from services.mentoring.application import Mentoring
from tests.tenant_api import TenantApi


def test_events_are_stamped_by_the_clock_the_platform_was_given(
    acme: TenantApi, ithaca_clock: SettableClock
) -> None:
    # The platform's clock says it is a spring morning of 2031 when Ana signs up.
    ithaca_clock.set("2031-05-06T09:00:00+00:00")
    ana = acme.member("Ana", roles=["entrepreneur"])
    accounts = acme.accounts()
    assert _stamps(accounts, ana.id) == {datetime(2031, 5, 6, 9, tzinfo=UTC)}

    # A week later Ben joins: his events carry that day, hers are unchanged.
    ithaca_clock.advance(days=7)
    ben = acme.member("Ben", roles=["mentor"])
    assert _stamps(accounts, ben.id) == {datetime(2031, 5, 13, 9, tzinfo=UTC)}
    assert accounts.repository.get(ana.id).created_on == datetime(2031, 5, 6, 9, tzinfo=UTC)


def test_every_application_tells_time_by_the_one_clock(
    acme: TenantApi, ithaca_clock: SettableClock
) -> None:
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant(acme.slug)
    assert ithaca.clock is ithaca_clock
    for kind in (Mentoring, Meetings):
        assert ithaca.tenant_application(tenant, kind).clock is ithaca_clock
    ithaca_clock.set("2031-05-06T09:00:00+00:00")
    assert ithaca.tenant_application(tenant, Mentoring).clock() == datetime(
        2031, 5, 6, 9, tzinfo=UTC)


def _stamps(accounts: Accounts, member_id: UUID) -> set[datetime]:
    """The timestamps of the member's account events, as stored."""
    events = list(accounts.repository.event_store.get(member_id))
    assert events
    return {event.timestamp for event in events if isinstance(event, Aggregate.Event)}
