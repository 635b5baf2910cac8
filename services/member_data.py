"""A member's data download, in sections each context declares (`Feature.member_data`).

The download is read from the write side (aggregates, decrypted with the keys of the people
concerned), not from read models, so it is complete whatever a projection keeps. Each context
that records something about a person declares a `MemberDataSection`: a key of the document and
how to collect it with a `MemberDataReader`. `services.privacy.download` assembles the sections
the features declare; a new context adds its section in its own package.

Keys are camelCase, times ISO 8601 in UTC, ids as strings (`msgspec.to_builtins`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from services.application import TenantApplication

__all__ = ["MemberDataReader", "MemberDataSection", "as_document"]

_SCAN_PAGE = 500


class MemberDataReader(TenantApplication):
    """Reads what the download needs from the tenant's stream."""

    name = "personal-data"

    def events_of_type(self, event_class: type) -> Iterator[Any]:
        topic = get_topic(event_class)
        start = 1
        while True:
            page = self.recorder.select_notifications(start, _SCAN_PAGE, topics=[topic])
            for notification in page:
                yield self.mapper.to_domain_event(notification)
            if len(page) < _SCAN_PAGE:
                return
            start = page[-1].id + 1


@dataclass(frozen=True)
class MemberDataSection:
    key: str
    """The section's key in the document (snake_case here, camelCase in the document)."""
    collect: Callable[[MemberDataReader, UUID], Any]
    """What the stream holds about the member, as builtins or Structs."""


def _camel(data: Any) -> Any:
    """Snake-case attribute names (from aggregates' Structs) as the API's camelCase."""
    if isinstance(data, dict):
        return {_camel_key(key): _camel(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_camel(value) for value in data]
    return data


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.capitalize() for part in rest)


def as_document(value: Any) -> Any:
    """A section's value as the download writes it."""
    return _camel(msgspec.to_builtins(value))
