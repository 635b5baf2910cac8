"""HTTP entry points of moderation: reports, the review queue, decisions, suspension and
reinstatement."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody

from infra.web.tenant_api import ANY_MEMBER, application, refusals, roles
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.mentoring.application import Mentoring
from services.moderation.application import Moderation
from services.moderation.domain import Decision
from services.moderation.schemas import (
    Decide,
    Decided,
    FileReport,
    Queue,
    QueueEntry,
    Reinstate,
    ReportFiled,
    ReportView,
    Suspend,
    Warnings,
    WarningView,
)
from services.schemas import Written

__all__ = ["ROUTES", "ModerationController"]


def _decision_route(decision: Decision, summary: str) -> HTTPRouteHandler:
    """A programme admin's decision on a report, at `/reports/{id}/<decision>`."""

    def decide(
        self: Controller, report_id: FromPath[UUID], data: JSONBody[Decide],
        moderation: NamedDependency[Moderation], mentoring: NamedDependency[Mentoring],
        actor: NamedDependency[Actor],
    ) -> Decided:
        report, position = moderation.decide(
            report_id, decision, data.note, actor, open_requests=mentoring)
        return Decided(report_id=report.id, status=report.status, position=position)

    # As if written in the controller's body: the OpenAPI operationId is made from the name,
    # and Litestar orders a controller's routes by the qualified name.
    decide.__name__, decide.__qualname__ = decision.value, f"ModerationController.{decision}"
    return post(f"/reports/{{report_id:uuid}}/{decision.value}", opt=roles(Role.PROGRAMME_ADMIN),
                sync_to_thread=True, status_code=200, summary=summary,
                responses=refusals(400, 401, 403, 404, 409))(decide)


class ModerationController(Controller):
    path = "/api/v1"
    tags = ["moderation"]  # noqa: RUF012 - Litestar's declared class attribute
    dependencies = {  # noqa: RUF012
        "moderation": application(Moderation), "mentoring": application(Mentoring),
    }

    @post("/reports", opt=roles(ANY_MEMBER), sync_to_thread=True,
          summary="Report a member, or one of their messages, to the programme's admins",
          responses=refusals(400, 401, 403, 404, 422))
    def file_report(
        self, data: JSONBody[FileReport], moderation: NamedDependency[Moderation],
        mentoring: NamedDependency[Mentoring], caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> ReportFiled:
        report, position = moderation.file_report(
            reporter=caller, member_id=data.member_id, reason=data.reason, details=data.details,
            relationship_id=data.relationship_id, message_number=data.message_number,
            actor=actor, conversations=mentoring,
        )
        return ReportFiled(report_id=report.id, position=position)

    @get("/moderation/queue", opt=roles(Role.PROGRAMME_ADMIN), sync_to_thread=True,
         summary="Open reports, oldest first", responses=refusals(401, 403))
    def queue(self, moderation: NamedDependency[Moderation]) -> Queue:
        return Queue(reports=[QueueEntry.of(report) for report in moderation.open_reports()])

    @get("/reports/{report_id:uuid}", opt=roles(Role.PROGRAMME_ADMIN), sync_to_thread=True,
         summary="A report, with its details and decision", responses=refusals(401, 403, 404))
    def get_report(
        self, report_id: FromPath[UUID], moderation: NamedDependency[Moderation]
    ) -> ReportView:
        return ReportView.of(moderation.get_report(report_id))

    dismiss = _decision_route(
        Decision.DISMISS, "Dismiss a report: nothing happens to the member")
    warn = _decision_route(
        Decision.WARN, "Warn the reported member; they read the note among their warnings")
    suspend = _decision_route(
        Decision.SUSPEND,
        "Suspend the reported member: signed out at once, open requests withdrawn")

    @post("/members/{member_id:uuid}/suspend", opt=roles(Role.PROGRAMME_ADMIN),
          sync_to_thread=True, status_code=200,
          summary="Suspend a member without a report (the admin's own finding)",
          description="Signed out at once; their open requests are withdrawn. The reason is "
                      "recorded for auditors.",
          responses=refusals(400, 401, 403, 404, 409))
    def suspend_member(
        self, member_id: FromPath[UUID], data: JSONBody[Suspend],
        moderation: NamedDependency[Moderation], mentoring: NamedDependency[Mentoring],
        actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=moderation.suspend_member(
            member_id, data.reason, actor, open_requests=mentoring))

    @post("/members/{member_id:uuid}/reinstate", opt=roles(Role.PROGRAMME_ADMIN),
          sync_to_thread=True, status_code=200, summary="Lift a member's suspension",
          responses=refusals(400, 401, 403, 404, 409))
    def reinstate(
        self, member_id: FromPath[UUID], data: JSONBody[Reinstate],
        moderation: NamedDependency[Moderation], actor: NamedDependency[Actor],
    ) -> Written:
        return Written(position=moderation.reinstate(member_id, data.reason, actor))

    @get("/me/warnings", opt=roles(ANY_MEMBER), sync_to_thread=True,
         summary="The warnings moderation has given me", responses=refusals(401))
    def my_warnings(
        self, moderation: NamedDependency[Moderation], caller: NamedDependency[Caller]
    ) -> Warnings:
        return Warnings(warnings=[
            WarningView.of(warning) for warning in moderation.warnings_of(caller.member_id)
        ])


ROUTES: list[Any] = [ModerationController]
