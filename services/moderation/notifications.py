"""Moderation mail: a member warned, suspended or reinstated is told so, by mail and in the
app. It is `Category.ACCOUNT`: it cannot be turned off and is sent in quiet hours too.

    MemberStanding.WarningIssued -> moderation_warning (the warned member; link: /my-data#warnings)
    Member.Suspended             -> account_suspended (the suspended member; link: the site)
    Member.Reinstated            -> account_reinstated (the reinstated member; link: the site)

Neither names who reported them, nor quotes the report: a warning gives the report's category
(spam, harassment, ...) and points to the member's data page, where they read the moderators'
note after signing in (the note stays off the mail, which leaves the platform). A suspension
gives no reason either (an admin's reason is free text, written for the audit trail): it says
what it means and whom to ask. A suspension lifted before its mail went out is not told; a
reinstatement suspended again before its mail went out is not told either.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import N_, NC_, interface_locale, translated, translations_for
from services.accounts.domain import Member
from services.moderation.application import Moderation
from services.moderation.domain import MemberStanding, ReportReason
from services.notifications.values import Category

__all__ = [
    "MODERATION_MAIL", "REINSTATED", "REPORT_REASONS", "SUSPENDED", "WARNED", "ModerationMail",
]

WARNED, SUSPENDED, REINSTATED = "moderation_warning", "account_suspended", "account_reinstated"

REPORT_REASONS: dict[ReportReason, str] = {
    ReportReason.SPAM: N_("Spam"),
    ReportReason.HARASSMENT: N_("Harassment"),
    ReportReason.ASKING_FOR_MONEY: N_("Asking for money"),
    ReportReason.OFF_PLATFORM_SOLICITATION: N_("Asking to continue outside the platform"),
    ReportReason.OTHER: N_("Another reason"),
}
"""A report's category as a member reads it (on their data page and in the warning's mail)."""

_GREETING = NC_("mail", "Hello %(name)s,")
_WARNING: dict[str, str] = {
    "subject": NC_("mail", "A warning from the %(product)s moderators"),
    "body": NC_("mail", "The moderators of %(product)s looked into a report about you "
                        "(%(reason)s) and decided to warn you. Please read their note and keep "
                        "to the programme's rules: a member who is reported again may be "
                        "suspended."),
    "where": NC_("mail", "The warning and the moderators' note are on your data page, under "
                         "“Warnings”."),
    "action": NC_("mail", "Read the warning"),
    "why": NC_("mail", "You get this message because the moderators warned you. Messages about "
                       "your account cannot be turned off."),
}
_SUSPENSION: dict[str, str] = {
    "subject": NC_("mail", "Your %(product)s account is suspended"),
    "body": NC_("mail", "The moderators of %(product)s have suspended your account. While it "
                        "is suspended you cannot sign in, and your open mentoring requests "
                        "have been withdrawn."),
    "ask": NC_("mail", "If you think this is a mistake, write to %(support)s."),
    "ask_team": NC_("mail", "If you think this is a mistake, contact the programme's team."),
    "action": NC_("mail", "Open %(product)s"),
    "why": NC_("mail", "You get this message because your account was suspended. Messages "
                       "about your account cannot be turned off."),
}

_REINSTATEMENT: dict[str, str] = {
    "subject": NC_("mail", "Your %(product)s account works again"),
    "body": NC_("mail", "The moderators of %(product)s have lifted the suspension of your "
                        "account. You can sign in again and take part as before. Mentoring "
                        "requests withdrawn during the suspension stay withdrawn: you can make "
                        "them again."),
    "action": NC_("mail", "Open %(product)s"),
    "why": NC_("mail", "You get this message because the suspension of your account was "
                       "lifted. Messages about your account cannot be turned off."),
}


class ModerationMail:
    """The notification source of moderation (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (get_topic(MemberStanding.WarningIssued),
                               get_topic(Member.Suspended), get_topic(Member.Reinstated))
    kinds: Mapping[str, Category | None] = {WARNED: Category.ACCOUNT,
                                            SUSPENDED: Category.ACCOUNT,
                                            REINSTATED: Category.ACCOUNT}
    texts: Mapping[str, Mapping[str, str]] = {
        WARNED: {"greeting": _GREETING, **_WARNING},
        SUSPENDED: {"greeting": _GREETING, **_SUSPENSION},
        REINSTATED: {"greeting": _GREETING, **_REINSTATEMENT}}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, MemberStanding.WarningIssued):
            return [DueWork(notification_id=notification_id, kind=WARNED,
                            member_id=event.member_id,
                            payload={"reportId": str(event.report_id)})]
        if isinstance(event, Member.Suspended):
            return [DueWork(notification_id=notification_id, kind=SUSPENDED,
                            member_id=event.originator_id)]
        if isinstance(event, Member.Reinstated):
            return [DueWork(notification_id=notification_id, kind=REINSTATED,
                            member_id=event.originator_id)]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        member = context.member(work.member_id)
        if member is None:
            return None
        if work.kind == WARNED:
            return _warning(work, member, context)
        if work.kind == REINSTATED:
            return None if member.suspended else _reinstatement(member, context)
        return _suspension(member, context) if member.suspended else None


def _warning(work: ClaimedWork, member: Member, context: WorkContext) -> Notification | None:
    report_id = UUID(work.payload["reportId"])
    warning = next((w for w in context.application(Moderation).warnings_of(member.id)
                    if w.report_id == report_id), None)
    if warning is None:
        return None
    locale = interface_locale(member.locale)
    words = {part: translated(locale, "mail", text) for part, text in _WARNING.items()}
    values = {
        "name": member.name, "product": context.tenant.branding.product_name,
        "reason": translations_for(locale).gettext(REPORT_REASONS[warning.reason]).lower(),
    }
    return Notification(content=MailContent(
        locale=locale,
        subject=words["subject"] % values,
        greeting=translated(locale, "mail", _GREETING) % values,
        paragraphs=(words["body"] % values, words["where"]),
        action_label=words["action"],
        action_url=context.link("/my-data#warnings"),
        small_print=(words["why"],),
    ))


def _suspension(member: Member, context: WorkContext) -> Notification:
    locale = interface_locale(member.locale)
    words = {part: translated(locale, "mail", text) for part, text in _SUSPENSION.items()}
    branding = context.tenant.branding
    values = {"name": member.name, "product": branding.product_name,
              "support": branding.support_email}
    ask = words["ask"] if branding.support_email else words["ask_team"]
    return Notification(content=MailContent(
        locale=locale,
        subject=words["subject"] % values,
        greeting=translated(locale, "mail", _GREETING) % values,
        paragraphs=(words["body"] % values, ask % values),
        action_label=words["action"] % values,
        action_url=context.link("/"),
        small_print=(words["why"],),
    ))


def _reinstatement(member: Member, context: WorkContext) -> Notification:
    locale = interface_locale(member.locale)
    words = {part: translated(locale, "mail", text) for part, text in _REINSTATEMENT.items()}
    values = {"name": member.name, "product": context.tenant.branding.product_name}
    return Notification(content=MailContent(
        locale=locale,
        subject=words["subject"] % values,
        greeting=translated(locale, "mail", _GREETING) % values,
        paragraphs=(words["body"] % values,),
        action_label=words["action"] % values,
        action_url=context.link("/"),
        small_print=(words["why"],),
    ))


MODERATION_MAIL = ModerationMail()
