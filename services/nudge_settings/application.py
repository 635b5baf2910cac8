"""Nudges: the tenant's switches and words for each nudge.

Nudge sources read a nudge's setting with `nudge_setting_in` on an application they already
hold on the tenant's stream (`context.application(Nudges)` while carrying out work).
"""

from __future__ import annotations

from collections.abc import Mapping

from services.actor import Actor
from services.application import TenantApplication
from services.errors import InvalidInputError, NotFoundError
from services.nudge_settings.domain import NudgeConfiguration
from services.nudge_settings.values import (
    BODY_MAX,
    NUDGES,
    PLACEHOLDERS,
    SUBJECT_MAX,
    WORD_LOCALES,
    NudgeSetting,
    NudgeWords,
    placeholders_in,
)

__all__ = ["Nudges", "nudge_setting_in"]


def nudge_setting_in(app: TenantApplication, nudge: str) -> NudgeSetting:
    """The nudge as the tenant whose stream `app` is on has it (on, built-in words, if never
    changed)."""
    configuration = app.find(NudgeConfiguration.ID, NudgeConfiguration)
    return configuration.setting(nudge) if configuration else NudgeSetting()


class Nudges(TenantApplication):
    name = "nudges"

    # Queries --------------------------------------------------------------------------------

    def get_settings(self) -> dict[str, NudgeSetting]:
        """Every nudge, in the order admins see them."""
        configuration = self.find(NudgeConfiguration.ID, NudgeConfiguration)
        if configuration is None:
            return {nudge: NudgeSetting() for nudge in NUDGES}
        return configuration.settings()

    def get_setting(self, nudge: str) -> NudgeSetting:
        return nudge_setting_in(self, _known(nudge))

    # Commands -------------------------------------------------------------------------------

    def change(
        self, nudge: str, actor: Actor, *, on: bool | None = None,
        words: Mapping[str, NudgeWords] | None = None, reason: str = "",
    ) -> int:
        """Switches the nudge on or off and sets its words in the languages given; what is
        unchanged records nothing."""
        nudge = _known(nudge)
        checked = {locale: _checked_words(nudge, locale, given)
                   for locale, given in (words or {}).items()}

        def command() -> int:
            configuration = self.find(NudgeConfiguration.ID, NudgeConfiguration)
            if configuration is None:
                configuration = NudgeConfiguration(actor=actor)
            if on is not None:
                configuration.switch(nudge, on, actor, reason.strip())
            for locale, edited in checked.items():
                configuration.edit_words(nudge, locale, edited, actor, reason.strip())
            if not configuration.pending_events:
                return self.position
            return self.record(configuration)

        return self.retrying(command)


def _known(nudge: str) -> str:
    if nudge not in NUDGES:
        raise NotFoundError("no nudge %(nudge)s (%(nudges)s)", field="key",
                            values={"nudge": repr(nudge), "nudges": ", ".join(NUDGES)})
    return nudge


def _checked_words(nudge: str, locale: str, words: NudgeWords) -> NudgeWords:
    if locale not in WORD_LOCALES:
        raise InvalidInputError(
            "'%(locale)s' is not an interface locale (%(locales)s)", field=f"words.{locale}",
            values={"locale": locale, "locales": ", ".join(WORD_LOCALES)},
        )
    subject, body = " ".join(words.subject.split()), words.body.strip()
    for part, text, most in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        field = f"words.{locale}.{part}"
        if len(text) > most:
            raise InvalidInputError("must be at most %(most)s characters", field=field,
                                    values={"most": most})
        unknown = placeholders_in(text) - PLACEHOLDERS[nudge]
        if unknown:
            raise InvalidInputError(
                "%(unknown)s is not a placeholder of this nudge (%(known)s)", field=field,
                values={"unknown": ", ".join(f"%({n})s" for n in sorted(unknown)),
                        "known": ", ".join(f"%({n})s" for n in sorted(PLACEHOLDERS[nudge]))},
            )
    return NudgeWords(subject=subject, body=body)
