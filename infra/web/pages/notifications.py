"""Pages: the member's notification centre (`/notifications`) and their notification settings
(`/settings/notifications`).

The centre lists the in-app notifications the deliverer put in the member's centre
(`infra.delivery.records.NotificationCentre`), newest first, the unread ones marked; each links
to what it is about: an unread line's link goes through `/notifications/open`, which marks it
read and goes on to the line's own page (a path on this site, never another host). Marking
lines read (one by opening it, one, or all) records it twice: as the member's event
(`Notifications.note_read`, the record of what they did) and in the centre's table, which the
header's unread count reads (`infra.web.pages.guard`).

The settings page is a table of the categories a member may choose for (account and security
mail cannot be turned off) by channel: e-mail at once, in a daily or weekly digest, or not at
all; SMS and the centre at once or not at all. SMS is offered once the member has a verified
number. Quiet hours are two clock times in the member's own zone. The form's fields are named
`<category>.<channel>` and `quietHours.start` / `quietHours.end`, the JSON API's names for the
same choices.

Below it, the mobile number: given (read in the plan of the member's profile's country when
typed without its country code), a code is texted to it by the scheduler
(`services.notifications.notifications`); typed back, SMS may be sent to it. A new code can be
asked for, and the number removed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.delivery.records import CentreLine, NotificationCentre
from infra.web.pages.forms import FormBody, Refusal, keep, refusals, submitted
from infra.web.pages.handlers import safe_next
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import ANY_MEMBER, application, roles
from services.accounts.application import Caller
from services.actor import Actor
from services.errors import InvalidInputError
from services.notifications.application import PHONE_CODE_LIFETIME, Notifications
from services.notifications.domain import NotificationSettings
from services.notifications.values import (
    Category,
    Channel,
    Frequency,
    QuietHours,
    frequencies_for,
    is_centre_key,
    opening_link,
)
from services.profiles.application import Profiles

__all__ = ["PAGES"]

LINES_PER_PAGE = 50

CHOSEN_CATEGORIES = tuple(category for category in Category if not category.essential)
"""The rows of the settings table: every category but account and security mail."""
QUIET_HOURS_FIELDS = ("quietHours.start", "quietHours.end")

_SERVICES = {"notifications": application(Notifications), "profiles": application(Profiles)}
PHONE_STEPS = ("sent", "verified", "removed")
"""What the page confirms after a phone form (`?phone=`)."""


def _centre(notifications: Notifications) -> NotificationCentre:
    return NotificationCentre(notifications.stream)


def _on_this_site(link: str) -> str | None:
    """A line's link without its host: the centre's lines were written with the tenant's own
    address, and the member may be reading on another of its addresses (`/t/{slug}`, a custom
    domain), where the path names the same thing."""
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else "")


def _lines(lines: list[CentreLine]) -> list[dict[str, Any]]:
    shown = []
    for line in lines:
        path = _on_this_site(line.link)
        shown.append({
            "key": line.key, "line": line.line, "created_at": line.created_at,
            "read": line.read,
            "path": path if path is None or line.read else opening_link(line.key, path),
        })
    return shown


# The notification centre --------------------------------------------------------------------


@get("/notifications", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=_SERVICES)
def notification_centre(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], older: FromQuery[int] = 0,
) -> Template:
    offset = max(older, 0)
    lines = _centre(notifications).lines(caller.member_id, LINES_PER_PAGE + 1, offset)
    return render(
        request, "notifications/centre.html", lines=_lines(lines[:LINES_PER_PAGE]),
        older=offset + LINES_PER_PAGE if len(lines) > LINES_PER_PAGE else None,
        newer=max(offset - LINES_PER_PAGE, 0) if offset else None,
    )


@post("/notifications/read", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=_SERVICES)
def mark_read(
    request: Request[Any, Any, Any], data: FormBody, notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any]:
    """Marks one line read (`key`), or every line (no key)."""
    given = submitted(data).get("key", [])
    keys = [key for key in (given if isinstance(given, list) else [given]) if key]
    notifications.note_read(caller.member_id, keys, actor)
    _centre(notifications).mark_read(caller.member_id, keys, notifications.clock())
    return Redirect(page_context(request).url("/notifications"))


@get("/notifications/open", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=_SERVICES)
def open_line(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor], key: FromQuery[str] = "",
    to: FromQuery[str] = "",
) -> Response[Any]:
    """Marks the line read (once: opening it again records nothing) and goes on to `to`, a
    path on this site; anything else (another host, no path) goes back to the centre."""
    if is_centre_key(key) and _centre(notifications).mark_read(
            caller.member_id, [key], notifications.clock()):
        notifications.note_read(caller.member_id, [key], actor)
    target = safe_next(to)
    return Redirect(page_context(request).url(target or "/notifications"))


# Notification settings ----------------------------------------------------------------------


def _field(category: Category, channel: Channel) -> str:
    return f"{category}.{channel}"


def _channels(settings: NotificationSettings) -> tuple[Channel, ...]:
    """The channels the member may choose: SMS only with a verified number."""
    if settings.phone_verified:
        return (Channel.EMAIL, Channel.SMS, Channel.IN_APP)
    return (Channel.EMAIL, Channel.IN_APP)


def _current(settings: NotificationSettings) -> dict[str, Any]:
    start, end = settings.quiet_hours.as_text()
    values: dict[str, Any] = {"quietHours.start": start, "quietHours.end": end}
    for category in CHOSEN_CATEGORIES:
        for channel in _channels(settings):
            values[_field(category, channel)] = str(settings.frequency(category, channel))
    return values


def _settings_page(
    request: Request[Any, Any, Any], settings: NotificationSettings, values: dict[str, Any],
    errors: FormErrors, *, saved: bool = False, phone_step: str = "", status_code: int = 200,
) -> Template:
    return render(
        request, "notifications/settings.html", values=values, errors=errors, saved=saved,
        categories=[str(category) for category in CHOSEN_CATEGORIES],
        offered=[str(channel) for channel in _channels(settings)],
        frequencies={str(channel): [str(f) for f in frequencies_for(channel)]
                     for channel in Channel},
        phone=_readable(settings.phone), phone_verified=settings.phone_verified,
        phone_step=phone_step if phone_step in PHONE_STEPS else "",
        code_minutes=int(PHONE_CODE_LIFETIME.total_seconds() // 60), status_code=status_code,
        address_refused=bool(settings.refused_address_digest),
        confirmation_asked=settings.confirmation_asked_at is not None,
    )


def _readable(e164: str) -> str:
    """The member's own number as they would write it to others (+254 712 345678)."""
    if not e164:
        return ""
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@get("/settings/notifications", opt=roles(ANY_MEMBER), sync_to_thread=True,
     dependencies=_SERVICES)
