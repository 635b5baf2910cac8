"""Meeting notifications: who is told of each step of a meeting, when, and in which words.

    Meeting.Proposed     -> meeting_proposed (the other member), reminders (both)
    Meeting.Accepted     -> meeting_accepted (the proposer)
    Meeting.Declined     -> meeting_declined (the proposer)
    Meeting.Rescheduled  -> meeting_rescheduled (the other member), new reminders (both)
    Meeting.Cancelled    -> meeting_cancelled (the other member)
    Meeting.SessionLogged -> session_log_to_confirm (the member who confirms it)

Each mail about the time carries the meeting as an iTIP calendar file (`services.meetings.ics`):
the same UID as the download, METHOD:REQUEST to add or update the entry (proposed, accepted,
rescheduled), METHOD:CANCEL to take it out (declined, cancelled). Times are written in the
recipient's own zone (their profile's, as the meeting pages show them) with the zone's name.

Reminders fall due 24 hours and 1 hour before the start, one for each member; each carries the
start and the meeting's revision (`sequence`) it was derived for, and is dropped when the
meeting has moved or been declined or cancelled since (a move derives its own), or once it
has started (a reminder held back by quiet hours). A reminder that would fall due before the
meeting was even arranged is not derived. Every other mail is dropped when the step it tells
of is no longer the meeting's latest (a proposal answered, moved or past before the mail went
out, a log already confirmed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent, format_moment
from infra.scheduling.work import Attachment, ClaimedWork, DueWork, Notification, WorkContext
from infra.translations import NC_, interface_locale, translated
from services.accounts.domain import Member
from services.meetings.application import Meetings
from services.meetings.domain import Meeting, MeetingStatus
from services.meetings.ics import CalendarMethod, Invited, meeting_invitation
from services.meetings.places import places_of
from services.notifications.values import Category
from services.profiles.application import Profiles

__all__ = [
    "MEETING_MAIL",
    "PROPOSED",
    "REMINDER_DAY",
    "REMINDER_HOUR",
    "SESSION_LOG",
    "MeetingMail",
]

PROPOSED, ACCEPTED, DECLINED = "meeting_proposed", "meeting_accepted", "meeting_declined"
RESCHEDULED, CANCELLED = "meeting_rescheduled", "meeting_cancelled"
REMINDER_DAY, REMINDER_HOUR = "meeting_reminder_24h", "meeting_reminder_1h"
SESSION_LOG = "session_log_to_confirm"

REMINDERS = {REMINDER_DAY: timedelta(hours=24), REMINDER_HOUR: timedelta(hours=1)}
_METHOD = {
    PROPOSED: CalendarMethod.REQUEST, ACCEPTED: CalendarMethod.REQUEST,
    RESCHEDULED: CalendarMethod.REQUEST, DECLINED: CalendarMethod.CANCEL,
    CANCELLED: CalendarMethod.CANCEL,
}
_GREETING = NC_("mail", "Hello %(name)s,")
_CALENDAR_UPDATES = NC_("mail", "The attached calendar file puts the meeting in your calendar; "
                                "the next mail about it updates the same entry.")
_CALENDAR_REMOVES = NC_("mail", "The attached calendar file takes the meeting out of your "
                                "calendar.")
_TEXTS: dict[str, dict[str, str]] = {
    PROPOSED: {
        "subject": NC_("mail", "%(other)s proposes a meeting on %(when)s"),
        "body": NC_("mail", "%(other)s proposes to meet on %(when)s, for %(minutes)s "
                            "minutes. Accept the time or decline it on your relationship's "
                            "page."),
        "action": NC_("mail", "Answer the proposal"),
    },
    ACCEPTED: {
        "subject": NC_("mail", "%(other)s accepted the meeting on %(when)s"),
        "body": NC_("mail", "%(other)s accepted the time you proposed: you meet on %(when)s, "
                            "for %(minutes)s minutes."),
        "action": NC_("mail", "See the meeting"),
    },
    DECLINED: {
        "subject": NC_("mail", "%(other)s declined the meeting on %(when)s"),
        "body": NC_("mail", "%(other)s cannot meet at the time you proposed (%(when)s). You "
                            "can propose another time on your relationship's page."),
        "action": NC_("mail", "Propose another time"),
    },
    RESCHEDULED: {
        "subject": NC_("mail", "%(other)s moved your meeting to %(when)s"),
        "body": NC_("mail", "%(other)s proposes a new time for your meeting: %(when)s, for "
                            "%(minutes)s minutes. Accept the new time or decline it on your "
                            "relationship's page."),
        "action": NC_("mail", "Answer the new time"),
    },
    CANCELLED: {
        "subject": NC_("mail", "%(other)s cancelled the meeting on %(when)s"),
        "body": NC_("mail", "%(other)s cancelled your meeting on %(when)s."),
        "action": NC_("mail", "Open your relationship"),
    },
    REMINDER_DAY: {
        "subject": NC_("mail", "Reminder: you meet %(other)s on %(when)s"),
        "body": NC_("mail", "Your meeting with %(other)s starts in 24 hours: on %(when)s, for "
                            "%(minutes)s minutes."),
        "why": NC_("mail", "You get this reminder because the meeting starts in 24 hours."),
        "action": NC_("mail", "See the meeting"),
    },
    REMINDER_HOUR: {
        "subject": NC_("mail", "Your meeting with %(other)s starts in one hour"),
        "body": NC_("mail", "Your meeting with %(other)s starts in one hour (%(when)s) and "
                            "lasts %(minutes)s minutes."),
        "why": NC_("mail", "You get this reminder because the meeting starts in one hour."),
        "action": NC_("mail", "See the meeting"),
    },
    SESSION_LOG: {
        "subject": NC_("mail", "%(other)s logged your session: please confirm it"),
        "body": NC_("mail", "%(other)s logged the session you held on %(when)s (%(minutes)s "
                            "minutes). Read the log and confirm it if it is right: confirmed "
                            "sessions count towards the mentor's volunteer hours."),
        "action": NC_("mail", "Read and confirm the log"),
    },
}
"""Each kind's words in English; the catalogues translate them (context "mail")."""

