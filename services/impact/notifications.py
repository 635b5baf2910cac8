"""Impact survey mail: a follow-up survey falls due, is reminded a week later, and is nudged
three weeks after that, each only while it is still unanswered.

    Caseload.StatusNoted (the mentee's relationship became active) -> schedule_follow_ups
    ImpactSurveys.BaselineAnswered                                  -> schedule_follow_ups
    ImpactSurveys.FollowUpScheduled -> survey_due (on its day), survey_reminder (a week on),
                                       survey_overdue (a nudge, four weeks on)

Deriving is pure, but when a follow-up falls due depends on the tenant's schedule (programme
settings): so the start of a schedule (a relationship becoming active, or the baseline of an
entrepreneur not yet mentored) asks for an action, `schedule_follow_ups`, which reads the
schedule and records each follow-up's due day (`ImpactSurveys.FollowUpScheduled`, once each
however often it runs); the mail is derived from those. Carrying a mail out asks
`due_surveys`, as the survey page does, whether that follow-up is still due and unanswered:
answered, dropped from the schedule, or superseded (a baseline-counted follow-up once the
entrepreneur is mentored) it is not sent.

The baseline itself is part of onboarding (its page leads there) and is not mailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent, format_moment
from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.accounts.domain import Member
from services.actor import Actor
from services.impact.application import Impact
from services.impact.domain import Activation, ImpactSurveys, due_surveys
from services.mentoring.application import Mentoring
from services.mentoring.domain import Caseload, Relationship
from services.mentoring.values import RelationshipStatus, Side
from services.notifications.values import Category
from services.nudge_settings.application import nudge_setting_in
from services.nudge_settings.values import NudgeSetting
from services.profiles.application import Profiles
from services.programme.application import settings_in

__all__ = [
    "SCHEDULE",
    "SURVEY_DUE",
    "SURVEY_MAIL",
    "SURVEY_OVERDUE",
    "SURVEY_REMINDER",
    "SurveyMail",
]

SCHEDULE = "schedule_follow_ups"
SURVEY_DUE, SURVEY_REMINDER, SURVEY_OVERDUE = "survey_due", "survey_reminder", "survey_overdue"
AFTER_DUE = {
    SURVEY_DUE: timedelta(0), SURVEY_REMINDER: timedelta(days=7),
    SURVEY_OVERDUE: timedelta(days=28),
}
SCHEDULER_ACTOR = Actor(kind="system", id="impact-schedule")
FOLLOW_UP_PATH = "/surveys/follow-up"

_GREETING = NC_("mail", "Hello %(name)s,")
_TEXTS: dict[str, dict[str, str]] = {
    SURVEY_DUE: {
        "subject": NC_("mail", "Your %(months)s-month follow-up survey is due"),
        "body": NC_("mail", "It is %(months)s months since your mentoring started: please tell "
                            "%(product)s how your business is doing. The survey takes about "
                            "five minutes."),
        "why": NC_("mail", "You get this message because your %(months)s-month follow-up "
                           "survey fell due on %(due)s."),
    },
    SURVEY_REMINDER: {
        "subject": NC_("mail", "Reminder: your %(months)s-month follow-up survey"),
        "body": NC_("mail", "Your %(months)s-month follow-up survey has been waiting for a week. "
                            "Your answers show the programme what mentoring changes for "
                            "businesses like yours."),
        "why": NC_("mail", "You get this reminder because the survey, due on %(due)s, is not "
                           "answered yet."),
    },
    SURVEY_OVERDUE: {
        "subject": NC_("mail", "Your %(months)s-month follow-up survey is still open"),
        "body": NC_("mail", "Your %(months)s-month follow-up survey has been open for four "
                            "weeks. Five minutes of your answers help %(product)s improve "
                            "mentoring for the entrepreneurs who come after you."),
        "why": NC_("mail", "You get this tip because your follow-up survey, due on %(due)s, is "
                           "four weeks overdue. You can turn tips off in your notification "
                           "settings."),
    },
}
_ACTION = NC_("mail", "Answer the survey")


class SurveyMail:
    """The notification source of impact (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (
        get_topic(Caseload.StatusNoted), get_topic(ImpactSurveys.BaselineAnswered),
        get_topic(ImpactSurveys.FollowUpScheduled),
    )
    kinds: Mapping[str, Category | None] = {
        SCHEDULE: None, SURVEY_DUE: Category.SURVEYS, SURVEY_REMINDER: Category.SURVEYS,
        SURVEY_OVERDUE: Category.TIPS,
    }
    texts: Mapping[str, Mapping[str, str]] = {
        kind: {"greeting": _GREETING, **words, "action": _ACTION} for kind, words in _TEXTS.items()}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, ImpactSurveys.FollowUpScheduled):
            payload = {"monthsAfter": str(event.months_after),
                       "relationshipId": str(event.relationship_id or ""),
                       "dueAt": event.due_at.isoformat()}
            return [
                DueWork(notification_id=notification_id, kind=kind,
                        member_id=event.entrepreneur_id, due_at=due_at, payload=payload)
                for kind, due_at in _still_ahead(event.due_at, event.timestamp).items()
            ]
        if isinstance(event, ImpactSurveys.BaselineAnswered):
            return [DueWork(notification_id=notification_id, kind=SCHEDULE,
                            member_id=event.entrepreneur_id,
                            payload={"relationshipId": "", "since": event.answered_at.isoformat()})]
        if (
            isinstance(event, Caseload.StatusNoted) and event.member_id is not None
            and event.side is Side.MENTEE and event.status is RelationshipStatus.ACTIVE
            and event.previous is RelationshipStatus.ACCEPTED  # started, not resumed
        ):
            return [DueWork(notification_id=notification_id, kind=SCHEDULE,
                            member_id=event.member_id,
                            payload={"relationshipId": str(event.relationship_id),
                                     "since": event.at.isoformat()})]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        impact = context.application(Impact)
        relationship_id = _relationship_id(work)
        if work.kind == SCHEDULE:
            impact.schedule_follow_ups(
                work.member_id, relationship_id, datetime.fromisoformat(work.payload["since"]),
                SCHEDULER_ACTOR,
            )
            return None
        member = context.member(work.member_id)
        months = int(work.payload["monthsAfter"])
        if member is None or not _still_due(member.id, relationship_id, months, context):
            return None
        nudge = nudge_setting_in(impact, work.kind) if work.kind == SURVEY_OVERDUE else None
        if nudge is not None and not nudge.on:  # the tenant switched this nudge off
            return None
        return _told(work, member, months, context, nudge)


