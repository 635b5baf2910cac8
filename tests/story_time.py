"""Stories told on the one clock (`ithaca_clock`), which scenes reach through the served app.

Moving the clock months ahead moves it for every application, the accounts' sessions included:
a member signed in on the story's first day would be signed out long before its last. Those
stories keep their members signed in; how sessions expire is told in tests/accounts.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from infra.clock import SettableClock
from services.accounts.application import SESSION_LIFETIME
from tests.tenant_api import TenantApi

STORY_SESSION_LIFETIME = timedelta(days=10 * 365)
"""Longer than any story the tests tell (some sign their members in today and play out in
2031)."""


def story_clock(tenant_api: TenantApi) -> SettableClock:
    """The served app's one clock: the test's `ithaca_clock`."""
    clock = tenant_api.served.ithaca.clock
    assert isinstance(clock, SettableClock), "the served app runs on the test's clock"
    return clock


def sessions_outlast_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members signed in during this test stay signed in however far the story moves the clock."""
    for kind in list(SESSION_LIFETIME):
        monkeypatch.setitem(SESSION_LIFETIME, kind, STORY_SESSION_LIFETIME)
