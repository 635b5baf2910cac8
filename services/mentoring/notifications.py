"""What mentoring tells its members, and the one thing it does on time: a request's expiry.

    Relationship.Requested   -> request_received    the mentor, at once
                                request_unanswered  the mentor, a tip 7 days on (if still open)
                                request_reminder    the mentor, 3 days before expiry (if open)
                                request_expiry      an action at the expiry: records
                                                    `Relationship.Expired` if still unanswered
    Caseload.StatusNoted     -> request_accepted, request_declined, request_expired
                                                    the entrepreneur
                                request_withdrawn, relationship_started, _paused, _resumed,
                                _completed, _ended  each member but the one who did it
    Conversation.MessageSent -> new_messages        the other member, 5 minutes on: one
                                                    notification per conversation and reader for
                                                    the messages still unread by then

Relationship steps are derived from the caseload's `StatusNoted`, recorded on each member's
caseload with every step, because it names that member and their side: who is told follows
from the event alone. The words never carry what members wrote (an introduction, a message, a
decline's reason or note, an end's reason): the mail says what happened and links to the page.
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
from services.mentoring.application import Mentoring
from services.mentoring.domain import Caseload, Conversation, Relationship
from services.mentoring.values import RelationshipStatus, Side
from services.notifications.values import Category
from services.nudge_settings.application import nudge_setting_in
from services.nudge_settings.values import NudgeSetting

__all__ = [
    "MENTORING_NOTIFICATIONS",
    "MESSAGES_WAIT",
    "REMINDER_BEFORE_EXPIRY",
    "UNANSWERED_NUDGE_AFTER",
    "MentoringNotifications",
]

REQUEST_RECEIVED = "request_received"
REQUEST_REMINDER = "request_reminder"
REQUEST_UNANSWERED = "request_unanswered"
REQUEST_EXPIRY = "request_expiry"
REQUEST_ACCEPTED = "request_accepted"
REQUEST_DECLINED = "request_declined"
REQUEST_WITHDRAWN = "request_withdrawn"
REQUEST_EXPIRED = "request_expired"
RELATIONSHIP_STARTED = "relationship_started"
RELATIONSHIP_PAUSED = "relationship_paused"
RELATIONSHIP_RESUMED = "relationship_resumed"
RELATIONSHIP_COMPLETED = "relationship_completed"
RELATIONSHIP_ENDED = "relationship_ended"
NEW_MESSAGES = "new_messages"

REMINDER_BEFORE_EXPIRY = timedelta(days=3)
UNANSWERED_NUDGE_AFTER = timedelta(days=7)
MESSAGES_WAIT = timedelta(minutes=5)
"""Messages are told of once they have waited this long unread; those sent meanwhile join."""

_WHILE_OPEN = frozenset({REQUEST_RECEIVED, REQUEST_REMINDER, REQUEST_UNANSWERED})
"""Kinds about a request waiting for the mentor: moot once it is answered or closed."""

_TOLD_THE_ENTREPRENEUR = {
    RelationshipStatus.ACCEPTED: REQUEST_ACCEPTED,
    RelationshipStatus.DECLINED: REQUEST_DECLINED,
    RelationshipStatus.EXPIRED: REQUEST_EXPIRED,
}
_TOLD_THE_OTHER = {
    RelationshipStatus.WITHDRAWN: REQUEST_WITHDRAWN,
    RelationshipStatus.PAUSED: RELATIONSHIP_PAUSED,
    RelationshipStatus.COMPLETED: RELATIONSHIP_COMPLETED,
    RelationshipStatus.ENDED: RELATIONSHIP_ENDED,
}
_BECAME_ACTIVE = {
    RelationshipStatus.ACCEPTED: RELATIONSHIP_STARTED,
    RelationshipStatus.PAUSED: RELATIONSHIP_RESUMED,
}

_MENTORS_REQUESTS = f"{REQUEST_WITHDRAWN}:{Side.MENTOR}"
_PAGES = {
    REQUEST_RECEIVED: "/requests", REQUEST_REMINDER: "/requests",
    REQUEST_UNANSWERED: "/requests", _MENTORS_REQUESTS: "/requests",
    REQUEST_DECLINED: "/my-requests", REQUEST_WITHDRAWN: "/my-requests",
    REQUEST_EXPIRED: "/my-requests",
}
"""The page each text links to (by its key in `_TEXTS`); the others link to the relationship."""

_GREETING = NC_("mail", "Hello %(name)s,")
_SOMEONE = NC_("mail", "a former member")
"""Who the other member is once they have been erased."""

_TEXTS: dict[str, dict[str, str]] = {
    REQUEST_RECEIVED: {
        "subject": NC_("mail", "%(other)s asks you to be their mentor"),
        "body": NC_("mail", "%(other)s has sent you a mentoring request on %(product)s. Read "
                            "their introduction, then accept or decline it."),
        "deadline": NC_("mail", "The request stays open until %(expires)s."),
        "action": NC_("mail", "See the request"),
    },
    REQUEST_REMINDER: {
        "subject": NC_("mail", "Reminder: the request from %(other)s expires soon"),
        "body": NC_("mail", "The mentoring request from %(other)s is still waiting for your "
                            "answer. It expires on %(expires)s, and then they are told that "
                            "it expired."),
        "action": NC_("mail", "Answer the request"),
    },
    REQUEST_UNANSWERED: {
        "subject": NC_("mail", "%(other)s is waiting for your answer"),
        "body": NC_("mail", "%(other)s asked you to be their mentor %(days)s days ago and has "
                            "no answer yet. Even a short no helps them find another mentor."),
        "why": NC_("mail", "You are receiving this tip because a request to you has waited "
                           "%(days)s days without an answer. You can turn tips off in your "
                           "notification settings."),
        "action": NC_("mail", "Answer the request"),
    },
    REQUEST_ACCEPTED: {
        "subject": NC_("mail", "%(other)s accepted your request"),
        "body": NC_("mail", "Good news: %(other)s accepted your mentoring request. Say hello "
                            "and agree on your first meeting."),
        "action": NC_("mail", "Open your relationship"),
    },
    REQUEST_DECLINED: {
        "subject": NC_("mail", "Your request to %(other)s was declined"),
        "body": NC_("mail", "%(other)s cannot take on your mentoring request. That is often a "
                            "matter of time, not of you: other mentors may be a good fit."),
        "action": NC_("mail", "See your requests"),
    },
    REQUEST_WITHDRAWN: {
        "subject": NC_("mail", "Your request to %(other)s was withdrawn"),
        "body": NC_("mail", "Your mentoring request to %(other)s no longer stands: it has been "
                            "withdrawn. You can ask another mentor."),
        "action": NC_("mail", "See your requests"),
    },
    _MENTORS_REQUESTS: {
        "subject": NC_("mail", "The request from %(other)s was withdrawn"),
        "body": NC_("mail", "The mentoring request from %(other)s has been withdrawn, so there "
                            "is nothing left to answer."),
        "action": NC_("mail", "See your requests"),
    },
    REQUEST_EXPIRED: {
        "subject": NC_("mail", "Your request to %(other)s has expired"),
        "body": NC_("mail", "%(other)s did not answer your mentoring request in time, so it "
                            "has expired. You can ask another mentor."),
        "action": NC_("mail", "See your requests"),
    },
    RELATIONSHIP_STARTED: {
        "subject": NC_("mail", "Your mentoring with %(other)s has started"),
        "body": NC_("mail", "Your mentoring relationship with %(other)s has started. Its page "
                            "holds your messages, meetings and session logs."),
        "action": NC_("mail", "Open your relationship"),
    },
    RELATIONSHIP_PAUSED: {
        "subject": NC_("mail", "Your mentoring with %(other)s is paused"),
        "body": NC_("mail", "Your mentoring relationship with %(other)s has been paused. "
                            "Either of you can resume it from its page."),
        "action": NC_("mail", "Open your relationship"),
    },
    RELATIONSHIP_RESUMED: {
        "subject": NC_("mail", "Your mentoring with %(other)s has resumed"),
        "body": NC_("mail", "Your mentoring relationship with %(other)s has resumed."),
        "action": NC_("mail", "Open your relationship"),
    },
    RELATIONSHIP_COMPLETED: {
        "subject": NC_("mail", "Your mentoring with %(other)s is complete"),
        "body": NC_("mail", "Your mentoring relationship with %(other)s has been marked as "
                            "completed. Thank you for the time you gave it."),
        "action": NC_("mail", "Open your relationship"),
    },
    RELATIONSHIP_ENDED: {
        "subject": NC_("mail", "Your mentoring with %(other)s has ended"),
        "body": NC_("mail", "Your mentoring relationship with %(other)s has ended. Its page "
                            "keeps your messages and meetings."),
        "action": NC_("mail", "Open your relationship"),
    },
    NEW_MESSAGES: {
        "subject": NC_("mail", "New messages from %(other)s"),
        "body": NC_("mail", "Unread messages from %(other)s: %(count)s."),
        "action": NC_("mail", "Read the messages"),
    },
}
"""Each kind's words in English (a text's key is the kind, or `kind:side` where the two sides
read differently); the catalogues translate them (context "mail")."""


class MentoringNotifications:
    """Mentoring's source of due work (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (
        get_topic(Relationship.Requested),
        get_topic(Caseload.StatusNoted),
        get_topic(Conversation.MessageSent),
    )
    kinds: Mapping[str, Category | None] = {
        REQUEST_RECEIVED: Category.REQUESTS, REQUEST_REMINDER: Category.REQUESTS,
        REQUEST_UNANSWERED: Category.TIPS, REQUEST_EXPIRY: None,
        REQUEST_ACCEPTED: Category.REQUESTS, REQUEST_DECLINED: Category.REQUESTS,
        REQUEST_WITHDRAWN: Category.REQUESTS, REQUEST_EXPIRED: Category.REQUESTS,
        RELATIONSHIP_STARTED: Category.REQUESTS, RELATIONSHIP_PAUSED: Category.REQUESTS,
        RELATIONSHIP_RESUMED: Category.REQUESTS, RELATIONSHIP_COMPLETED: Category.REQUESTS,
        RELATIONSHIP_ENDED: Category.REQUESTS, NEW_MESSAGES: Category.MESSAGES,
    }
    texts: Mapping[str, Mapping[str, str]] = {
        key: {"greeting": _GREETING, **words} for key, words in _TEXTS.items()}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        if isinstance(event, Relationship.Requested):
            return _request_work(event, notification_id)
        if isinstance(event, Caseload.StatusNoted):
            return _step_work(event, notification_id)
        if isinstance(event, Conversation.MessageSent) and event.recipient_id is not None:
            conversation_id = event.originator_id
            return [DueWork(
                notification_id=notification_id, kind=NEW_MESSAGES,
                member_id=event.recipient_id, due_at=event.sent_at + MESSAGES_WAIT,
                payload={"conversationId": str(conversation_id)},
                batch=f"messages:{conversation_id}:{event.recipient_id}",
            )]
        return []

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        mentoring = context.application(Mentoring)
        if work.kind == REQUEST_EXPIRY:
            mentoring.expire_request(UUID(work.payload["relationshipId"]), context.now)
            return None
        member = context.member(work.member_id)
        if member is None or member.suspended:
            return None
        if work.kind == NEW_MESSAGES:
            return _messages_told(work, member, mentoring, context)
        relationship = mentoring.find(UUID(work.payload["relationshipId"]), Relationship)
        if relationship is None or not relationship.involves(member.id):
            return None
        nudge = nudge_setting_in(mentoring, work.kind) if work.kind == REQUEST_UNANSWERED else None
        if (
            work.kind in _WHILE_OPEN
            and relationship.status_at(context.now) is not RelationshipStatus.REQUESTED
        ) or (nudge is not None and not nudge.on):  # answered, or the tenant switched it off
            return None
        return _step_told(work.kind, member, relationship, context, nudge)


