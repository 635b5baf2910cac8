"""HTTP entry points of the impact dashboard: the JSON answer and the same figures as CSV.

Programme admins and tenant admins read it (auditors too, as they read everything). Both
endpoints take the same filters and `?after=` (wait for a position, e.g. one a command
answered); both answer the position the figures were computed at.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from infra.web.errors import ErrorBody
from infra.web.tenant_api import application, refusals, roles
from projections.dashboards.export import dashboard_csv
from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.queries import EMPLOYER_MAX, Filters, read_dashboard
from projections.dashboards.schemas import Dashboard
from projections.reading import ReadModel, read_model
from services.accounts.domain import Role
from services.programme.application import Programme
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "DashboardController"]

CSV_MEDIA_TYPE = "text/csv"  # Litestar adds the charset
_READERS = roles(Role.PROGRAMME_ADMIN, Role.TENANT_ADMIN)
_DESCRIPTION = (
    "Per-tenant impact figures with monthly series: members by role; requests, acceptance "
    "rate, median time to first answer; relationships; meetings and session hours (volunteer "
    "hours per employer in corporate programmes); survey outcomes of mentored and non-mentored "
    "entrepreneurs. Every figure carries n, the records behind it; `position` is the stream "
    "position they were computed at. Auditors read it too."
)
_REFUSALS = {
    **refusals(400, 401, 403, 422),
    503: ResponseSpec(ErrorBody, description="The read model has not reached `after` in time"),
}

Country = Annotated[str | None, QueryParameter(
    description="Entrepreneurs' business country (mentors' own country in member counts), "
                "ISO 3166-1 alpha-2", examples=[Example(value="KE")])]
Industry = Annotated[str | None, QueryParameter(
    description="Entrepreneurs' industry, an ISIC Rev.4 section A-U (mentors: an industry "
                "they know)", examples=[Example(value="C")])]
ProgrammeSlug = Annotated[str | None, QueryParameter(
    name="programme", description="One of the tenant's programmes (GET /programme/settings)",
    examples=[Example(value="women-in-business-2026")])]
Employer = Annotated[str | None, QueryParameter(
    description="The mentor's employer, as written in mentor profiles", max_length=EMPLOYER_MAX,
    examples=[Example(value="Acme Bank")])]
FromMonth = Annotated[str | None, QueryParameter(
    name="from", description="First month, YYYY-MM (UTC), inclusive",
    examples=[Example(value="2031-01")])]
ToMonth = Annotated[str | None, QueryParameter(
    name="to", description="Last month, YYYY-MM (UTC), inclusive",
    examples=[Example(value="2031-12")])]
MonthsAfter = Annotated[int | None, QueryParameter(
    name="monthsAfter", description="Survey outcomes of this follow-up only (months after)",
    examples=[Example(value=6)])]


class DashboardController(Controller):
    path = "/api/v1"
    tags = ["dashboards"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "dashboards": read_model(DASHBOARDS), "programme_service": application(Programme),
    }

    @get("/dashboard", opt=_READERS, sync_to_thread=True,
         summary="The impact dashboard, narrowed by the filters given",
         description=_DESCRIPTION, responses=_REFUSALS)
    def dashboard(
        self, dashboards: NamedDependency[ReadModel[Any]],
        programme_service: NamedDependency[Programme], country: Country = None,
        industry: Industry = None, programme_slug: ProgrammeSlug = None,
        employer: Employer = None, from_month: FromMonth = None, to_month: ToMonth = None,
        months_after: MonthsAfter = None,
    ) -> Dashboard:
        return _read(dashboards, programme_service, country, industry, programme_slug, employer,
                     from_month, to_month, months_after)

    @get("/dashboard.csv", opt=_READERS, sync_to_thread=True,
         summary="The impact dashboard as CSV: one row per figure per month, with n and position",
         description=_DESCRIPTION, responses={
             200: ResponseSpec(str, media_type="text/csv",
                               description="section,figure,group,month,value,n,position"),
             **_REFUSALS,
         })
    def dashboard_csv(
        self, dashboards: NamedDependency[ReadModel[Any]],
        programme_service: NamedDependency[Programme], tenant: NamedDependency[TenantRecord],
        country: Country = None, industry: Industry = None, programme_slug: ProgrammeSlug = None,
        employer: Employer = None, from_month: FromMonth = None, to_month: ToMonth = None,
        months_after: MonthsAfter = None,
    ) -> Response[str]:
        answer = _read(dashboards, programme_service, country, industry, programme_slug, employer,
                       from_month, to_month, months_after)
        filename = f"dashboard-{tenant.slug}-{answer.position}.csv"
        return Response(
            dashboard_csv(answer), media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _read(
    dashboards: ReadModel[Any], programme: Programme, country: str | None,
    industry: str | None, programme_slug: str | None, employer: str | None,
    from_month: str | None, to_month: str | None, months_after: int | None,
) -> Dashboard:
    settings = programme.get_settings()
    filters = Filters.checked(
        programmes=settings.programmes, country=country, industry=industry,
        programme=programme_slug, employer=employer, from_month=from_month, to_month=to_month,
        months_after=months_after,
    )
    return read_dashboard(dashboards, filters, corporate=settings.corporate)


ROUTES: list[Any] = [DashboardController]