def _still_ahead(due_at: datetime, scheduled_at: datetime) -> dict[str, datetime]:
    """When each mail about a follow-up falls due. A follow-up scheduled after its day had
    passed (scheduling an old baseline's follow-ups after an upgrade) gets only the latest mail
    whose time has come and those still ahead, not the due notice and its reminder at once."""
    times = {kind: due_at + after for kind, after in AFTER_DUE.items()}
    come = [kind for kind, at in times.items() if at <= scheduled_at]
    return {kind: at for kind, at in times.items() if at > scheduled_at or come[-1:] == [kind]}


def _relationship_id(work: ClaimedWork) -> UUID | None:
    text = work.payload.get("relationshipId", "")
    return UUID(text) if text else None


def _still_due(
    entrepreneur_id: UUID, relationship_id: UUID | None, months: int, context: WorkContext
) -> bool:
    """Whether the survey page would ask for this follow-up now (see `due_surveys`)."""
    impact, mentoring = context.application(Impact), context.application(Mentoring)
    activations = []
    for entry in mentoring.relationships_of(entrepreneur_id):
        relationship = mentoring.find(entry.relationship_id, Relationship)
        if (relationship is not None and relationship.mentee_id == entrepreneur_id
                and relationship.activated_at is not None):
            activations.append(Activation(relationship.id, relationship.activated_at))
    due = due_surveys(impact.surveys_of(entrepreneur_id), activations,
                      settings_in(impact).follow_up_months, context.now)
    return any(survey.relationship_id == relationship_id and survey.months_after == months
               for survey in due)


def _zone_of(entrepreneur_id: UUID, context: WorkContext) -> str:
    profile = context.application(Profiles).find_entrepreneur_profile(entrepreneur_id)
    return profile.time_zone if profile is not None and profile.time_zone else (
        context.tenant.time_zone)


def _told(
    work: ClaimedWork, member: Member, months: int, context: WorkContext,
    nudge: NudgeSetting | None = None,
) -> Notification:
    """`nudge`: the tenant's setting of a nudge, whose own words replace the built-in ones."""
    locale = interface_locale(member.locale)
    words = {part: translated(locale, "mail", text) for part, text in _TEXTS[work.kind].items()}
    due_at = datetime.fromisoformat(work.payload["dueAt"])
    values = {
        "name": member.name, "months": str(months),
        "product": context.tenant.branding.product_name,
        "due": format_moment(due_at, locale, _zone_of(member.id, context)),
    }
    filled = {part: words[part] % values for part in ("subject", "body")}
    if nudge is not None:
        filled = nudge.reworded(locale, filled, values)
    query = f"?months={months}"
    if work.payload.get("relationshipId"):
        query += f"&relationship={work.payload['relationshipId']}"
    return Notification(content=MailContent(
        locale=locale,
        subject=filled["subject"],
        greeting=translated(locale, "mail", _GREETING) % values,
        paragraphs=(filled["body"],),
        action_label=translated(locale, "mail", _ACTION),
        action_url=context.link(FOLLOW_UP_PATH + query),
        small_print=(words["why"] % values,),
    ))


SURVEY_MAIL = SurveyMail()
