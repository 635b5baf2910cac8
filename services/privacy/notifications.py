"""Erasure mail: "erasure done" goes to the tenant admin who erased a member on their request,
with the link to the signed certificate. It is `Category.ACCOUNT` (it cannot be turned off).

    Erasure.Certified (requested by a tenant admin) -> erasure_done (that admin)

Why not to the erased member: their address is gone the moment the erasure is recorded. The
certificate's event and the member's `Erased` are one append, and the member's key is destroyed
right after (`infra.erasure`), so by the time any mail could be composed their address reads
"[erased]"; keeping it anywhere to write to them afterwards (in the due-work row, in a mail
queued beforehand) would be exactly the copy an erasure must not leave, and queued mail to them
is dropped by the erasure anyway. So the proof reaches them by the way they asked:
- a member who erases their own account sees the certificate on the page (or in the API's
  answer) at that moment, with a link that opens without signing in, and nothing is sent;
- a member erased by a tenant admin on their request asked that admin (by mail, letter, at the
  desk); the admin is told the erasure is done, with the certificate's link to pass on through
  the same channel. An erasure run by the platform's operator (the CLI) prints its certificate
  and tells nobody.
The mail carries no personal data of the erased member: the certificate's id, the member's id,
the day and the ground.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent, format_moment
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.notifications.values import Category
from services.privacy.application import Privacy
from services.privacy.domain import Erasure, RequestedBy

__all__ = ["ERASURE_DONE", "ERASURE_MAIL", "ErasureMail"]

ERASURE_DONE = "erasure_done"

_TEXTS: dict[str, str] = {
    "subject": NC_("mail", "The erasure you carried out is complete"),
    "greeting": NC_("mail", "Hello %(name)s,"),
    "body": NC_("mail", "The account of member %(member)s was erased on %(when)s: their "
                        "personal data can no longer be read by anyone, and their e-mail "
                        "address is gone, so %(product)s cannot write to them."),
    "pass_on": NC_("mail", "Send the person who asked for the erasure the link to its signed "
                           "certificate below, by the way they asked you: it opens without "
                           "signing in and is their proof."),
    "action": NC_("mail", "Open the certificate"),
    "why": NC_("mail", "You get this message because you erased this account on the member's "
                       "request. Certificate %(certificate)s."),
}


class ErasureMail:
    """The notification source of privacy (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (get_topic(Erasure.Certified),)
    kinds: Mapping[str, Category | None] = {ERASURE_DONE: Category.ACCOUNT}
    texts: Mapping[str, Mapping[str, str]] = {ERASURE_DONE: _TEXTS}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if not isinstance(event, Erasure.Certified):
            return []
        if event.requested_by is not RequestedBy.TENANT_ADMIN or event.actor.kind != "member":
            return []  # the member themselves, or the operator at the CLI: see the module
        return [DueWork(notification_id=notification_id, kind=ERASURE_DONE,
                        member_id=UUID(event.actor.id),
                        payload={"memberId": str(event.member_id)})]

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        admin = context.member(work.member_id)
        certified = context.application(Privacy).erasure_of(UUID(work.payload["memberId"]))
        if admin is None or certified is None:
            return None
        erasure = certified.erasure
        locale = interface_locale(admin.locale)
        words = {part: translated(locale, "mail", text) for part, text in _TEXTS.items()}
        values = {
            "name": admin.name, "member": str(erasure.member_id),
            "when": format_moment(erasure.erased_at, locale, context.tenant.time_zone),
            "product": context.tenant.branding.product_name,
            "certificate": str(erasure.certificate_id),
        }
        return Notification(content=MailContent(
            locale=locale,
            subject=words["subject"],
            greeting=words["greeting"] % values,
            paragraphs=(words["body"] % values, words["pass_on"]),
            action_label=words["action"],
            action_url=context.link(f"/api/v1/erasures/{erasure.certificate_id}"),
            small_print=(words["why"] % values,),
        ))


ERASURE_MAIL = ErasureMail()