_NOT_ANSWERED = {
    True: NC_("mail", "You have not accepted this time yet."),
    False: NC_("mail", "%(other)s has not accepted this time yet."),
}
_VIDEO_LINK = NC_("mail", "The call: %(link)s")


class MeetingMail:
    """The notification source of meetings (see `infra.scheduling.work.DueWorkSource`)."""

    topics: tuple[str, ...] = (
        get_topic(Meeting.Proposed), get_topic(Meeting.Accepted), get_topic(Meeting.Declined),
        get_topic(Meeting.Rescheduled), get_topic(Meeting.Cancelled),
        get_topic(Meeting.SessionLogged),
    )
    kinds: Mapping[str, Category | None] = {kind: Category.MEETINGS for kind in (
        PROPOSED, ACCEPTED, DECLINED, RESCHEDULED, CANCELLED, REMINDER_DAY, REMINDER_HOUR,
        SESSION_LOG,
    )}
    texts: Mapping[str, Mapping[str, str]] = {
        kind: {"greeting": _GREETING, **words} for kind, words in _TEXTS.items()}

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[DueWork]:
        meeting_id = str(event.originator_id)
        if isinstance(event, Meeting.Proposed):
            other = event.mentee_id if event.proposer_id == event.mentor_id else event.mentor_id
            return [
                DueWork(notification_id=notification_id, kind=PROPOSED, member_id=other,
                        payload={"meetingId": meeting_id, "sequence": "0"}),
                *_reminders(notification_id, meeting_id, (event.mentor_id, event.mentee_id),
                            event.starts_at, 0, event.at),
            ]
        step = _step_of(event)
        other_id: UUID | None = getattr(event, "counterpart_id", None)
        if step is None or other_id is None:  # other events, or recorded before they named
            return []                         # the other member
        kind, payload = step
        work = [DueWork(notification_id=notification_id, kind=kind, member_id=other_id,
                        payload={"meetingId": meeting_id, **payload})]
        if isinstance(event, Meeting.Rescheduled):
            work += _reminders(notification_id, meeting_id, (event.by, other_id),
                               event.starts_at, event.sequence, event.at)
        return work

    def carry_out(self, work: ClaimedWork, context: WorkContext) -> Notification | None:
        meeting = context.application(Meetings).find(UUID(work.payload["meetingId"]), Meeting)
        if meeting is None or not meeting.involves(work.member_id):
            return None
        if not _still_news(work, meeting, context.now):
            return None
        member = context.member(work.member_id)
        other = context.member(meeting.other_than(work.member_id))
        if member is None or other is None:
            return None
        return _told(work.kind, meeting, member, other, context)


def _step_of(event: DomainEventProtocol[UUID]) -> tuple[str, dict[str, str]] | None:
    """The kind of mail an answer, a move, a cancellation or a log asks for, and what it needs
    to tell later whether it is still news."""
    if isinstance(event, Meeting.Rescheduled):
        return RESCHEDULED, {"sequence": str(event.sequence)}
    if isinstance(event, Meeting.Accepted):
        return ACCEPTED, {"answeredAt": event.at.isoformat()}
    if isinstance(event, Meeting.Declined):
        return DECLINED, {}
    if isinstance(event, Meeting.Cancelled):
        return CANCELLED, {"sequence": str(event.sequence)}
    if isinstance(event, Meeting.SessionLogged):
        return SESSION_LOG, {}
    return None


