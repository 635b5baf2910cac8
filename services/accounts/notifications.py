"""Account mail: which member events ask for mail, and its words (translated in the catalogues).
It is `Category.ACCOUNT`: it cannot be turned off and is sent in quiet hours too.

    Member.SignedUp, Member.VerificationMailRequested -> verify_email (link: /verify-email)
    Member.PasswordResetRequested                     -> password_reset (link: /reset-password)
    Member.SignUpAttempted (when it says `mail`)      -> sign_up_attempt (link: /sign-in)

The last tells an address's owner that someone signed up with it: the sign-up itself was
answered as for a new address, so that it tells nobody who is a member.

The link's token is minted when the mail is sent, from what the event recorded (its expiry and,
for resets, the moment of the request, from which the nonce is derived with the stream's
secret), so no token or nonce is ever stored. Mail that is no longer needed when its turn
comes (address already verified, link expired or used, member suspended or erased) is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent, format_moment
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.accounts.application import VERIFICATION_LIFETIME, Accounts
from services.accounts.domain import Member
from services.notifications.values import Category
from services.tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkToken, used_link_digest

__all__ = ["ACCOUNT_MAIL", "SIGN_UP_ATTEMPT", "AccountMail"]

SIGN_UP_ATTEMPT = "sign_up_attempt"

_TEXTS: dict[str, dict[str, str]] = {
    VERIFY_EMAIL: {
        "subject": NC_("mail", "Confirm your e-mail address for %(product)s"),
        "greeting": NC_("mail", "Hello %(name)s,"),
        "body": NC_("mail", "Please confirm that this is your e-mail address by opening the "
                            "link below."),
        "action": NC_("mail", "Confirm my e-mail address"),
        "expiry": NC_("mail", "The link works until %(expires)s."),
        "ignore": NC_("mail", "If you did not sign up for %(product)s, you can ignore this "
                              "message."),
    },
    PASSWORD_RESET: {
        "subject": NC_("mail", "Reset your %(product)s password"),
        "greeting": NC_("mail", "Hello %(name)s,"),
        "body": NC_("mail", "Someone (hopefully you) asked to reset the password of your "
                            "%(product)s account. Open the link below to choose a new one."),
        "action": NC_("mail", "Choose a new password"),
        "expiry": NC_("mail", "The link works once, until %(expires)s. Choosing a new password "
                              "signs you out everywhere."),
        "ignore": NC_("mail", "If you did not ask for this, ignore this message: your password "
                              "stays as it is."),
    },
}
"""Each kind's words in English; the catalogues translate them (context "mail")."""

_ATTEMPT_TEXTS: dict[str, str] = {
    "subject": NC_("mail", "Someone tried to sign up for %(product)s with your address"),
    "greeting": NC_("mail", "Hello %(name)s,"),
    "body": NC_("mail", "Someone has just tried to create a %(product)s account with this "
                        "e-mail address. You already have an account, so no new one was made."),
    "hint": NC_("mail", "If it was you, sign in with your password. If you have forgotten it, "
                        "you can choose a new one here: %(reset)s"),
    "action": NC_("mail", "Sign in"),
    "ignore": NC_("mail", "If it was not you, ignore this message: nothing has changed in your "
                          "account."),
}

_PATHS = {VERIFY_EMAIL: "/verify-email", PASSWORD_RESET: "/reset-password"}


