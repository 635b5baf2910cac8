"""The check every short free text members write goes through: spaces around it do not count,
and it must say something, within a limit its field sets."""

from __future__ import annotations

from services.errors import InvalidInputError

__all__ = ["check_text"]


def check_text(text: str, field: str, most: int) -> str:
    """`text` without the spaces around it, refused unless it is 1 to `most` characters."""
    stripped = text.strip()
    if not 1 <= len(stripped) <= most:
        raise InvalidInputError("must be 1 to %(most)s characters", field=field,
                                values={"most": most})
    return stripped