def notification_settings(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], saved: FromQuery[bool] = False, phone: FromQuery[str] = "",
) -> Template:
    settings = notifications.settings_of(caller.member_id)
    return _settings_page(request, settings, _current(settings), {}, saved=saved,
                          phone_step=phone)


@post("/settings/notifications", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=_SERVICES)
def choose_notifications(
    request: Request[Any, Any, Any], data: FormBody, notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    settings = notifications.settings_of(caller.member_id)
    fields = list(QUIET_HOURS_FIELDS)
    with refusals(request) as refused:
        choices = []
        for category in CHOSEN_CATEGORIES:
            for channel in _channels(settings):
                name = _field(category, channel)
                fields.append(name)
                choices.append((category, channel, _frequency(values.get(name), channel, name)))
        start = str(values.get("quietHours.start", "")).strip()
        end = str(values.get("quietHours.end", "")).strip()
        # Both are checked before either is recorded: a refused form changes nothing.
        QuietHours.parse(start, end)
        notifications.choose(caller.member_id, choices, actor)
        notifications.choose_quiet_hours(caller.member_id, start, end, actor)
    if refused:
        return _settings_page(request, settings, keep(values), refused.beside(fields),
                              status_code=refused.status_code)
    return Redirect(page_context(request).url("/settings/notifications?saved=true"))


def _frequency(given: object, channel: Channel, field: str) -> Frequency:
    if isinstance(given, str) and given in frequencies_for(channel):
        return Frequency(given)
    raise InvalidInputError("Choose one of the options.", field=field)


# The mobile number --------------------------------------------------------------------------


def _home_region(profiles: Profiles, caller: Caller) -> str | None:
    """The country of the member's profile, whose plan reads a number typed without its
    country code."""
    profile = (profiles.find_entrepreneur_profile(caller.member_id)
               or profiles.find_mentor_profile(caller.member_id))
    return profile.country if profile else None


@post("/settings/notifications/phone", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=_SERVICES)
def give_phone(
    request: Request[Any, Any, Any], data: FormBody, notifications: NamedDependency[Notifications],
    profiles: NamedDependency[Profiles], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    """Records the number (or the same one again: a new code); the code is texted to it."""
    values = submitted(data)
    with refusals(request) as refused:
        notifications.give_phone(caller.member_id, str(values.get("phone", "")),
                                 _home_region(profiles, caller), actor)
    return _after_phone_step(request, notifications, caller, values, refused, "sent")


@post("/settings/notifications/phone/verify", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=_SERVICES)
def verify_phone(
    request: Request[Any, Any, Any], data: FormBody, notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        notifications.verify_phone(caller.member_id, str(values.get("code", "")), actor)
    return _after_phone_step(request, notifications, caller, values, refused, "verified")


@post("/settings/notifications/phone/remove", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=_SERVICES)
def remove_phone(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any]:
    notifications.remove_phone(caller.member_id, actor)
    return Redirect(page_context(request).url("/settings/notifications?phone=removed#phone"))


@post("/settings/notifications/address", opt=roles(ANY_MEMBER), sync_to_thread=True,
      dependencies=_SERVICES)
def ask_address_confirmation(
    request: Request[Any, Any, Any], notifications: NamedDependency[Notifications],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any]:
    """Sends the one mail that proves the address works again (the page says so)."""
    if notifications.settings_of(caller.member_id).refused_address_digest:
        notifications.ask_address_confirmation(caller.member_id, actor)
    return Redirect(page_context(request).url("/settings/notifications#address"))


def _after_phone_step(
    request: Request[Any, Any, Any], notifications: Notifications, caller: Caller,
    values: dict[str, Any], refused: Refusal, step: str,
) -> Response[Any] | Template:
    """Back to the page, which confirms the step; a refusal is shown beside its field, the
    rest of the page as it is recorded."""
    if not refused:
        return Redirect(page_context(request).url(f"/settings/notifications?phone={step}#phone"))
    settings = notifications.settings_of(caller.member_id)
    return _settings_page(request, settings, {**_current(settings), **values},
                          refused.beside(("phone", "code")), status_code=refused.status_code)


PAGES: list[ControllerRouterHandler] = [
    notification_centre, mark_read, open_line, notification_settings, choose_notifications,
    give_phone, verify_phone, remove_phone, ask_address_confirmation,
]
