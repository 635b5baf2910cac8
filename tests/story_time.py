"""Stories told over months on the one clock (`ithaca_clock`).

Moving the clock months ahead moves it for every application, the accounts' sessions included:
a member signed in on the story's first day would be signed out long before its last. Those
stories keep their members signed in; how sessions expire is told in tests/accounts.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.accounts.application import SESSION_LIFETIME

STORY_SESSION_LIFETIME = timedelta(days=5 * 365)
"""Longer than any story the tests tell."""


def sessions_outlast_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members signed in during this test stay signed in however far the story moves the clock."""
    for kind in list(SESSION_LIFETIME):
        monkeypatch.setitem(SESSION_LIFETIME, kind, STORY_SESSION_LIFETIME)