def _request_work(event: Relationship.Requested, notification_id: int) -> list[DueWork]:
    payload = {"relationshipId": str(event.originator_id)}

    def work(kind: str, member_id: UUID, due_at: datetime | None = None) -> DueWork:
        return DueWork(notification_id=notification_id, kind=kind, member_id=member_id,
                       due_at=due_at, payload=payload)

    queued = [
        work(REQUEST_RECEIVED, event.mentor_id),
        # An action concerns the entrepreneur whose request it is.
        work(REQUEST_EXPIRY, event.mentee_id, event.expires_at),
    ]
    nudge_at = event.requested_at + UNANSWERED_NUDGE_AFTER
    if nudge_at < event.expires_at:
        queued.append(work(REQUEST_UNANSWERED, event.mentor_id, nudge_at))
    reminder_at = event.expires_at - REMINDER_BEFORE_EXPIRY
    if reminder_at > event.requested_at:
        queued.append(work(REQUEST_REMINDER, event.mentor_id, reminder_at))
    return queued


def _step_work(event: Caseload.StatusNoted, notification_id: int) -> list[DueWork]:
    """The work one member's caseload noting a step asks for: none for the member who took
    the step, nor for steps noted before the event named its member."""
    if event.member_id is None or event.side is None:
        return []
    did_it = event.actor.kind == "member" and event.actor.id == str(event.member_id)
    kind: str | None = None
    if event.status in _TOLD_THE_ENTREPRENEUR:
        kind = _TOLD_THE_ENTREPRENEUR[event.status] if event.side is Side.MENTEE else None
    elif event.status in _TOLD_THE_OTHER:
        kind = _TOLD_THE_OTHER[event.status]
    elif event.status is RelationshipStatus.ACTIVE and event.previous is not None:
        kind = _BECAME_ACTIVE.get(event.previous)
    if kind is None or did_it:
        return []
    return [DueWork(
        notification_id=notification_id, kind=kind, member_id=event.member_id,
        payload={"relationshipId": str(event.relationship_id)},
    )]


