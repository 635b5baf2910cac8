"""The programme admin's pages: the members and their standing, the relationships, the
moderation queue, the impact dashboard (charts drawn on the server, tables, CSV) and the
matching weights. Auditors read every page (the guard lets them GET) and submit none.

The members list comes from the `dashboards` read model's member rows (every member, with the
month they joined), each member's name, e-mail, roles and standing from the accounts service;
the relationships from the `timelines` read model. Both say the stream position they were read
at, as the dashboard does for every figure.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.bootstrap import Ithaca
from infra.web.pages.charts import Chart, dashboard_charts, render_csv, render_svg
from infra.web.pages.forms import keep, read_form, refusals, submitted
from infra.web.pages.handlers import in_thread, service
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import provide_actor, roles
from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.projection import MEMBERS as DASHBOARD_MEMBERS
from projections.dashboards.queries import Filters, read_dashboard
from projections.dashboards.schemas import Dashboard
from projections.reading import open_read_model
from projections.timelines.projection import RELATIONSHIPS as TIMELINE_RELATIONSHIPS
from projections.timelines.projection import TIMELINES
from services.accounts.application import Accounts
from services.accounts.domain import Member, Role
from services.errors import NotFoundError
from services.matching.application import Matching
from services.matching.schemas import WeightsBody
from services.mentoring.application import Mentoring
from services.moderation.application import Moderation
from services.moderation.domain import Decision
from services.moderation.schemas import Decide, Reinstate
from services.programme.application import Programme
from tenants.directory import TenantRecord

__all__ = ["PAGES"]


ADMIN = roles(Role.PROGRAMME_ADMIN)
LIST_LIMIT = 200
FILTERS = ("country", "industry", "programme", "employer", "from", "to")
CHART_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
SVG_MEDIA_TYPE = "image/svg+xml"
WEIGHTS = ("language", "expertise", "industry", "country", "hours", "stage", "capacity",
           "responsiveness", "openRequests")



# Overview -----------------------------------------------------------------------------------


@get("/admin", opt=ADMIN, sync_to_thread=True)
def overview(request: Request[Any, Any, Any]) -> Template:
    reports = len(service(request, Moderation).open_reports())
    return render(request, "admin/overview.html", open_reports=reports)


# Members ------------------------------------------------------------------------------------


def _members_page(request: Request[Any, Any, Any], *, failed: str = "",
                  values: dict[str, Any] | None = None, errors: FormErrors | None = None,
                  status_code: int = 200) -> Template:
    ithaca: Ithaca = request.app.state.ithaca
    model = open_read_model(ithaca, request.state.tenant, DASHBOARDS)
    position = model.position
    rows = model.store.rows(DASHBOARD_MEMBERS, order_by="joined_month DESC, member_id",
                            limit=LIST_LIMIT + 1)
    accounts = service(request, Accounts)
    members: list[Member] = []
    for row in rows[:LIST_LIMIT]:
        try:
            members.append(accounts.get_member(row["member_id"]))
        except NotFoundError:
            continue
    members.sort(key=lambda member: member.name.casefold())
    return render(request, "admin/members.html", members=members, position=position,
                  more=len(rows) > LIST_LIMIT, failed=failed, values=values or {},
                  errors=errors or {}, status_code=status_code)


@get("/admin/members", opt=ADMIN, sync_to_thread=True)
def members_list(request: Request[Any, Any, Any]) -> Template:
    return _members_page(request)


async def _standing(request: Request[Any, Any, Any], member_id: UUID, suspend: bool
                    ) -> Response[Any] | Template:
    values = await submitted(request)
    action = "suspend" if suspend else "reinstate"
    with refusals(request) as refused:
        data = read_form(request, values, Reinstate)
        moderation, actor = service(request, Moderation), provide_actor(request)
        if suspend:
            mentoring = service(request, Mentoring)
            await in_thread(lambda: moderation.suspend_member(
                member_id, data.reason, actor, open_requests=mentoring))
        else:
            await in_thread(lambda: moderation.reinstate(member_id, data.reason, actor))
    if not refused:
        return Redirect(page_context(request).url("/admin/members"))
    errors, status = refused.errors, refused.status_code
    return await in_thread(lambda: _members_page(
        request, failed=f"{member_id}-{action}", values=keep(values), errors=errors,
        status_code=status))


@post("/admin/members/{member_id:uuid}/suspend", opt=ADMIN)
async def suspend_member(request: Request[Any, Any, Any], member_id: FromPath[UUID]
                         ) -> Response[Any] | Template:
    return await _standing(request, member_id, suspend=True)


@post("/admin/members/{member_id:uuid}/reinstate", opt=ADMIN)
async def reinstate_member(request: Request[Any, Any, Any], member_id: FromPath[UUID]
                           ) -> Response[Any] | Template:
    return await _standing(request, member_id, suspend=False)


# Relationships ------------------------------------------------------------------------------


class _Names:
    """Members' names, each looked up once."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.known: dict[UUID, str] = {}

    def __call__(self, member_id: UUID) -> str:
        if member_id not in self.known:
            try:
                self.known[member_id] = self.accounts.get_member(member_id).name
            except NotFoundError:
                self.known[member_id] = str(member_id)
        return self.known[member_id]


