"""Static files (`static/`: the style sheets, htmx, the icon), served at `/static` for every host
(`site.static_files`).

Pages name them through `static_url`, which adds a digest of the file's content (`?v=`): a
changed file has a new address, so browsers may keep each version for a year without asking
again, and a deployment never serves yesterday's style sheet to today's page.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from litestar.datastructures import CacheControlHeader

__all__ = ["KEPT", "STATIC_DIRECTORY", "static_url"]

STATIC_DIRECTORY = Path(__file__).parent.parent / "static"
KEPT = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)
"""The answer's Cache-Control (`site.static_files`)."""


@cache
def static_url(name: str) -> str:
    """`/static/<name>?v=<digest of its content>` (read once per process)."""
    digest = hashlib.sha256((STATIC_DIRECTORY / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"
