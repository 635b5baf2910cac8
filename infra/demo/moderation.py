"""The demo's moderation: members report others to the programme's admins, who decide; a mentor
who asks his mentee for money is reported from inside their conversation."""

from __future__ import annotations

from datetime import datetime, timedelta

from infra.demo.data import Misconduct, Report, Side
from infra.demo.stage import Stage

__all__ = ["plan_misconduct", "plan_report"]


def plan_report(stage: Stage, report: Report) -> None:
    label = f"report:{report.by}:{report.about}"

    def files() -> None:
        stage.ids[label] = stage.moderation.file_report(
            reporter=stage.caller(report.by), member_id=stage.ids[report.about],
            reason=report.reason, details=report.details, relationship_id=None,
            message_number=None, actor=stage.actor(report.by), conversations=stage.mentoring,
        )[0].id

    stage.at(stage.day(report.day, report.hour), files)
    decided = report.decided
    if decided is None:
        return

    def decides() -> None:
        stage.moderation.decide(
            stage.ids[label], decided.decision, decided.note, stage.actor(decided.by),
            open_requests=stage.mentoring,
        )

    stage.at(stage.day(decided.day, decided.hour), decides)


def plan_misconduct(
    stage: Stage, label: str, keys: dict[Side, str], accepted: datetime, misconduct: Misconduct,
) -> None:
    """The mentor's messages (and the mentee's), then the mentee's report of one of them."""
    for message in misconduct.messages:
        stage.say(accepted + timedelta(hours=message.hours_after_acceptance), label,
                  keys[message.by], message.text)
    report = misconduct.report
    mentee, mentor = keys["mentee"], keys["mentor"]

    def reports() -> None:
        stage.moderation.file_report(
            reporter=stage.caller(mentee), member_id=stage.ids[mentor], reason=report.reason,
            details=report.details, relationship_id=stage.ids[label],
            message_number=report.message_number, actor=stage.actor(mentee),
            conversations=stage.mentoring,
        )

    stage.at(accepted + timedelta(hours=report.hours_after_acceptance), reports)