@get("/admin/relationships", opt=ADMIN, sync_to_thread=True)
def relationships_list(request: Request[Any, Any, Any]) -> Template:
    ithaca: Ithaca = request.app.state.ithaca
    model = open_read_model(ithaca, request.state.tenant, TIMELINES)
    position = model.position
    rows = model.store.rows(TIMELINE_RELATIONSHIPS, order_by="requested_position DESC",
                            limit=LIST_LIMIT + 1)
    name = _Names(service(request, Accounts))
    relationships = [
        {**row, "mentee": name(row["mentee_id"]), "mentor": name(row["mentor_id"])}
        for row in rows[:LIST_LIMIT]
    ]
    return render(request, "admin/relationships.html", relationships=relationships,
                  position=position, more=len(rows) > LIST_LIMIT)


# Moderation ---------------------------------------------------------------------------------


def _moderation_page(request: Request[Any, Any, Any], *, failed: str = "",
                     values: dict[str, Any] | None = None, errors: FormErrors | None = None,
                     status_code: int = 200) -> Template:
    reports = service(request, Moderation).open_reports()
    name = _Names(service(request, Accounts))
    entries = [{"report": report, "member": name(report.reported_member_id),
                "reporter": name(report.reporter_id)} for report in reports]
    return render(request, "admin/moderation.html", entries=entries, failed=failed,
                  values=values or {}, errors=errors or {}, status_code=status_code)


@get("/admin/moderation", opt=ADMIN, sync_to_thread=True)
def moderation_queue(request: Request[Any, Any, Any]) -> Template:
    return _moderation_page(request)


@post("/admin/moderation/{report_id:uuid}/{decision:str}", opt=ADMIN)
async def decide_report(request: Request[Any, Any, Any], report_id: FromPath[UUID],
                        decision: FromPath[str]
                        ) -> Response[Any] | Template:
    try:
        chosen = Decision(decision)
    except ValueError as unknown:
        raise NotFoundError("no decision %(decision)s", field="decision",
                            values={"decision": repr(decision)}) from unknown
    values = await submitted(request)
    failed = f"{report_id}-{decision}"
    with refusals(request) as refused:
        data = read_form(request, values, Decide)
        moderation, mentoring = service(request, Moderation), service(request, Mentoring)
        actor = provide_actor(request)
        await in_thread(lambda: moderation.decide(
            report_id, chosen, data.note, actor, open_requests=mentoring))
    if not refused:
        return Redirect(page_context(request).url("/admin/moderation"))
    errors, status = refused.errors, refused.status_code
    return await in_thread(lambda: _moderation_page(
        request, failed=failed, values=keep(values), errors=errors, status_code=status))


# Dashboard ----------------------------------------------------------------------------------


def _filter_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {name: value.strip() for name in FILTERS
            if (value := str(request.query_params.get(name) or "")).strip()}


