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
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.charts import Chart, dashboard_charts, render_csv, render_svg
from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.member_roles import listed_members
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import application, roles
from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.queries import Filters, read_dashboard
from projections.dashboards.schemas import Dashboard
from projections.reading import open_read_model
from projections.timelines.projection import RELATIONSHIPS as TIMELINE_RELATIONSHIPS
from projections.timelines.projection import TIMELINES
from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import NotFoundError
from services.matching.application import Matching
from services.matching.schemas import WeightsBody
from services.mentoring.application import Mentoring
from services.mentoring.values import Message
from services.moderation.application import Moderation
from services.moderation.domain import Decision, Report
from services.moderation.notifications import REPORT_REASONS
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
SERVICES = {
    "accounts": application(Accounts), "matching": application(Matching),
    "mentoring": application(Mentoring), "moderation": application(Moderation),
    "programme": application(Programme),
}
"""The application services the admin's pages ask for, by name, as the API's controllers do."""



# Overview -----------------------------------------------------------------------------------


@get("/admin", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def overview(request: Request[Any, Any, Any], moderation: NamedDependency[Moderation]
             ) -> Template:
    reports = len(moderation.open_reports())
    return render(request, "admin/overview.html", open_reports=reports)


# Members ------------------------------------------------------------------------------------


def _members_page(request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord,
                  accounts: Accounts, *, failed: str = "",
                  values: dict[str, Any] | None = None, errors: FormErrors | None = None,
                  status_code: int = 200) -> Template:
    members, position, more = listed_members(ithaca, tenant, accounts)
    return render(request, "admin/members.html", members=members, position=position,
                  more=more, failed=failed, values=values or {},
                  errors=errors or {}, status_code=status_code)


@get("/admin/members", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def members_list(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
) -> Template:
    return _members_page(request, ithaca, tenant, accounts)


def _standing_step(suspend: bool) -> ControllerRouterHandler:
    """Suspend or reinstate a member, with a reason."""
    action = "suspend" if suspend else "reinstate"

    @post(f"/admin/members/{{member_id:uuid}}/{action}", opt=ADMIN, sync_to_thread=True,
          dependencies=SERVICES, name=f"admin-member-{action}")
    def step(
        request: Request[Any, Any, Any], member_id: FromPath[UUID], data: FormBody,
        ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        accounts: NamedDependency[Accounts], moderation: NamedDependency[Moderation],
        mentoring: NamedDependency[Mentoring], actor: NamedDependency[Actor],
    ) -> Response[Any] | Template:
        values = submitted(data)
        with refusals(request) as refused:
            form = read_form(request, values, Reinstate)
            if suspend:
                moderation.suspend_member(member_id, form.reason, actor, open_requests=mentoring)
            else:
                moderation.reinstate(member_id, form.reason, actor)
        if not refused:
            return Redirect(page_context(request).url("/admin/members"))
        return _members_page(request, ithaca, tenant, accounts, failed=f"{member_id}-{action}",
                             values=keep(values), errors=refused.errors,
                             status_code=refused.status_code)

    return step


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


@get("/admin/relationships", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def relationships_list(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
) -> Template:
    model = open_read_model(ithaca, tenant, TIMELINES)
    position = model.position
    rows = model.store.rows(TIMELINE_RELATIONSHIPS, order_by="requested_position DESC",
                            limit=LIST_LIMIT + 1)
    name = _Names(accounts)
    relationships = [
        {**row, "mentee": name(row["mentee_id"]), "mentor": name(row["mentor_id"])}
        for row in rows[:LIST_LIMIT]
    ]
    return render(request, "admin/relationships.html", relationships=relationships,
                  position=position, more=len(rows) > LIST_LIMIT)


# Moderation ---------------------------------------------------------------------------------


def _moderation_page(request: Request[Any, Any, Any], moderation: Moderation,
                     accounts: Accounts, mentoring: Mentoring, caller: Caller, *,
                     failed: str = "", values: dict[str, Any] | None = None,
                     errors: FormErrors | None = None, status_code: int = 200) -> Template:
    reports = moderation.open_reports()
    name = _Names(accounts)
    entries = [{"report": report, "member": name(report.reported_member_id),
                "reporter": name(report.reporter_id),
                "message": _reported_message(report, mentoring, caller)} for report in reports]
    return render(request, "admin/moderation.html", entries=entries, reasons=REPORT_REASONS,
                  failed=failed, values=values or {}, errors=errors or {},
                  status_code=status_code)


def _reported_message(report: Report, mentoring: Mentoring, caller: Caller) -> Message | None:
    """The reported message, for the programme admin who decides (an auditor reads the queue
    without it)."""
    if (report.relationship_id is None or report.message_number is None
            or not caller.has(Role.PROGRAMME_ADMIN)):
        return None
    return mentoring.reported_message(report.relationship_id, report.message_number, caller)


@get("/admin/moderation", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def moderation_queue(
    request: Request[Any, Any, Any], moderation: NamedDependency[Moderation],
    accounts: NamedDependency[Accounts], mentoring: NamedDependency[Mentoring],
    caller: NamedDependency[Caller],
) -> Template:
    return _moderation_page(request, moderation, accounts, mentoring, caller)


@post("/admin/moderation/{report_id:uuid}/{decision:str}", opt=ADMIN, sync_to_thread=True,
      dependencies=SERVICES)
def decide_report(
    request: Request[Any, Any, Any], report_id: FromPath[UUID], decision: FromPath[str],
    data: FormBody, moderation: NamedDependency[Moderation],
    mentoring: NamedDependency[Mentoring], accounts: NamedDependency[Accounts],
    caller: NamedDependency[Caller], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    try:
        chosen = Decision(decision)
    except ValueError as unknown:
        raise NotFoundError("no decision %(decision)s", field="decision",
                            values={"decision": repr(decision)}) from unknown
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, Decide)
        moderation.decide(report_id, chosen, form.note, actor, open_requests=mentoring)
    if not refused:
        return Redirect(page_context(request).url("/admin/moderation"))
    return _moderation_page(request, moderation, accounts, mentoring, caller,
                            failed=f"{report_id}-{decision}",
                            values=keep(values), errors=refused.errors,
                            status_code=refused.status_code)


# Dashboard ----------------------------------------------------------------------------------


def _filter_values(request: Request[Any, Any, Any]) -> dict[str, str]:
    return {name: value.strip() for name in FILTERS
            if (value := str(request.query_params.get(name) or "")).strip()}


def _dashboard(ithaca: Ithaca, tenant: TenantRecord, programme: Programme,
               given: dict[str, str]) -> Dashboard:
    """The dashboard as the JSON API reads it, for the filters given (blank ones left out)."""
    settings = programme.get_settings()
    filters = Filters.checked(
        programmes=settings.programmes, country=given.get("country"),
        industry=given.get("industry"), programme=given.get("programme"),
        employer=given.get("employer"), from_month=given.get("from"),
        to_month=given.get("to"),
    )
    model = open_read_model(ithaca, tenant, DASHBOARDS)
    return read_dashboard(model, filters, corporate=settings.corporate)


@get("/admin/dashboard", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def dashboard(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], programme: NamedDependency[Programme],
) -> Template:
    given = _filter_values(request)
    programmes = programme.get_settings().programmes
    query = urlencode(given)
    with refusals(request) as refused:
        answer = _dashboard(ithaca, tenant, programme, given)
    if refused:
        return render(request, "admin/dashboard.html", values=given, errors=refused.errors,
                      programmes=programmes, charts=[], dashboard=None, query=query,
                      status_code=refused.status_code)
    charts: list[Chart] = list(dashboard_charts(answer, page_context(request).gettext).values())
    return render(request, "admin/dashboard.html", values=given, errors={},
                  programmes=programmes, charts=charts, dashboard=answer, query=query)


@get("/admin/dashboard/charts/{file:str}", opt=ADMIN, sync_to_thread=True,
     dependencies=SERVICES, media_type=SVG_MEDIA_TYPE,
     response_headers={"Content-Security-Policy": CHART_SECURITY_POLICY})
def dashboard_chart(
    request: Request[Any, Any, Any], file: FromPath[str], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], programme: NamedDependency[Programme],
) -> Response[str]:
    """One chart, as an SVG picture or as its table in CSV (`{name}.svg`, `{name}.csv`)."""
    name, _, kind = file.rpartition(".")
    gettext = page_context(request).gettext
    charts = dashboard_charts(_dashboard(ithaca, tenant, programme, _filter_values(request)),
                              gettext)
    if kind not in ("svg", "csv") or name not in charts:
        raise NotFoundError("no chart named %(file)s", field="chart", values={"file": repr(file)})
    if kind == "csv":
        return Response(render_csv(charts[name], gettext), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    svg = render_svg(charts[name], gettext, primary=tenant.branding.primary_colour,
                     accent=tenant.branding.accent_colour)
    return Response(svg, media_type=SVG_MEDIA_TYPE,
                    headers={"Content-Security-Policy": CHART_SECURITY_POLICY})


# Matching weights ---------------------------------------------------------------------------


def _weights_page(request: Request[Any, Any, Any], values: dict[str, Any], errors: FormErrors,
                  *, saved: bool = False, status_code: int = 200) -> Template:
    return render(request, "admin/matching.html", values=values, errors=errors, saved=saved,
                  weights=WEIGHTS, status_code=status_code)


@get("/admin/matching", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def weights_form(
    request: Request[Any, Any, Any], matching: NamedDependency[Matching],
    saved: FromQuery[bool] = False,
) -> Template:
    current = WeightsBody.of(matching.get_weights())
    values = {name: f"{getattr(current, _snake(name)):g}" for name in WEIGHTS}
    return _weights_page(request, values, {}, saved=saved)


@post("/admin/matching", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def change_weights(
    request: Request[Any, Any, Any], data: FormBody, matching: NamedDependency[Matching],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        form = read_form(request, values, WeightsBody)
        matching.change_weights(form.to_domain(), actor, form.reason)
    if refused:
        return _weights_page(request, keep(values), refused.errors, status_code=refused.status_code)
    return Redirect(page_context(request).url("/admin/matching?saved=true"))


def _snake(name: str) -> str:
    return "open_requests" if name == "openRequests" else name


PAGES: list[ControllerRouterHandler] = [
    overview, members_list, _standing_step(suspend=True), _standing_step(suspend=False),
    relationships_list,
    moderation_queue, decide_report, dashboard, dashboard_chart, weights_form, change_weights,
]
