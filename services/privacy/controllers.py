"""HTTP entry points of privacy: erasure (by the member, or by a tenant admin on request), the
erasure certificates, and a member's data download.

A certificate is fetched by its id without signing in (`GET /api/v1/erasures/{certificateId}`):
its member no longer has an account, the id is random (122 bits), and the document holds no
personal data. Tenant admins and auditors list every certificate; auditors cannot erase.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from infra.container import Ithaca
from infra.erasure import certificate_of, erase_member
from infra.web.tenant_api import ANY_MEMBER, PUBLIC, SESSION_COOKIE, application, refusals, roles
from services.accounts.application import Accounts, Caller
from services.accounts.cookies import expired_session_cookie
from services.accounts.domain import Role
from services.actor import Actor
from services.member_data import MemberDataReader
from services.privacy.application import Privacy
from services.privacy.domain import ErasureGround, RequestedBy
from services.privacy.download import member_data
from services.privacy.schemas import EraseMember, EraseMyAccount, ErasureCertificate, ErasureList
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "PrivacyController"]


class PrivacyController(Controller):
    path = "/api/v1"
    tags = ["privacy"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "privacy": application(Privacy), "accounts": application(Accounts),
        "personal_data": application(MemberDataReader),
    }

    @post("/me/erasure", opt=roles(ANY_MEMBER), sync_to_thread=True, status_code=201,
          summary="Erase my account: personal data destroyed, a signed certificate answered",
          responses=refusals(400, 401, 403, 409))
    def erase_my_account(
        self, request: Request[Any, Any, Any], data: JSONBody[EraseMyAccount],
        ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        accounts: NamedDependency[Accounts], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Response[ErasureCertificate]:
        accounts.confirm_password(caller.member_id, data.password, actor)
        certificate = erase_member(
            ithaca, tenant, caller.member_id, requested_by=RequestedBy.MEMBER,
            ground=ErasureGround.MEMBER_REQUEST, actor=actor,
        )
        response = Response(certificate, status_code=201)
        if SESSION_COOKIE in request.cookies:
            response.set_cookie(expired_session_cookie())
        return response

    @post("/members/{member_id:uuid}/erasure", opt=roles(Role.TENANT_ADMIN),
          sync_to_thread=True, status_code=201,
          summary="Erase a member on their request (tenant admins); answers the certificate",
          responses=refusals(400, 401, 403, 404, 409))
    def erase_a_member(
        self, member_id: FromPath[UUID], data: JSONBody[EraseMember],
        ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        actor: NamedDependency[Actor],
    ) -> ErasureCertificate:
        return erase_member(ithaca, tenant, member_id, requested_by=RequestedBy.TENANT_ADMIN,
                            ground=data.ground, actor=actor)

    @get("/erasures/{certificate_id:uuid}", opt=PUBLIC, sync_to_thread=True,
         summary="An erasure certificate, by its id (no sign-in: the member has no account)",
         responses=refusals(404))
    def certificate(
        self, certificate_id: FromPath[UUID], ithaca: NamedDependency[Ithaca],
        tenant: NamedDependency[TenantRecord], privacy: NamedDependency[Privacy],
    ) -> ErasureCertificate:
        return certificate_of(tenant, privacy.certificate(certificate_id),
                              ithaca.signing_keys.for_tenant(tenant.id))

    @get("/erasures", opt=roles(Role.TENANT_ADMIN), sync_to_thread=True,
         summary="Every erasure certificate of the tenant (tenant admins, auditors)",
         responses=refusals(401, 403))
    def certificates(
        self, ithaca: NamedDependency[Ithaca], tenant: NamedDependency[TenantRecord],
        privacy: NamedDependency[Privacy],
    ) -> ErasureList:
        key = ithaca.signing_keys.for_tenant(tenant.id)
        return ErasureList(certificates=[
            certificate_of(tenant, certified, key) for certified in privacy.erasures()
        ])

    @get("/me/data", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="Download everything Ithaca holds about me (JSON)",
         responses={200: ResponseSpec(dict[str, Any], generate_examples=False, description=(
             "One JSON object: my account, profiles, mentoring, meetings, messages and "
             "reports, as a file to keep")), **refusals(401)})
    def my_data(
        self, tenant: NamedDependency[TenantRecord], caller: NamedDependency[Caller],
        personal_data: NamedDependency[MemberDataReader], ithaca: NamedDependency[Ithaca],
    ) -> Response[bytes]:
        now = personal_data.clock()
        sections = [section for feature in ithaca.features for section in feature.member_data]
        document = member_data(personal_data, caller.member_id, now, sections)
        filename = f"{tenant.slug}-my-data-{now:%Y%m%d}.json"
        return Response(
            msgspec.json.format(msgspec.json.encode(document)), media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{filename}"',
                     "Cache-Control": "no-store"},
        )


ROUTES: list[Any] = [PrivacyController]
