"""The settings a test built, as the environment a child process (`ithaca serve`) or a CLI
invocation reads back into the same `Settings`."""

from __future__ import annotations

from infra.settings import Settings

__all__ = ["environment_of"]


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