class AccountMail:
    """The mail source of accounts (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (
        get_topic(Member.SignedUp),
        get_topic(Member.VerificationMailRequested),
        get_topic(Member.PasswordResetRequested),
        get_topic(Member.SignUpAttempted),
    )
    kinds: Mapping[str, Category | None] = {
        VERIFY_EMAIL: Category.ACCOUNT, PASSWORD_RESET: Category.ACCOUNT,
        SIGN_UP_ATTEMPT: Category.ACCOUNT,
    }
    texts: Mapping[str, Mapping[str, str]] = {**_TEXTS, SIGN_UP_ATTEMPT: _ATTEMPT_TEXTS}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, Member.SignedUp):
            expires_at = event.timestamp + VERIFICATION_LIFETIME
            return [_queued(notification_id, VERIFY_EMAIL, event, expires_at)]
        if isinstance(event, Member.VerificationMailRequested):
            return [_queued(notification_id, VERIFY_EMAIL, event, event.expires_at)]
        if isinstance(event, Member.PasswordResetRequested):
            return [_queued(
                notification_id, PASSWORD_RESET, event, event.expires_at,
                requested_at=event.requested_at, nonce=event.nonce,
            )]
        if isinstance(event, Member.SignUpAttempted) and event.mail:
            return [DueWork(notification_id=notification_id, kind=SIGN_UP_ATTEMPT,
                            member_id=event.originator_id)]
        return []

    def carry_out(self, mail: ClaimedWork, context: WorkContext) -> Notification | None:
        accounts = context.application(Accounts)
        member = context.member(mail.member_id)
        if member is None or member.suspended:
            return None
        if mail.kind == SIGN_UP_ATTEMPT:
            return _attempt_told(member, context)
        expires_at = datetime.fromisoformat(mail.payload["expiresAt"])
        nonce = _reset_nonce(mail, member, accounts) if mail.kind == PASSWORD_RESET else ""
        if (
            context.now >= expires_at
            or (mail.kind == VERIFY_EMAIL and member.email_verified)
            or (mail.kind == PASSWORD_RESET and used_link_digest(nonce) in member.used_reset_links)
        ):
            return None
        token = accounts.tokens.sign(LinkToken(
            purpose=mail.kind, member_id=member.id, expires_at=expires_at, nonce=nonce
        ))
        locale = interface_locale(member.locale)
        words = _words(_TEXTS[mail.kind], locale)
        values = {
            "product": context.tenant.branding.product_name, "name": member.name,
            "expires": format_moment(expires_at, locale, context.tenant.time_zone),
        }
        content = MailContent(
            locale=locale,
            subject=words["subject"] % values,
            greeting=words["greeting"] % values,
            paragraphs=(words["body"] % values,),
            action_label=words["action"],
            action_url=context.link(f"{_PATHS[mail.kind]}?token={token}"),
            small_print=(words["expiry"] % values, words["ignore"] % values),
        )
        return Notification(content=content, email_only=True)


def _words(texts: dict[str, str], locale: str) -> dict[str, str]:
    return {part: translated(locale, "mail", text) for part, text in texts.items()}


def _reset_nonce(mail: ClaimedWork, member: Member, accounts: Accounts) -> str:
    """The reset link's nonce: derived from the request (mail queued before nonces were kept
    out of the log carries the event's own)."""
    if "nonce" in mail.payload:
        return mail.payload["nonce"]
    requested_at = datetime.fromisoformat(mail.payload["requestedAt"])
    return accounts.tokens.reset_nonce(member.id, requested_at)


def _attempt_told(member: Member, context: WorkContext) -> Notification:
    locale = interface_locale(member.locale)
    words = _words(_ATTEMPT_TEXTS, locale)
    values = {"product": context.tenant.branding.product_name, "name": member.name,
              "reset": context.link("/forgot-password")}
    content = MailContent(
        locale=locale,
        subject=words["subject"] % values,
        greeting=words["greeting"] % values,
        paragraphs=(words["body"] % values, words["hint"] % values),
        action_label=words["action"],
        action_url=context.link("/sign-in"),
        small_print=(words["ignore"] % values,),
    )
    return Notification(content=content, email_only=True)


def _queued(
    notification_id: int, kind: str, event: DomainEventProtocol[UUID], expires_at: datetime,
    requested_at: datetime | None = None, nonce: str = "",
) -> DueWork:
    payload = {"expiresAt": expires_at.isoformat()}
    if requested_at is not None:
        payload["requestedAt"] = requested_at.isoformat()
    if nonce:  # a request recorded before nonces were derived
        payload["nonce"] = nonce
    return DueWork(
        notification_id=notification_id, kind=kind, member_id=event.originator_id,
        payload=payload,
    )


ACCOUNT_MAIL = AccountMail()
