"""Marking personal data in events, so that erasing a person never rewrites the log.

A field typed `Annotated[T, Personal()]` (or `PersonalText` for free text) holds data about one
person: its event class names whose, with `personal_data_subject` (a field holding that person's
member id; the aggregate's own id by default). The event store encrypts such fields with the
subject's own key, kept outside the event table; erasure destroys the key, and from then on the
field reads as its `erased` value while the event itself, its type, time and other fields stay.

Names, e-mail addresses, free texts (introductions, messages, notes, session logs) are personal;
ids, states, ratings, codes and amounts are not: aggregate figures must survive erasure.
"""

from __future__ import annotations

from typing import Annotated, Any

__all__ = ["ERASED_TEXT", "Personal", "PersonalText"]

ERASED_TEXT = "[erased]"
"""What an erased free-text field reads as."""


class Personal:
    """Marks a field as one person's personal data; `erased` is what it reads as once erased."""

    __slots__ = ("erased",)

    def __init__(self, erased: Any = ERASED_TEXT) -> None:
        self.erased = erased

    def __repr__(self) -> str:
        return f"Personal(erased={self.erased!r})"


PersonalText = Annotated[str, Personal()]
