"""Wire shapes every bounded context shares."""

from __future__ import annotations

import msgspec

__all__ = ["Written"]


class Written(msgspec.Struct, rename="camel", kw_only=True):
    """A command's answer when it has nothing else to say: the stream position it reached,
    which a later read can wait for (`?after=`)."""

    position: int
