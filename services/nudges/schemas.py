"""Wire shapes of the nudges API: each nudge with its switch, words and figures, and a change
to one."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from services.audit_log.schemas import OptionalReason
from services.nudge_settings.values import BODY_MAX, SUBJECT_MAX, NudgeWords
from services.schemas import CamelBody, CamelStruct

__all__ = ["ChangeNudge", "NudgeView", "NudgeWordsBody", "NudgeWordsView", "NudgesView"]


class NudgeWordsBody(CamelBody):
    subject: Annotated[str, Meta(
        max_length=SUBJECT_MAX, examples=["%(name)s, your profile is almost there"],
        description="Empty: the built-in subject",
    )] = ""
    body: Annotated[str, Meta(
        max_length=BODY_MAX, description="Empty: the built-in body",
    )] = ""

    def to_domain(self) -> NudgeWords:
        return NudgeWords(subject=self.subject, body=self.body)


class ChangeNudge(CamelBody):
    """Switch a nudge on or off, and/or set its words in some languages (others unchanged)."""

    on: Annotated[bool | None, Meta(
        examples=[False], description="Omitted: the switch stays as it is",
    )] = None
    words: Annotated[dict[str, NudgeWordsBody], Meta(
        max_length=5, description=(
            "By interface locale (en, es, fr, ar, id): the subject and body; empty parts are "
            "the built-in words. Placeholders such as %(name)s are those the nudge lists"),
        examples=[{"es": {"subject": "Completa tu perfil", "body": ""}}],
    )] | None = None
    reason: OptionalReason = ""


class NudgeWordsView(CamelStruct):
    subject: str
    body: str


class NudgeView(CamelStruct):
    key: str
    on: bool
    words: dict[str, NudgeWordsView]
    """The tenant's own words by language (empty parts: the built-in ones)."""
    built_in: dict[str, NudgeWordsView]
    """The built-in words by language, placeholders unfilled."""
    placeholders: list[str]
    sent: int
    """Nudges of this kind that reached a member (on any channel)."""
    followed: int
    """Of those, how many were followed within `followWindowDays` by what they asked for."""


class NudgesView(CamelStruct):
    nudges: list[NudgeView]
    follow_window_days: int
