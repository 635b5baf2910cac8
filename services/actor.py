"""Who did it: carried by every command and recorded in every event."""

from __future__ import annotations

import msgspec

__all__ = ["Actor"]


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The person or process behind a command.

    `kind` is one of operator, member, cli, system; `id` names them within that kind;
    `correlation_id` ties together every event one request or command caused;
    `idempotency_key` is the key the command came with (HTTP `Idempotency-Key`), if any.
    """

    kind: str
    id: str
    correlation_id: str = ""
    idempotency_key: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