def _reminders(
    notification_id: int, meeting_id: str, members: tuple[UUID, UUID],
    starts_at: datetime, sequence: int, arranged_at: datetime,
) -> list[DueWork]:
    return [
        DueWork(
            notification_id=notification_id, kind=kind, member_id=member_id,
            due_at=starts_at - ahead,
            payload={"meetingId": meeting_id, "sequence": str(sequence),
                     "startsAt": starts_at.isoformat()},
        )
        for kind, ahead in REMINDERS.items()
        if starts_at - ahead > arranged_at
        for member_id in members
    ]


def _still_news(work: ClaimedWork, meeting: Meeting, now: datetime) -> bool:
    """Whether the step the work tells of is still the meeting's latest (see the module)."""
    status, payload = meeting.status, work.payload
    same_revision = payload.get("sequence") == str(meeting.sequence)
    if work.kind in REMINDERS:
        # A reminder held back (quiet hours, a gateway down) past the start reminds of nothing.
        return (status in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED) and same_revision
                and payload["startsAt"] == meeting.starts_at.isoformat()
                and now < meeting.starts_at)
    if work.kind in (PROPOSED, RESCHEDULED):
        # Told to the member who answers: once they have, or once the time has passed (it can
        # no longer be accepted), the mail has nothing to ask.
        return status is MeetingStatus.PROPOSED and same_revision and now < meeting.starts_at
    if work.kind == ACCEPTED:
        answered_at = meeting.answered_at.isoformat() if meeting.answered_at else None
        return status is MeetingStatus.ACCEPTED and payload["answeredAt"] == answered_at
    if work.kind == DECLINED:
        return status is MeetingStatus.DECLINED
    if work.kind == CANCELLED:
        return status is MeetingStatus.CANCELLED
    log = meeting.session_log
    return log is not None and log.confirmed_at is None and log.author_id != work.member_id


def _told(
    kind: str, meeting: Meeting, member: Member, other: Member, context: WorkContext
) -> Notification:
    locale = interface_locale(member.locale)
    zone_name = _zone_of(meeting, member.id, context)
    words = {part: translated(locale, "mail", text) for part, text in _TEXTS[kind].items()}
    values = {
        "name": member.name, "other": other.name,
        "when": format_moment(meeting.starts_at, locale, zone_name),
        "minutes": str(meeting.duration_minutes),
        "link": meeting.video_link,
    }
    paragraphs = [words["body"] % values]
    small_print: list[str] = []
    attachments: tuple[Attachment, ...] = ()
    if kind in REMINDERS:
        if meeting.status is MeetingStatus.PROPOSED:
            answerer = meeting.awaiting_id == member.id
            paragraphs.append(translated(locale, "mail", _NOT_ANSWERED[answerer]) % values)
        if meeting.video_link:
            paragraphs.append(translated(locale, "mail", _VIDEO_LINK) % values)
        small_print.append(words["why"])
    elif kind in _METHOD:
        method = _METHOD[kind]
        removes = method is CalendarMethod.CANCEL
        small_print.append(translated(locale, "mail", _CALENDAR_REMOVES if removes
                                      else _CALENDAR_UPDATES))
        attachments = (_calendar_file(meeting, method, context, locale),)
    content = MailContent(
        locale=locale,
        subject=words["subject"] % values,
        greeting=translated(locale, "mail", _GREETING) % values,
        paragraphs=tuple(paragraphs),
        action_label=words["action"],
        action_url=context.link(f"/relationships/{meeting.relationship_id}#meetings"),
        small_print=tuple(small_print),
    )
    return Notification(content=content, attachments=attachments)


def _zone_of(meeting: Meeting, member_id: UUID, context: WorkContext) -> str:
    """The member's zone as the meeting pages show it: their profile's, else the tenant's."""
    relationship = context.application(Meetings).relationship_of(meeting)
    places = places_of(relationship, context.application(Profiles), context.tenant.time_zone)
    return places[member_id].time_zone


def _calendar_file(
    meeting: Meeting, method: CalendarMethod, context: WorkContext, locale: str
) -> Attachment:
    """The invitation for one recipient, titled in their language."""
    names = {}
    for member_id in meeting.participant_ids:
        found = context.member(member_id)
        names[member_id] = found.name if found is not None else ""
    invited = Invited(
        host=urlsplit(context.link("/")).hostname or context.tenant.slug,
        programme_name=context.tenant.display_name,
        mentor_name=names[meeting.mentor_id], mentee_name=names[meeting.mentee_id],
    )
    data = meeting_invitation(meeting, f"{context.tenant.slug}.ithaca", method, invited, locale)
    # Its words are UTF-8 (a title in Spanish, a name with accents): without the charset a
    # text/* part reads as US-ASCII.
    return Attachment(filename="meeting.ics",
                      content_type=f"text/calendar; method={method}; charset=utf-8", data=data)


MEETING_MAIL = MeetingMail()
