"""The default nudges of this feature, as due-work sources (`infra.scheduling.work`), each a
tip (`Category.TIPS`) that says why it was sent:

    Member.SignedUp            -> profile_incomplete  3 days on, if the profile is still not
                                                      complete (`profile_complete`)
    EntrepreneurProfile.Opened -> no_request          7 days after onboarding (the profile's
                                                      first save), if the entrepreneur has
                                                      asked no mentor; with three recommended
                                                      mentors and why each
    Caseload.StatusNoted       -> no_session_14,      14 and 28 days after a relationship
      (started: active after      no_session_28       started, to each member, while it is
      accepted)                                       active and no session is logged in it
    Conversation.MessageSent   -> no_message          21 days after each message, to both
                                                      members, unless a later message came or
                                                      the relationship is no longer active
    Caseload.StatusNoted       -> no_message          21 days after a relationship started, to
      (started)                   (no_message:first)  each member, while it is active and
                                                      nobody has written in it (a message
                                                      brings the nudge above instead)

Each checks the tenant's switch (off: nothing is sent) and uses the tenant's own words for the
member's language where it set them (`services.nudges.texts`). Which mentors to recommend is
the matching read model's answer, which this side reaches through `MentorRecommender`, a port
the feature's declaration fills.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from babel.lists import format_list
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.scheduling.work import ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.accounts.domain import Member, Role
from services.meetings.application import Meetings
from services.mentoring.application import Mentoring
from services.mentoring.domain import Caseload, Conversation, Relationship
from services.mentoring.values import RelationshipStatus, Side
from services.notifications.values import Category
from services.nudge_settings.values import (
    NO_MESSAGE,
    NO_REQUEST,
    NO_SESSION_14,
    NO_SESSION_28,
    PROFILE_INCOMPLETE,
)
from services.nudges.recommendations import MentorRecommender, Recommendation
from services.nudges.texts import (
    BUILT_IN,
    GREETING,
    NOT_WRITTEN_YET,
    VARIANTS,
    nudge_told,
    switched_on,
)
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurProfile

__all__ = [
    "AFTER",
    "NoMessageNudge",
    "NoRequestNudge",
    "NoSessionNudge",
    "ProfileIncompleteNudge",
    "profile_complete",
]

AFTER: dict[str, timedelta] = {
    PROFILE_INCOMPLETE: timedelta(days=3), NO_REQUEST: timedelta(days=7),
    NO_SESSION_14: timedelta(days=14), NO_SESSION_28: timedelta(days=28),
    NO_MESSAGE: timedelta(days=21),
}
"""How long after the event each nudge falls due."""

RECOMMENDED = 3

_RECOMMENDED_LINE = NC_("mail", "%(mentor)s: %(reasons)s. Their profile: %(link)s")
_REASONS = {
    "language": NC_("mail", "speaks your language"),
    "expertise": NC_("mail", "knows the areas you want to grow in"),
    "industry": NC_("mail", "knows your industry"),
    "country": NC_("mail", "knows your country"),
    "hours": NC_("mail", "works at hours that suit yours"),
    "stage": NC_("mail", "has mentored businesses at your stage"),
    "capacity": NC_("mail", "has room for new mentees"),
    "responsiveness": NC_("mail", "answers requests quickly"),
}
_GOOD_MATCH = NC_("mail", "a good match overall")
_SOMEONE = NC_("mail", "a former member")


def _work(notification_id: int, kind: str, member_id: UUID, since: datetime,
          payload: dict[str, str] | None = None) -> DueWork:
    return DueWork(notification_id=notification_id, kind=kind, member_id=member_id,
                   due_at=since + AFTER[kind], payload=payload or {})


def _reachable(context: WorkContext, member_id: UUID) -> Member | None:
    member = context.member(member_id)
    return None if member is None or member.suspended else member


def profile_complete(member: Member, profiles: Profiles) -> bool:
    """Whether the member has taken their profile steps: a profile for each of their roles
    and, for an entrepreneur, the business self-assessment matching reads."""
    if Role.ENTREPRENEUR in member.roles and (
        profiles.find_entrepreneur_profile(member.id) is None
        or not profiles.self_assessments_of(member.id)
    ):
        return False
    return not (Role.MENTOR in member.roles and profiles.find_mentor_profile(member.id) is None)


class ProfileIncompleteNudge:
    topics: tuple[str, ...] = (get_topic(Member.SignedUp),)
    kinds: Mapping[str, Category | None] = {PROFILE_INCOMPLETE: Category.TIPS}
    texts: Mapping[str, Mapping[str, str]] = {
        kind: {"greeting": GREETING, **BUILT_IN[kind]} for kind in (PROFILE_INCOMPLETE,)}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, Member.SignedUp):
            return [_work(notification_id, PROFILE_INCOMPLETE, event.originator_id,
                          event.timestamp)]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        setting = switched_on(context, PROFILE_INCOMPLETE)
        member = _reachable(context, work.member_id)
        if (setting is None or member is None
                or not member.roles & {Role.ENTREPRENEUR, Role.MENTOR}
                or profile_complete(member, context.application(Profiles))):
            return None
        values = {"days": str(AFTER[PROFILE_INCOMPLETE].days)}
        return nudge_told(PROFILE_INCOMPLETE, setting, member, context, values,
                          context.link("/onboarding"))


class NoRequestNudge:
    topics: tuple[str, ...] = (get_topic(EntrepreneurProfile.Opened),)
    kinds: Mapping[str, Category | None] = {NO_REQUEST: Category.TIPS}
    texts: Mapping[str, Mapping[str, str]] = {
        kind: {"greeting": GREETING, **BUILT_IN[kind]} for kind in (NO_REQUEST,)}

    def __init__(self, recommender: MentorRecommender) -> None:
        self.recommender = recommender

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, EntrepreneurProfile.Opened):
            return [_work(notification_id, NO_REQUEST, event.member_id, event.timestamp)]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        setting = switched_on(context, NO_REQUEST)
        member = _reachable(context, work.member_id)
        if setting is None or member is None or Role.ENTREPRENEUR not in member.roles:
            return None
        asked = [entry for entry in context.application(Mentoring).relationships_of(member.id)
                 if entry.side is Side.MENTEE]
        if asked:
            return None
        locale = interface_locale(member.locale)
        recommended = self.recommender.recommended(
            context.ithaca, context.tenant, member.id, RECOMMENDED)
        lines = tuple(_recommended_line(each, locale, context) for each in recommended)
        return nudge_told(
            NO_REQUEST, setting, member, context, {"days": str(AFTER[NO_REQUEST].days)},
            context.link("/mentors"), more=lines,
            about=tuple(each.mentor_id for each in recommended),
        )


def _recommended_line(each: Recommendation, locale: str, context: WorkContext) -> str:
    reasons = [translated(locale, "mail", _REASONS[code]) for code in each.reasons
               if code in _REASONS] or [translated(locale, "mail", _GOOD_MATCH)]
    return translated(locale, "mail", _RECOMMENDED_LINE) % {
        "mentor": _name_of(each.mentor_id, locale, context),
        "reasons": format_list(reasons, locale=locale),
        "link": context.link(f"/mentors/{each.mentor_id}"),
    }


def _name_of(member_id: UUID, locale: str, context: WorkContext) -> str:
    other = context.member(member_id)
    return other.name if other is not None else translated(locale, "mail", _SOMEONE)


def _started(event: DomainEventProtocol[UUID]) -> tuple[UUID, UUID, datetime] | None:
    """The relationship, member and instant when the event notes that a relationship started (active
    after accepted, not resumed) in that member's caseload: each member's caseload notes it,
    so each member hears once."""
    if (isinstance(event, Caseload.StatusNoted) and event.member_id is not None
            and event.status is RelationshipStatus.ACTIVE
            and event.previous is RelationshipStatus.ACCEPTED):
        return event.relationship_id, event.member_id, event.at
    return None


def _active_relationship(
    context: WorkContext, relationship_id: UUID, member_id: UUID
) -> Relationship | None:
    relationship = context.application(Mentoring).find(relationship_id, Relationship)
    if (relationship is None or not relationship.involves(member_id)
            or relationship.status_at(context.now) is not RelationshipStatus.ACTIVE):
        return None
    return relationship


class NoSessionNudge:
    topics: tuple[str, ...] = (get_topic(Caseload.StatusNoted),)
    kinds: Mapping[str, Category | None] = {
        NO_SESSION_14: Category.TIPS, NO_SESSION_28: Category.TIPS}
    texts: Mapping[str, Mapping[str, str]] = {
        kind: {"greeting": GREETING, **BUILT_IN[kind]} for kind in (NO_SESSION_14, NO_SESSION_28)}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        started = _started(event)
        if started is None:
            return []
        relationship_id, member_id, at = started
        return [_work(notification_id, kind, member_id, at,
                      {"relationshipId": str(relationship_id)})
                for kind in (NO_SESSION_14, NO_SESSION_28)]

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        setting = switched_on(context, work.kind)
        member = _reachable(context, work.member_id)
        if setting is None or member is None:
            return None
        relationship = _active_relationship(
            context, UUID(work.payload["relationshipId"]), member.id)
        if relationship is None or any(
            meeting.session_log is not None
            for meeting in context.application(Meetings).meetings_of(relationship.id)
        ):
            return None
        locale = interface_locale(member.locale)
        other_id = relationship.counterpart_of(member.id)
        values = {"days": str(AFTER[work.kind].days),
                  "other": _name_of(other_id, locale, context)}
        return nudge_told(work.kind, setting, member, context, values,
                          context.link(f"/relationships/{relationship.id}"),
                          about=relationship.member_ids())




class NoMessageNudge:
    topics: tuple[str, ...] = (get_topic(Conversation.MessageSent),
                               get_topic(Caseload.StatusNoted))
    kinds: Mapping[str, Category | None] = {NO_MESSAGE: Category.TIPS}
    texts: Mapping[str, Mapping[str, str]] = {
        NO_MESSAGE: {"greeting": GREETING, **BUILT_IN[NO_MESSAGE]},
        NOT_WRITTEN_YET: {"greeting": GREETING, **VARIANTS[NOT_WRITTEN_YET]},
    }

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, Conversation.MessageSent) and event.recipient_id is not None:
            payload = {"conversationId": str(event.originator_id), "number": str(event.number)}
            return [_work(notification_id, NO_MESSAGE, member_id, event.sent_at, payload)
                    for member_id in (event.sender_id, event.recipient_id)]
        started = _started(event)
        if started is None:
            return []
        relationship_id, member_id, at = started
        return [_work(notification_id, NO_MESSAGE, member_id, at,
                      {"relationshipId": str(relationship_id)})]

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        setting = switched_on(context, NO_MESSAGE)
        member = _reachable(context, work.member_id)
        if setting is None or member is None:
            return None
        mentoring = context.application(Mentoring)
        if "relationshipId" in work.payload:  # since the start, nobody has written
            relationship = _active_relationship(
                context, UUID(work.payload["relationshipId"]), member.id)
            conversation = None if relationship is None else mentoring.find(
                Conversation.create_id(relationship.id), Conversation)
            written = conversation is not None and bool(conversation.messages)
            texts = VARIANTS[NOT_WRITTEN_YET]
        else:
            conversation = mentoring.find(UUID(work.payload["conversationId"]), Conversation)
            written = (conversation is None
                       or len(conversation.messages) > int(work.payload["number"]))
            relationship = None if conversation is None else _active_relationship(
                context, conversation.relationship_id, member.id)
            texts = BUILT_IN[NO_MESSAGE]
        if relationship is None or written:
            return None
        locale = interface_locale(member.locale)
        values = {"days": str(AFTER[NO_MESSAGE].days),
                  "other": _name_of(relationship.counterpart_of(member.id), locale, context)}
        return nudge_told(NO_MESSAGE, setting, member, context, values,
                          context.link(f"/relationships/{relationship.id}#conversation"),
                          texts=texts, about=relationship.member_ids())
