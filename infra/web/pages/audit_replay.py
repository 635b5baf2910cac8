"""The auditor's replay pages: `/audit/replay?at=<position or time>` shows the programme as it
was then (member directory, dashboard figures, relationships with each timeline as of then, a
member's match lists with the weights then in force), and `/audit/compare?a=...&b=...` shows
two moments side by side. Auditors, tenant admins and programme admins; both pages only read.

A replay not built yet is built on the first visit (`projections.replay.serving`); while a big
one builds, the page says how far it got and reloads itself every few seconds.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.forms import refusals
from infra.web.pages.rendering import render
from infra.web.tenant_api import application, roles
from projections.dashboards.queries import Filters
from projections.replay.directory import DIRECTORY_MEMBERS
from projections.replay.engine import OpenReplay, list_replays, stream_head
from projections.replay.serving import NotReadyYet, position_of, replay_at
from projections.replay.views import (
    compare,
    headline_figures,
    relationship_summary_then,
    replay_dashboard,
    replay_matches,
    replay_members,
    replay_relationships,
    replay_view,
)
from projections.timelines.queries import relationship_summary, timeline_page
from projections.timelines.schemas import entry_view, week_view
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.errors import InvalidInputError
from services.programme.application import Programme
from tenants.directory import TenantRecord

__all__ = ["PAGES"]

READERS = roles(Role.AUDITOR, Role.TENANT_ADMIN, Role.PROGRAMME_ADMIN)
LIST_LIMIT = 200
REFRESH_SECONDS = 3
PROGRAMME = {"programme": application(Programme)}


def _query(request: Request[Any, Any, Any], name: str) -> str:
    return str(request.query_params.get(name) or "").strip()


def _uuid(text: str, field: str) -> UUID | None:
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInputError("not an id", field=field) from None


def _names(replay: OpenReplay) -> dict[UUID, str]:
    return {row["member_id"]: row["name"] for row in replay.store.rows(DIRECTORY_MEMBERS)}


def _replay_page(replay: OpenReplay, corporate: bool, viewer: Caller, at: str,
                 member: UUID | None, relationship: UUID | None) -> dict[str, Any]:
    view = replay_view(replay)
    dashboard = replay_dashboard(replay, Filters(), corporate=corporate)
    shown: dict[str, Any] = {
        "replay": view, "names": _names(replay),
        "members": replay_members(replay, LIST_LIMIT),
        "figures": headline_figures(view, dashboard),
        "relationships": replay_relationships(replay, LIST_LIMIT),
        "member": member, "relationship": relationship, "at": at,
        "matches": None, "timeline": None, "entries": [],
    }
    if member is not None:
        shown["matches"] = replay_matches(replay, member)
    if relationship is not None:
        row = relationship_summary(replay.store, relationship)
        if row is None:
            raise InvalidInputError("no such relationship at that moment", field="relationship")
        page = timeline_page(replay.store, relationship, 0, 1000)
        shown["timeline"] = relationship_summary_then(replay, row)
        shown["entries"] = [week_view(item) if is_week
                            else entry_view(item, row, viewer.member_id)
                            for is_week, item in page.items]
    return shown


@get("/audit/replay", opt=READERS, sync_to_thread=True, dependencies=PROGRAMME)
def replay_page(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], programme: NamedDependency[Programme],
    caller: NamedDependency[Caller],
) -> Template:
    at = _query(request, "at")
    context: dict[str, Any] = {
        "at": at, "head": stream_head(ithaca, tenant),
        "replays": [placed.info for placed in list_replays(ithaca, tenant)],
        "values": {"at": at, "member": _query(request, "member")}, "errors": {},
        "building": None, "replay": None,
    }
    if not at:
        return render(request, "audit/replay.html", **context)
    with refusals(request) as refused:
        member = _uuid(_query(request, "member"), "member")
        relationship = _uuid(_query(request, "relationship"), "relationship")
        try:
            with replay_at(ithaca, tenant, at) as replay:
                context |= _replay_page(replay, programme.get_settings().corporate, caller,
                                        at, member, relationship)
        except NotReadyYet as waiting:
            context |= {"building": waiting.building, "refresh": REFRESH_SECONDS}
        return render(request, "audit/replay.html", **context)
    context["errors"] = refused.beside({"at": "at", "memberId": "member",
                                        "member": "member", "relationship": "relationship"})
    return render(request, "audit/replay.html", status_code=refused.status_code, **context)


@get("/audit/compare", opt=READERS, sync_to_thread=True, dependencies=PROGRAMME)
def compare_page(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], programme: NamedDependency[Programme],
) -> Template:
    a, b = _query(request, "a"), _query(request, "b")
    context: dict[str, Any] = {"values": {"a": a, "b": b}, "errors": {},
                               "head": stream_head(ithaca, tenant), "building": None,
                               "comparison": None}
    if not (a and b):
        return render(request, "audit/compare.html", **context)
    with refusals(request) as refused:
        first, second = position_of(ithaca, tenant, a, "a"), position_of(ithaca, tenant, b, "b")
        corporate = programme.get_settings().corporate
        try:
            with replay_at(ithaca, tenant, first, "a") as one, \
                    replay_at(ithaca, tenant, second, "b") as two:
                context["comparison"] = compare(
                    (replay_view(one), replay_dashboard(one, Filters(), corporate=corporate)),
                    (replay_view(two), replay_dashboard(two, Filters(), corporate=corporate)))
        except NotReadyYet as waiting:
            context |= {"building": waiting.building, "refresh": REFRESH_SECONDS}
        return render(request, "audit/compare.html", **context)
    context["errors"] = refused.beside(("a", "b"))
    return render(request, "audit/compare.html", status_code=refused.status_code, **context)


PAGES: list[ControllerRouterHandler] = [replay_page, compare_page]
