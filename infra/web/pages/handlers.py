"""Where a page goes back to after a form: a `next` address, checked."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["safe_next"]


def safe_next(target: object, within: str = "/") -> str | None:
    """A `next` address to go back to, only if it is a path on this site under `within`:
    never an open redirect to another host (`//host`, or `/\\host`, which browsers read
    alike)."""
    if (not isinstance(target, str) or not target.startswith(within)
            or target.startswith("//") or "\\" in target
            or any(ord(character) < 0x20 for character in target)):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
