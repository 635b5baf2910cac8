"""Pages: a mentor's volunteer hours (`/hours`) and the statement of them a mentor hands to an
employer (`/hours/statement`).

The hours are the ones `GET /api/v1/me/volunteer-hours` answers (the `VolunteerHours` of
`services.meetings`): every held session someone logged, and of those the ones the other member
confirmed. The page breaks them down by relationship and by month (in the mentor's time zone);
the statement gives, for a period of months, the programme's brand, the mentor's name and the
hours by month. It names no mentee (an employer has no need of them), and the only check it
claims is the one the product makes: the other member confirming each session log. It is a
print-friendly HTML document (print it to PDF from the browser); `?download=1` sends it as a
file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.rendering import page_context, render
from infra.web.tenant_api import application, roles
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.errors import NotFoundError
from services.meetings.application import Meetings
from services.meetings.domain import Meeting

__all__ = ["PAGES"]

_SERVICES = {"meetings": application(Meetings), "accounts": application(Accounts)}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATEMENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; "
                             "img-src 'self' https: data:")
"""The statement carries its own style, so that a downloaded copy prints the same offline."""


@dataclass
class Tally:
    """Minutes and sessions, logged and confirmed by the other member."""

    minutes: int = 0
    sessions: int = 0
    confirmed_minutes: int = 0
    confirmed_sessions: int = 0

    def add(self, meeting: Meeting) -> None:
        log = meeting.session_log
        assert log is not None  # counted sessions are logged ones
        self.minutes += log.duration_minutes
        self.sessions += 1
        if log.confirmed_at is not None:
            self.confirmed_minutes += log.duration_minutes
            self.confirmed_sessions += 1

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def confirmed_hours(self) -> float:
        return round(self.confirmed_minutes / 60, 2)


@dataclass
class Breakdown:
    total: Tally = field(default_factory=Tally)
    by_relationship: dict[UUID, Tally] = field(default_factory=dict)
    by_month: dict[date, Tally] = field(default_factory=dict)


def _breakdown(request: Request[Any, Any, Any], sessions: list[Meeting],
               first: date | None = None, last: date | None = None) -> Breakdown:
    """The sessions held in the months from `first` to `last` (both included, all if None)."""
    zone = page_context(request).format.zone
    found = Breakdown()
    for meeting in sessions:
        month = meeting.starts_at.astimezone(zone).date().replace(day=1)
        if (first and month < first) or (last and month > last):
            continue
        found.total.add(meeting)
        found.by_relationship.setdefault(meeting.relationship_id, Tally()).add(meeting)
        found.by_month.setdefault(month, Tally()).add(meeting)
    found.by_month = dict(sorted(found.by_month.items()))
    return found


def _name(accounts: Accounts, member_id: UUID) -> str:
    try:
        return accounts.get_member(member_id).name
    except NotFoundError:
        return ""


@get("/hours", opt=roles(Role.MENTOR), sync_to_thread=True, dependencies=_SERVICES)
def hours(
    request: Request[Any, Any, Any], meetings: NamedDependency[Meetings],
    accounts: NamedDependency[Accounts], caller: NamedDependency[Caller],
) -> Template:
    sessions = meetings.counted_sessions(caller.member_id)
    found = _breakdown(request, sessions)
    mentees = {m.relationship_id: _name(accounts, m.mentee_id) for m in sessions}
    months = list(found.by_month)
    return render(request, "hours/hours.html", found=found, mentees=mentees,
                  first=f"{months[0]:%Y-%m}" if months else "",
                  last=f"{months[-1]:%Y-%m}" if months else "", errors={})


def _month(text: str) -> date | None:
    matched = _MONTH.match(text.strip())
    return date(int(matched[1]), int(matched[2]), 1) if matched else None


@get("/hours/statement", opt=roles(Role.MENTOR), sync_to_thread=True, dependencies=_SERVICES)
def statement(
    request: Request[Any, Any, Any], meetings: NamedDependency[Meetings],
    accounts: NamedDependency[Accounts], caller: NamedDependency[Caller],
) -> Response[Any] | Template:
    """The statement for the months `from` to `to` (YYYY-MM; either left out: no bound)."""
    page = page_context(request)
    given = {name: str(request.query_params.get(name) or "").strip() for name in ("from", "to")}
    first, last = _month(given["from"]), _month(given["to"])
    errors = {name: page.gettext("Give a month, such as 2031-04.")
              for name, value in (("from", first), ("to", last)) if given[name] and not value}
    if first and last and first > last:
        errors["to"] = page.gettext("The last month cannot come before the first.")
    sessions = meetings.counted_sessions(caller.member_id)
    if errors:
        found = _breakdown(request, sessions)
        mentees = {m.relationship_id: _name(accounts, m.mentee_id) for m in sessions}
        return render(request, "hours/hours.html", found=found, mentees=mentees,
                      first=given["from"], last=given["to"], errors=errors, status_code=400)
    found = _breakdown(request, sessions, first, last)
    months = list(found.by_month)
    period = (first or (months[0] if months else None), last or (months[-1] if months else None))
    headers = {"Content-Security-Policy": STATEMENT_SECURITY_POLICY}
    if request.query_params.get("download"):
        span = "-".join(f"{month:%Y-%m}" for month in period if month)
        headers["Content-Disposition"] = (
            f'attachment; filename="volunteer-hours{"-" + span if span else ""}.html"')
    member = accounts.get_member(caller.member_id)
    template = render(request, "hours/statement.html", found=found, mentor=member.name,
                      period=period, issued=page.format.date(meetings.clock()))
    template.headers.update(headers)
    return template


PAGES: list[ControllerRouterHandler] = [hours, statement]
