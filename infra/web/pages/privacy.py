"""Pages: my data (`/my-data`): download everything Ithaca holds about me, or erase my account.

The download is the JSON API's own (`GET /api/v1/me/data`, which the session cookie opens). The
erase form asks for the password and a ticked confirmation; the erasure is the API's procedure
(`services.privacy.erasure`), after which the page shows the certificate, with a link to keep it
(`GET /api/v1/erasures/{id}`, which needs no sign-in), and the session cookie is expired.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from infra.web.pages.forms import keep, refusals, submitted
from infra.web.pages.handlers import in_thread, ithaca_of, service, signed_in
from infra.web.pages.rendering import page_context, render
from infra.web.tenant_api import ANY_MEMBER, provide_actor, roles
from services.accounts.application import Accounts
from services.accounts.cookies import expired_session_cookie
from services.errors import InvalidInputError
from services.privacy.domain import ErasureGround, RequestedBy
from services.privacy.erasure import erase_member

__all__ = ["PAGES"]


@get("/my-data", opt=roles(ANY_MEMBER), sync_to_thread=False)
def my_data(request: Request[Any, Any, Any]) -> Template:
    return render(request, "privacy/my_data.html", values={}, errors={})


@post("/my-data/erase", opt=roles(ANY_MEMBER))
async def erase_my_account(request: Request[Any, Any, Any]) -> Response[Any] | Template:
    values = await submitted(request)
    caller, actor = signed_in(request), provide_actor(request)
    tenant = request.state.tenant
    with refusals(request) as refused:
        if values.get("confirm") != "yes":
            raise InvalidInputError("tick the box to confirm", field="confirm")
        accounts = service(request, Accounts)
        password = str(values.get("password", ""))
        await in_thread(lambda: accounts.confirm_password(caller.member_id, password, actor))
        certificate = await in_thread(lambda: erase_member(
            ithaca_of(request), tenant, caller.member_id, requested_by=RequestedBy.MEMBER,
            ground=ErasureGround.MEMBER_REQUEST, actor=actor))
    if refused:
        return render(request, "privacy/my_data.html", values=keep(values),
                      errors=refused.beside(("password", "confirm")),
                      status_code=refused.status_code)
    page = page_context(request)
    response = render(
        request, "privacy/erased.html", certificate=certificate,
        certificate_json=msgspec.json.format(msgspec.json.encode(certificate)).decode(),
        certificate_url=page.url(f"/api/v1/erasures/{certificate.certificate_id}"),
    )
    response.set_cookie(expired_session_cookie())
    return response


PAGES: list[ControllerRouterHandler] = [my_data, erase_my_account]
