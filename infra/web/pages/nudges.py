"""The tenant admin's nudges page: every nudge with its switch, what followed it (sent, and
followed within a week by what it asked for) and its words per language, each nudge a form of
its own (`POST /admin/nudges/{key}`), as `PUT /api/v1/nudges/{key}` takes them. An empty
subject or body is the built-in one, shown beside the field."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.web.pages.forms import FormBody, keep, read_form, refusals, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import application, roles
from services.accounts.domain import Role
from services.actor import Actor
from services.nudge_settings.application import Nudges
from services.nudge_settings.values import WORD_LOCALES, NudgeWords
from services.nudges.overview import nudges_overview
from services.nudges.schemas import ChangeNudge
from tenants.directory import TenantRecord

__all__ = ["PAGES"]

ADMIN = roles(Role.TENANT_ADMIN)
SERVICES = {"nudges": application(Nudges)}
_PARTS = ("subject", "body")


def _page(
    request: Request[Any, Any, Any], ithaca: Ithaca, tenant: TenantRecord, nudges: Nudges, *,
    saved: str = "", failed: str = "", values: dict[str, Any] | None = None,
    errors: FormErrors | None = None, status_code: int = 200,
) -> Template:
    return render(request, "nudges/nudges.html", overview=nudges_overview(ithaca, tenant, nudges),
                  locales=WORD_LOCALES, saved=saved, failed=failed, values=values or {},
                  errors=errors or {}, status_code=status_code)


@get("/admin/nudges", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def nudges_page(
    request: Request[Any, Any, Any], ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], nudges: NamedDependency[Nudges],
    saved: FromQuery[str] = "",
) -> Template:
    return _page(request, ithaca, tenant, nudges, saved=saved)


@post("/admin/nudges/{key:str}", opt=ADMIN, sync_to_thread=True, dependencies=SERVICES)
def change_nudge(
    request: Request[Any, Any, Any], key: FromPath[str], data: FormBody,
    ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
    nudges: NamedDependency[Nudges], actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    words = {locale: NudgeWords(**{part: str(values.get(f"words.{locale}.{part}", ""))
                                   for part in _PARTS})
             for locale in WORD_LOCALES}
    with refusals(request) as refused:
        form = read_form(request, {"on": "on" in values, "reason": values.get("reason", "")},
                         ChangeNudge)
        nudges.change(key, actor, on=form.on, words=words, reason=form.reason)
    if not refused:
        return Redirect(page_context(request).url(f"/admin/nudges?saved={key}#nudge-{key}"))
    kept = {**keep(values), "on": "on" in values}
    return _page(request, ithaca, tenant, nudges, failed=key, values=kept,
                 errors=refused.errors, status_code=refused.status_code)


PAGES: list[ControllerRouterHandler] = [nudges_page, change_nudge]
