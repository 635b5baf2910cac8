"""HTTP entry points of profiles (and, through `ROUTES`, of the programme).

Each member reads and writes their own profiles at `/me`; others see a mentor's profile
(any member) or an entrepreneur's (mentors and programme staff) by member id.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from infra.web.tenant_api import ANY_MEMBER, PUBLIC, application, refusals, roles
from services import taxonomy
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.profiles.application import Profiles
from services.profiles.schemas import (
    EntrepreneurProfileBody,
    EntrepreneurProfileView,
    MentorProfileBody,
    MentorProfileView,
    SelfAssessmentBody,
    SelfAssessmentSubmitted,
    SelfAssessmentsView,
    SelfAssessmentView,
    TaxonomiesView,
)
from services.programme.controllers import interface_locale
from services.schemas import Written
from tenants.directory import TenantRecord

__all__ = ["ROUTES", "ProfilesController", "TaxonomiesController"]

_STAFF = (Role.PROGRAMME_ADMIN, Role.TENANT_ADMIN, Role.AUDITOR)


class TaxonomiesController(Controller):
    path = "/api/v1"
    tags = ["profiles"]  # noqa: RUF012 - Litestar's declared class attribute

    @get("/taxonomies", opt=PUBLIC, sync_to_thread=True,
         summary="Every code a profile uses, named in ?locale= (else the tenant's default)",
         responses=refusals(422))
    def taxonomies(
        self, tenant: NamedDependency[TenantRecord], locale: FromQuery[str | None] = None
    ) -> TaxonomiesView:
        chosen = interface_locale(locale, tenant.default_locale)
        return TaxonomiesView(
            locale=chosen, stages=taxonomy.stages(chosen), industries=taxonomy.industries(chosen),
            expertise=taxonomy.expertise_areas(chosen), countries=taxonomy.countries(chosen),
            languages=taxonomy.languages(chosen), time_zones=taxonomy.time_zones(chosen),
        )


class ProfilesController(Controller):
    path = "/api/v1"
    tags = ["profiles"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {"profiles": application(Profiles)}  # noqa: RUF012

    # The entrepreneur's and the mentor's profile routes look alike by design: each kind has
    # its own body and answer types, which the OpenAPI document names.
    @put("/profiles/entrepreneur/me", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
         summary="Write my entrepreneur profile (all of it)",
         responses=refusals(400, 401, 403, 422))
    def save_entrepreneur_profile(
        self, data: JSONBody[EntrepreneurProfileBody], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=profiles.save_entrepreneur_profile(
            caller.member_id, data.to_domain(), actor
        ))

    @get("/profiles/entrepreneur/me", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
         summary="My entrepreneur profile", responses=refusals(401, 403, 404))
    def my_entrepreneur_profile(
        self, profiles: NamedDependency[Profiles], caller: NamedDependency[Caller]
    ) -> EntrepreneurProfileView:
        return EntrepreneurProfileView.of(profiles.get_entrepreneur_profile(caller.member_id))

    @put("/profiles/mentor/me", opt=roles(Role.MENTOR), sync_to_thread=True,
         summary="Write my mentor profile (all of it)", responses=refusals(400, 401, 403, 422))
    def save_mentor_profile(
        self, data: JSONBody[MentorProfileBody], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=profiles.save_mentor_profile(
            caller.member_id, data.to_domain(), actor
        ))

    @get("/profiles/mentor/me", opt=roles(Role.MENTOR), sync_to_thread=True,
         summary="My mentor profile", responses=refusals(401, 403, 404))
    def my_mentor_profile(
        self, profiles: NamedDependency[Profiles], caller: NamedDependency[Caller]
    ) -> MentorProfileView:
        profile = profiles.get_mentor_profile(caller.member_id)
        return MentorProfileView.of(profile, with_employment=True)

    @get("/mentors/{member_id:uuid}", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="A mentor's profile", responses=refusals(401, 404))
    def mentor_profile(
        self, member_id: FromPath[UUID], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller],
    ) -> MentorProfileView:
        profile = profiles.get_mentor_profile(member_id)
        with_employment = caller.member_id == member_id or caller.has(*_STAFF)
        return MentorProfileView.of(profile, with_employment=with_employment)

    @get("/entrepreneurs/{member_id:uuid}", opt=roles(Role.MENTOR, Role.PROGRAMME_ADMIN),
         sync_to_thread=True, summary="An entrepreneur's profile",
         responses=refusals(401, 403, 404))
    def entrepreneur_profile(
        self, member_id: FromPath[UUID], profiles: NamedDependency[Profiles]
    ) -> EntrepreneurProfileView:
        return EntrepreneurProfileView.of(profiles.get_entrepreneur_profile(member_id))

    @post("/self-assessments", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
          summary="Assess my business against the current questionnaire",
          responses=refusals(400, 401, 403, 409, 422))
    def submit_self_assessment(
        self, data: JSONBody[SelfAssessmentBody], profiles: NamedDependency[Profiles],
        caller: NamedDependency[Caller], actor: NamedDependency[Actor],
    ) -> SelfAssessmentSubmitted:
        submission, position = profiles.submit_self_assessment(
            caller.member_id, version=data.version, ratings=data.ratings, notes=data.notes,
            actor=actor,
        )
        return SelfAssessmentSubmitted(
            number=submission.number, need_areas=submission.need_areas, position=position
        )

    @get("/self-assessments/me", opt=roles(Role.ENTREPRENEUR), sync_to_thread=True,
         summary="All my self-assessments, oldest first", responses=refusals(401, 403))
    def my_self_assessments(
        self, profiles: NamedDependency[Profiles], caller: NamedDependency[Caller]
    ) -> SelfAssessmentsView:
        return SelfAssessmentsView(submissions=[
            SelfAssessmentView.of(s) for s in profiles.self_assessments_of(caller.member_id)
        ])


ROUTES: list[Any] = [TaxonomiesController, ProfilesController]
