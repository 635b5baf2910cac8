"""HTTP entry points of notifications, for the signed-in member about themselves: the
notification centre (read and mark read), how often to be told of what and on which channel,
quiet hours, and the mobile number that SMS go to.

Unsubscribing from a mail's link needs no sign-in: that is a page (`infra.web.pages.
unsubscribe`), which mail clients can also post to in one click (RFC 8058).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter

from infra.delivery.records import NotificationCentre
from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from services.actor import Actor
from services.notifications.application import Notifications
from services.notifications.schemas import (
    CentreLineView,
    ChooseSettings,
    GivePhone,
    MarkedRead,
    MarkRead,
    NotificationCentreView,
    SettingsView,
    VerifyPhone,
)
from services.notifications.values import QuietHours, opening_link
from services.schemas import Written

__all__ = ["ROUTES", "NotificationsController"]

_MEMBERS = roles(ANY_MEMBER)


def provide_member_id(request: Request[Any, Any, Any]) -> UUID:
    """The signed-in caller's member id (the guard admitted them). Asked for by id, not as the
    `caller`, because the accounts context already depends on this one (its mail's category),
    and the two must not depend on each other."""
    member_id: UUID = request.state.caller.member_id
    return member_id


class NotificationsController(Controller):
    path = "/api/v1/me"
    tags = ["notifications"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "notifications": application(Notifications),
        "member_id": Provide(provide_member_id, sync_to_thread=False),
    }

    # The notification centre ----------------------------------------------------------------

    @get("/notifications", opt=_MEMBERS, sync_to_thread=True,
         summary="My in-app notifications, newest first, and how many are unread",
         responses=refusals(400, 401, 403))
    def centre(
        self, notifications: NamedDependency[Notifications], member_id: NamedDependency[UUID],
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="At most this many")] = 50,
        offset: Annotated[int, QueryParameter(ge=0, description="After skipping this many")] = 0,
    ) -> NotificationCentreView:
        centre = NotificationCentre(notifications.stream)
        return NotificationCentreView(
            notifications=[
                CentreLineView(key=line.key, kind=line.kind, category=line.category,
                               line=line.line, link=line.link, created_at=line.created_at,
                               read=line.read, open_link=opening_link(line.key, line.link))
                for line in centre.lines(member_id, limit, offset)
            ],
            unread_count=centre.unread(member_id),
        )

    @post("/notifications/read", opt=_MEMBERS, sync_to_thread=True, status_code=200,
          summary="Mark notifications read (no keys: all of them)",
          responses=refusals(400, 401, 403, 422))
    def mark_read(
        self, data: JSONBody[MarkRead], notifications: NamedDependency[Notifications],
        member_id: NamedDependency[UUID], actor: NamedDependency[Actor],
    ) -> MarkedRead:
        position = notifications.note_read(member_id, data.keys, actor)
        centre = NotificationCentre(notifications.stream)
        marked = centre.mark_read(member_id, data.keys, notifications.clock())
        return MarkedRead(marked=marked, unread_count=centre.unread(member_id),
                          position=position)

    # Settings -------------------------------------------------------------------------------

    @get("/notification-settings", opt=_MEMBERS, sync_to_thread=True,
         summary="How often I am told of each category on each channel, quiet hours, my number",
         description="Account and security mail cannot be turned off and is not listed.",
         responses=refusals(401, 403))
    def settings(
        self, notifications: NamedDependency[Notifications], member_id: NamedDependency[UUID],
    ) -> SettingsView:
        return SettingsView.of(notifications.settings_of(member_id))

    @put("/notification-settings", opt=_MEMBERS, sync_to_thread=True,
         summary="Choose how often to be told of what (only the choices given change), and "
                 "quiet hours",
         description="E-mail offers instant, daily, weekly or off; SMS and in-app instant or "
                     "off. A refusal names the field and changes nothing.",
         responses=refusals(400, 401, 403, 422))
    def choose(
        self, data: JSONBody[ChooseSettings], notifications: NamedDependency[Notifications],
        member_id: NamedDependency[UUID], actor: NamedDependency[Actor],
    ) -> SettingsView:
        if data.quiet_hours is not None:  # refused before any choice is stored
            QuietHours.parse(data.quiet_hours.start, data.quiet_hours.end)
        choices = [(p.category, p.channel, p.frequency) for p in data.preferences]
        if choices:
            notifications.choose(member_id, choices, actor)
        if data.quiet_hours is not None:
            notifications.choose_quiet_hours(
                member_id, data.quiet_hours.start, data.quiet_hours.end, actor)
        return SettingsView.of(notifications.settings_of(member_id))

    # The mobile number ----------------------------------------------------------------------

    @post("/phone", opt=_MEMBERS, sync_to_thread=True, status_code=200,
          summary="Give my mobile number for SMS; a code is texted to it to verify",
          description="Replaces any number given before, which is no longer verified.",
          responses=refusals(400, 401, 403, 422))
    def give_phone(
        self, data: JSONBody[GivePhone], notifications: NamedDependency[Notifications],
        member_id: NamedDependency[UUID], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=notifications.give_phone(
            member_id, data.phone, data.region, actor))

    @post("/phone/verify", opt=_MEMBERS, sync_to_thread=True, status_code=200,
          summary="Prove the number mine with the code texted to it: SMS may be sent to it",
          responses=refusals(400, 401, 403, 422))
    def verify_phone(
        self, data: JSONBody[VerifyPhone], notifications: NamedDependency[Notifications],
        member_id: NamedDependency[UUID], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=notifications.verify_phone(member_id, data.code, actor))

    @delete("/phone", opt=_MEMBERS, sync_to_thread=True, status_code=200,
            summary="Remove my mobile number: no more SMS", responses=refusals(401, 403))
    def remove_phone(
        self, notifications: NamedDependency[Notifications], member_id: NamedDependency[UUID],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=notifications.remove_phone(member_id, actor))

    # The address that refused mail ---------------------------------------------------------

    @post("/address-confirmation", opt=_MEMBERS, sync_to_thread=True, status_code=202,
          summary="Ask for a mail proving my address works again, after it refused mail",
          description=(
              "Mail to an address that refused it is held back. This sends one mail to it with "
              "a link; opening the link lets mail through again. 409 when the address has not "
              "refused mail."),
          responses=refusals(401, 403, 409))
    def ask_address_confirmation(
        self, notifications: NamedDependency[Notifications], member_id: NamedDependency[UUID],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=notifications.ask_address_confirmation(member_id, actor))


ROUTES = [NotificationsController]