def _dashboard(request: Request[Any, Any, Any], given: dict[str, str]) -> Dashboard:
    """The dashboard as the JSON API reads it, for the filters given (blank ones left out)."""
    settings = service(request, Programme).get_settings()
    filters = Filters.checked(
        programmes=settings.programmes, country=given.get("country"),
        industry=given.get("industry"), programme=given.get("programme"),
        employer=given.get("employer"), from_month=given.get("from"),
        to_month=given.get("to"),
    )
    ithaca: Ithaca = request.app.state.ithaca
    model = open_read_model(ithaca, request.state.tenant, DASHBOARDS)
    return read_dashboard(model, filters, corporate=settings.corporate)


@get("/admin/dashboard", opt=ADMIN, sync_to_thread=True)
def dashboard(request: Request[Any, Any, Any]) -> Template:
    given = _filter_values(request)
    programmes = service(request, Programme).get_settings().programmes
    query = urlencode(given)
    with refusals(request) as refused:
        answer = _dashboard(request, given)
    if refused:
        return render(request, "admin/dashboard.html", values=given, errors=refused.errors,
                      programmes=programmes, charts=[], dashboard=None, query=query,
                      status_code=refused.status_code)
    charts: list[Chart] = list(dashboard_charts(answer, page_context(request).gettext).values())
    return render(request, "admin/dashboard.html", values=given, errors={},
                  programmes=programmes, charts=charts, dashboard=answer, query=query)


@get("/admin/dashboard/charts/{file:str}", opt=ADMIN, sync_to_thread=True,
     media_type=SVG_MEDIA_TYPE,
     response_headers={"Content-Security-Policy": CHART_SECURITY_POLICY})
def dashboard_chart(request: Request[Any, Any, Any], file: FromPath[str]) -> Response[str]:
    """One chart, as an SVG picture or as its table in CSV (`{name}.svg`, `{name}.csv`)."""
    name, _, kind = file.rpartition(".")
    gettext = page_context(request).gettext
    charts = dashboard_charts(_dashboard(request, _filter_values(request)), gettext)
    if kind not in ("svg", "csv") or name not in charts:
        raise NotFoundError("no chart named %(file)s", field="chart", values={"file": repr(file)})
    if kind == "csv":
        return Response(render_csv(charts[name], gettext), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    tenant: TenantRecord = request.state.tenant
    svg = render_svg(charts[name], gettext, primary=tenant.branding.primary_colour,
                     accent=tenant.branding.accent_colour)
    return Response(svg, media_type=SVG_MEDIA_TYPE,
                    headers={"Content-Security-Policy": CHART_SECURITY_POLICY})


# Matching weights ---------------------------------------------------------------------------


def _weights_page(request: Request[Any, Any, Any], values: dict[str, Any], errors: FormErrors,
                  *, saved: bool = False, status_code: int = 200) -> Template:
    return render(request, "admin/matching.html", values=values, errors=errors, saved=saved,
                  weights=WEIGHTS, status_code=status_code)


@get("/admin/matching", opt=ADMIN, sync_to_thread=True)
def weights_form(request: Request[Any, Any, Any], saved: FromQuery[bool] = False) -> Template:
    current = WeightsBody.of(service(request, Matching).get_weights())
    values = {name: f"{getattr(current, _snake(name)):g}" for name in WEIGHTS}
    return _weights_page(request, values, {}, saved=saved)


@post("/admin/matching", opt=ADMIN)
async def change_weights(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    with refusals(request) as refused:
        data = read_form(request, values, WeightsBody)
        matching, actor = service(request, Matching), provide_actor(request)
        await in_thread(lambda: matching.change_weights(data.to_domain(), actor, data.reason))
    if refused:
        return _weights_page(request, keep(values), refused.errors, status_code=refused.status_code)
    return Redirect(page_context(request).url("/admin/matching?saved=true"))


def _snake(name: str) -> str:
    return "open_requests" if name == "openRequests" else name


PAGES: list[ControllerRouterHandler] = [
    overview, members_list, suspend_member, reinstate_member, relationships_list,
    moderation_queue, decide_report, dashboard, dashboard_chart, weights_form, change_weights,
]
