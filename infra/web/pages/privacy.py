"""Pages: my data (`/my-data`): download everything Ithaca holds about me, read the warnings
moderators gave me, or erase my account.

The warnings are `Moderation.warnings_of` (as `GET /api/v1/me/warnings` answers them): the
report's category, the moderators' note and the day, never who reported; the warning's mail
links here. The download is the JSON API's own (`GET /api/v1/me/data`, which the session cookie
opens). The erase form asks for the password and a ticked confirmation; the erasure is the
API's procedure (`infra.erasure`), after which the page shows the certificate, with a link to
keep it (`GET /api/v1/erasures/{id}`, which needs no sign-in), and the session cookie is
expired.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.container import Ithaca
from infra.erasure import erase_member
from infra.web.pages.forms import FormBody, keep, refusals, submitted
from infra.web.pages.rendering import page_context, render
from infra.web.tenant_api import ANY_MEMBER, application, roles
from services.accounts.application import Accounts, Caller
from services.accounts.cookies import expired_session_cookie
from services.actor import Actor
from services.errors import InvalidInputError
from services.moderation.application import Moderation
from services.moderation.notifications import REPORT_REASONS
from services.privacy.domain import ErasureGround, RequestedBy
from tenants.directory import TenantRecord

__all__ = ["PAGES"]


_SERVICES = {"accounts": application(Accounts), "moderation": application(Moderation)}


def _warnings(moderation: Moderation, caller: Caller) -> list[dict[str, Any]]:
    return [
        {"warned_at": warning.warned_at, "reason": REPORT_REASONS[warning.reason],
         "note": warning.note}
        for warning in moderation.warnings_of(caller.member_id)
    ]


@get("/my-data", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=_SERVICES)
def my_data(
    request: Request[Any, Any, Any], moderation: NamedDependency[Moderation],
    caller: NamedDependency[Caller],
) -> Template:
    return render(request, "privacy/my_data.html", values={}, errors={},
                  warnings=_warnings(moderation, caller))


@post("/my-data/erase", opt=roles(ANY_MEMBER), sync_to_thread=True, dependencies=_SERVICES)
def erase_my_account(
    request: Request[Any, Any, Any], data: FormBody, ithaca: NamedDependency[Ithaca],
    tenant: NamedDependency[TenantRecord], accounts: NamedDependency[Accounts],
    moderation: NamedDependency[Moderation], caller: NamedDependency[Caller],
    actor: NamedDependency[Actor],
) -> Response[Any] | Template:
    values = submitted(data)
    with refusals(request) as refused:
        if values.get("confirm") != "yes":
            raise InvalidInputError("tick the box to confirm", field="confirm")
        accounts.confirm_password(caller.member_id, str(values.get("password", "")), actor)
        certificate = erase_member(
            ithaca, tenant, caller.member_id, requested_by=RequestedBy.MEMBER,
            ground=ErasureGround.MEMBER_REQUEST, actor=actor)
    if refused:
        return render(request, "privacy/my_data.html", values=keep(values),
                      errors=refused.beside(("password", "confirm")),
                      warnings=_warnings(moderation, caller), status_code=refused.status_code)
    page = page_context(request)
    response = render(
        request, "privacy/erased.html", certificate=certificate,
        certificate_json=msgspec.json.format(msgspec.json.encode(certificate)).decode(),
        certificate_url=page.url(f"/api/v1/erasures/{certificate.certificate_id}"),
    )
    response.set_cookie(expired_session_cookie())
    return response


PAGES: list[ControllerRouterHandler] = [my_data, erase_my_account]