def _step_told(
    kind: str, member: Member, relationship: Relationship, context: WorkContext,
    nudge: NudgeSetting | None = None,
) -> Notification:
    """`nudge`: the tenant's setting of a nudge, whose own words replace the built-in ones."""
    sided = f"{kind}:{relationship.side_of(member.id)}"
    text_key = sided if sided in _TEXTS else kind
    path = _PAGES.get(text_key, f"/relationships/{relationship.id}")
    locale = interface_locale(member.locale)
    other_id = relationship.counterpart_of(member.id)
    values = {
        "name": member.name, "other": _name_of(other_id, locale, context),
        "product": context.tenant.branding.product_name,
        "days": str(UNANSWERED_NUDGE_AFTER.days),
        "expires": format_moment(relationship.expires_at, locale, context.zone_of(member.id).key),
    }
    words = _words(_TEXTS[text_key], locale, values)
    if nudge is not None:
        words = nudge.reworded(locale, words, values)
    small_print = tuple(words[part] for part in ("deadline", "why") if part in words)
    return _notification(
        locale, words, small_print, context.link(path), about=relationship.member_ids())


def _messages_told(
    work: ClaimedWork, member: Member, mentoring: Mentoring, context: WorkContext
) -> Notification | None:
    conversation = mentoring.find(UUID(work.payload["conversationId"]), Conversation)
    if conversation is None or member.id not in conversation.member_ids:
        return None
    unread = conversation.unread_for(member.id, len(conversation.messages))
    if not unread:
        return None
    locale = interface_locale(member.locale)
    values = {
        "name": member.name, "count": str(len(unread)),
        "other": _name_of(unread[-1].sender_id, locale, context),
    }
    words = _words(_TEXTS[NEW_MESSAGES], locale, values)
    path = f"/relationships/{conversation.relationship_id}#conversation"
    return _notification(
        locale, words, (), context.link(path), about=tuple(conversation.member_ids))


def _notification(
    locale: str, words: dict[str, str], small_print: tuple[str, ...], link: str,
    about: tuple[UUID, ...],
) -> Notification:
    """`about`: the relationship's members, whose names the words may carry."""
    return Notification(content=MailContent(
        locale=locale, subject=words["subject"], greeting=words["greeting"],
        paragraphs=(words["body"],), action_label=words["action"], action_url=link,
        small_print=small_print,
    ), about=about)


def _words(texts: dict[str, str], locale: str, values: dict[str, str]) -> dict[str, str]:
    parts = {"greeting": _GREETING, **texts}
    return {part: translated(locale, "mail", text) % values for part, text in parts.items()}


def _name_of(member_id: UUID, locale: str, context: WorkContext) -> str:
    other = context.member(member_id)
    return other.name if other is not None else translated(locale, "mail", _SOMEONE)


MENTORING_NOTIFICATIONS = MentoringNotifications()
