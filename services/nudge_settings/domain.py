"""A tenant's nudges as its admins set them: which are switched off, and their own words.

One aggregate per tenant stream, with a fixed id, as the programme's settings. Before an admin
first changes anything every nudge is on with the built-in words, and nothing is stored.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.nudge_settings.values import NUDGES, NudgeSetting, NudgeWords

__all__ = ["NudgeConfiguration"]

_NAMESPACE = UUID("3f6b0c2e-8d1a-4c57-9e2b-51a7d04c9e18")


class NudgeConfiguration(Aggregate):
    """Each nudge switched on or off, and worded per language, by the tenant's admins."""

    ID = uuid5(_NAMESPACE, "nudge-configuration")

    class Started(Aggregate.Created):
        actor: Actor

    class Switched(Aggregate.Event):
        nudge: str
        on: bool
        actor: Actor
        reason: str = ""
        """Why, as the tenant admin gave it (optional)."""

    class WordsEdited(Aggregate.Event):
        """The nudge's words in one language; an empty subject or body is the built-in one."""

        nudge: str
        locale: str
        subject: str
        body: str
        actor: Actor
        reason: str = ""

    @staticmethod
    def create_id() -> UUID:
        return NudgeConfiguration.ID

    @event(Started)
    def __init__(self, actor: Actor) -> None:
        self.switched: dict[str, bool] = {}
        self.words: dict[str, dict[str, NudgeWords]] = {}

    def setting(self, nudge: str) -> NudgeSetting:
        return NudgeSetting(on=self.switched.get(nudge, True),
                            words=dict(self.words.get(nudge, {})))

    def settings(self) -> dict[str, NudgeSetting]:
        return {nudge: self.setting(nudge) for nudge in NUDGES}

    def switch(self, nudge: str, on: bool, actor: Actor, reason: str = "") -> None:
        if self.setting(nudge).on != on:
            self._switch(nudge=nudge, on=on, actor=actor, reason=reason)

    def edit_words(
        self, nudge: str, locale: str, words: NudgeWords, actor: Actor, reason: str = ""
    ) -> None:
        if self.setting(nudge).words_in(locale) != words:
            self._edit_words(nudge=nudge, locale=locale, subject=words.subject, body=words.body,
                             actor=actor, reason=reason)

    @event(Switched)
    def _switch(self, nudge: str, on: bool, actor: Actor, reason: str = "") -> None:
        self.switched[nudge] = on

    @event(WordsEdited)
    def _edit_words(
        self, nudge: str, locale: str, subject: str, body: str, actor: Actor, reason: str = ""
    ) -> None:
        words = self.words.setdefault(nudge, {})
        if subject or body:
            words[locale] = NudgeWords(subject=subject, body=body)
        else:
            words.pop(locale, None)
