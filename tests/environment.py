"""The settings a test built, as the environment a child process (`ithaca serve`) or a CLI
invocation reads back into the same `Settings`."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog

from infra.settings import Settings

__all__ = ["environment_of", "logging_restored"]


def environment_of(settings: Settings) -> dict[str, str]:
    """The environment variables that `Settings.from_env()` reads back as `settings`."""
    variables: dict[str, str] = {}
    for field, variable in Settings.ENVIRONMENT.items():
        value = getattr(settings, field)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, dict):
            value = ",".join(f"{name}={url}" for name, url in value.items())
        variables[variable] = str(value)
    return variables


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """A CLI invocation configures logging onto the runner's captured stderr; this puts back
    what the rest of the suite had."""
    structlog_config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**structlog_config)
    root.handlers[:] = handlers
    root.setLevel(level)
