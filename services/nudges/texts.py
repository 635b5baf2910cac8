"""The nudges' built-in words (context "mail", translated in the catalogues), and a nudge's
mail in its reader's language with the tenant's own subject and body where it set them.

The greeting, the reason the mail was sent (`why`, always in the small print) and the button
are Ithaca's own: a tenant words what it asks, never why the member is told.
"""

from __future__ import annotations

from uuid import UUID

from infra.mail.message import MailContent
from infra.scheduling.work import Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.accounts.domain import Member
from services.nudge_settings.application import Nudges, nudge_setting_in
from services.nudge_settings.values import (
    NO_MESSAGE,
    NO_REQUEST,
    NO_SESSION_14,
    NO_SESSION_28,
    PROFILE_INCOMPLETE,
    REQUEST_UNANSWERED,
    SURVEY_OVERDUE,
    NudgeSetting,
    fill,
)

__all__ = [
    "BUILT_IN", "ELSEWHERE", "GREETING", "NOT_WRITTEN_YET", "VARIANTS", "built_in_words",
    "nudge_told", "switched_on",
]

GREETING = NC_("mail", "Hello %(name)s,")

_NO_SESSION = {
    "subject": NC_("mail", "How is your mentoring with %(other)s going?"),
    "body": NC_("mail", "Your mentoring with %(other)s started %(days)s days ago and no session "
                        "has been logged yet. Agree on a meeting, and after it log what you "
                        "talked about: it helps you both keep track."),
    "why": NC_("mail", "You get this because your mentoring relationship started %(days)s days "
                       "ago and no session has been logged in it yet. You can turn tips off in "
                       "your notification settings."),
    "action": NC_("mail", "Open your relationship"),
}

BUILT_IN: dict[str, dict[str, str]] = {
    PROFILE_INCOMPLETE: {
        "subject": NC_("mail", "Complete your profile on %(product)s"),
        "body": NC_("mail", "Your profile on %(product)s is not complete yet. Mentors and "
                            "entrepreneurs are matched from what it says: a few minutes on it "
                            "bring you better matches."),
        "why": NC_("mail", "You get this because you signed up %(days)s days ago and your "
                           "profile is not complete yet. You can turn tips off in your "
                           "notification settings."),
        "action": NC_("mail", "Complete my profile"),
    },
    NO_REQUEST: {
        "subject": NC_("mail", "Mentors who could help your business"),
        "body": NC_("mail", "Your profile has been ready for %(days)s days, and you have not "
                            "asked a mentor yet. A short introduction is all it takes; these "
                            "mentors match your business well:"),
        "why": NC_("mail", "You get this because you completed your profile %(days)s days ago "
                           "and have not asked a mentor yet. You can turn tips off in your "
                           "notification settings."),
        "action": NC_("mail", "Find a mentor"),
    },
    NO_SESSION_14: _NO_SESSION,
    NO_SESSION_28: _NO_SESSION,
    NO_MESSAGE: {
        "subject": NC_("mail", "Time to write to %(other)s again?"),
        "body": NC_("mail", "Nothing has been written in your mentoring with %(other)s for "
                            "%(days)s days. A short message keeps it going: share news of your "
                            "work or ask a question."),
        "why": NC_("mail", "You get this because your mentoring relationship is active and its "
                           "last message is %(days)s days old. You can turn tips off in your "
                           "notification settings."),
        "action": NC_("mail", "Write a message"),
    },
}
"""Each of this feature's nudges in English; `subject` and `body` are what a tenant may
replace."""

NOT_WRITTEN_YET = f"{NO_MESSAGE}:first"
VARIANTS: dict[str, dict[str, str]] = {
    NOT_WRITTEN_YET: {
        "subject": NC_("mail", "Write your first message to %(other)s"),
        "body": NC_("mail", "You have not written to each other yet, although your mentoring "
                            "with %(other)s started %(days)s days ago. A first message gets it "
                            "going: say what you hope to work on, or suggest a time to meet."),
        "why": NC_("mail", "You get this because your mentoring relationship started %(days)s "
                           "days ago and nobody has written in it yet. You can turn tips off "
                           "in your notification settings."),
        "action": NC_("mail", "Write a message"),
    },
}
"""Nudges worded another way in some cases (`kind:variant`), in English: `no_message` in a
relationship where nobody has written yet. The tenant's words for the nudge, where it set
them, replace the subject and body of each variant too; the reason stays the variant's own."""

ELSEWHERE: dict[str, dict[str, str]] = {
    REQUEST_UNANSWERED: {
        "subject": NC_("mail", "%(other)s is waiting for your answer"),
        "body": NC_("mail", "%(other)s asked you to be their mentor %(days)s days ago and has "
                            "no answer yet. Even a short no helps them find another mentor."),
    },
    SURVEY_OVERDUE: {
        "subject": NC_("mail", "Your %(months)s-month follow-up survey is still open"),
        "body": NC_("mail", "Your %(months)s-month follow-up survey has been open for four "
                            "weeks. Five minutes of your answers help %(product)s improve "
                            "mentoring for the entrepreneurs who come after you."),
    },
}
"""The built-in subject and body of mentoring's and impact's nudges, as their sources word
them (the same messages, so one catalogue entry each), shown to admins who reword them."""


def switched_on(context: WorkContext, nudge: str) -> NudgeSetting | None:
    """The nudge's setting in the tenant, or None when its admins switched it off."""
    setting = nudge_setting_in(context.application(Nudges), nudge)
    return setting if setting.on else None


def built_in_words(texts: dict[str, str], locale: str) -> dict[str, str]:
    """The built-in subject and body in a language, placeholders unfilled."""
    return {part: translated(locale, "mail", texts[part]) for part in ("subject", "body")}


def nudge_told(
    nudge: str, setting: NudgeSetting, member: Member, context: WorkContext,
    values: dict[str, str], link: str, *, texts: dict[str, str] | None = None,
    more: tuple[str, ...] = (), about: tuple[UUID, ...] = (),
) -> Notification:
    """The nudge's mail to the member: the tenant's subject and body in the member's language
    where it set them, else the built-in ones; `more` paragraphs follow the body."""
    texts = texts or BUILT_IN[nudge]
    locale = interface_locale(member.locale)
    values = {"name": member.name, "product": context.tenant.branding.product_name, **values}
    own = setting.words_in(locale)
    words = built_in_words(texts, locale)
    subject = fill(own.subject or words["subject"], values)
    body = fill(own.body or words["body"], values)
    return Notification(content=MailContent(
        locale=locale, subject=subject,
        greeting=fill(translated(locale, "mail", GREETING), values),
        paragraphs=(body, *more),
        action_label=translated(locale, "mail", texts["action"]),
        action_url=link,
        small_print=(fill(translated(locale, "mail", texts["why"]), values),),
    ), about=about)
