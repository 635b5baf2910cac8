"""Every nudge as a tenant admin sees it: switched on or off, the tenant's words and the
built-in ones per language, and what followed (the API's answer and the admin page's rows)."""

from __future__ import annotations

from infra.container import Ithaca
from services.nudge_settings.application import Nudges
from services.nudge_settings.values import NUDGES, PLACEHOLDERS, WORD_LOCALES
from services.nudges.followed import FOLLOW_WINDOW, what_followed
from services.nudges.schemas import NudgesView, NudgeView, NudgeWordsView
from services.nudges.texts import BUILT_IN, ELSEWHERE, built_in_words
from tenants.directory import TenantRecord

__all__ = ["nudges_overview"]


def nudges_overview(ithaca: Ithaca, tenant: TenantRecord, nudges: Nudges) -> NudgesView:
    settings = nudges.get_settings()
    figures = what_followed(ithaca, tenant)
    views = []
    for key in NUDGES:
        setting = settings[key]
        texts = BUILT_IN.get(key) or ELSEWHERE[key]
        views.append(NudgeView(
            key=key, on=setting.on,
            words={locale: NudgeWordsView(subject=words.subject, body=words.body)
                   for locale, words in setting.words.items()},
            built_in={locale: NudgeWordsView(**built_in_words(texts, locale))
                      for locale in WORD_LOCALES},
            placeholders=sorted(f"%({name})s" for name in PLACEHOLDERS[key]),
            sent=figures[key].sent, followed=figures[key].followed,
        ))
    return NudgesView(nudges=views, follow_window_days=FOLLOW_WINDOW.days)
