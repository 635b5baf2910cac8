"""The tenant admin's self-assessment questionnaire (`/settings/questionnaire`): the version
entrepreneurs answer now, and a form that publishes the next one, as
`PUT /api/v1/questionnaire` does (`Programme.publish_questionnaire`). Answers already given keep
the version they answered.

The form has a row per area (the current ones, then empty rows up to the most a questionnaire
may have): an expertise area and its question in each interface language, English required.
Rows left empty are not asked; fields are named as the API's body (`areas[0].question.es`), so
a refusal goes beside the row's field it names.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import FormBody, error_of, keep, submitted
from infra.web.pages.rendering import FormErrors, page_context, render
from infra.web.tenant_api import application, roles
from services import taxonomy
from services.accounts.domain import Role
from services.actor import Actor
from services.errors import IthacaError
from services.programme.application import QUESTIONNAIRE_AREAS, Programme
from services.programme.schemas import QuestionnaireBody
from tenants.domain import INTERFACE_LOCALES

__all__ = ["PAGES"]

ADMIN = roles(Role.TENANT_ADMIN)
PROGRAMME = {"programme": application(Programme)}
PATH = "/settings/questionnaire"
_ROW_FIELD = re.compile(r"^areas\[(\d+)\](.*)$")
_AT = re.compile(r"at `\$\.([A-Za-z0-9_.\[\]]+)`")


def _values(programme: Programme) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, area in enumerate(programme.get_questionnaire().areas):
        values[f"areas[{index}].area"] = area.area
        for locale, text in area.question.items():
            values[f"areas[{index}].question.{locale}"] = text
    return values


def _page(request: Request[Any, Any, Any], programme: Programme, values: dict[str, Any],
          errors: FormErrors, *, saved: bool = False, status_code: int = 200) -> Template:
    locale = page_context(request).locale
    current = programme.get_questionnaire()
    return render(
        request, "tenant_admin/questionnaire.html", current=current, values=values,
        errors=errors, saved=saved, rows=range(_row_count(values)),
        locales=INTERFACE_LOCALES, status_code=status_code,
        areas=[(term.code, term.name) for term in taxonomy.expertise_areas(locale)],
        area_name=lambda code: taxonomy.expertise_name(code, locale), locale=locale)


def _row_count(values: dict[str, Any]) -> int:
    """The filled rows and two empty ones, up to the most a questionnaire may have."""
    used = [int(found[1]) for name in values if (found := _ROW_FIELD.match(name))]
    return min(QUESTIONNAIRE_AREAS[1], max(used, default=-1) + 3)


@get(PATH, opt=ADMIN, sync_to_thread=True, dependencies=PROGRAMME)
def questionnaire_form(
    request: Request[Any, Any, Any], programme: NamedDependency[Programme],
    saved: FromQuery[bool] = False,
) -> Template:
    return _page(request, programme, _values(programme), {}, saved=saved)


def _rows(values: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The API's body from the filled rows, and which form row each area came from."""
    body: list[dict[str, Any]] = []
    rows: list[int] = []
    for row in range(QUESTIONNAIRE_AREAS[1]):
        area = str(values.get(f"areas[{row}].area", "")).strip()
        question = {locale: text for locale in INTERFACE_LOCALES
                    if (text := str(values.get(f"areas[{row}].question.{locale}", "")).strip())}
        if area or question:
            body.append({"area": area, "question": question})
            rows.append(row)
    return {"areas": body, "reason": str(values.get("reason", ""))}, rows


def _beside(errors: FormErrors, rows: list[int]) -> FormErrors:
    """The API's field (`areas[1].question`) as the form's (`areas[4].question.en`)."""
    placed: FormErrors = {}
    for given, problem in errors.items():
        found = _ROW_FIELD.match(given)
        place = "reason" if given == "reason" else "form"
        if found and int(found[1]) < len(rows):
            rest = ".question.en" if found[2] == ".question" else (found[2] or ".area")
            place = f"areas[{rows[int(found[1])]}]{rest}"
        placed.setdefault(place, problem)
    return placed


@post(PATH, opt=ADMIN, sync_to_thread=True, dependencies=PROGRAMME)
def publish(
    request: Request[Any, Any, Any], data: FormBody, programme: NamedDependency[Programme],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    body, rows = _rows(values)
    try:
        form = msgspec.convert(body, QuestionnaireBody)
        programme.publish_questionnaire(form.to_domain(), actor, form.reason)
    except msgspec.ValidationError as invalid:
        found = _AT.search(str(invalid))
        field = found[1] if found else "form"
        gettext = page_context(request).gettext
        problem = (gettext("Give the question in English at least.")
                   if field.endswith(".question") else gettext("This value is not valid."))
        return _page(request, programme, keep(values), _beside({field: problem}, rows),
                     status_code=400)
    except IthacaError as refused:
        return _page(request, programme, keep(values),
                     _beside(error_of(request, refused), rows), status_code=refused.status_code)
    return Redirect(page_context(request).url(f"{PATH}?saved=true"))


PAGES: list[ControllerRouterHandler] = [questionnaire_form, publish]
