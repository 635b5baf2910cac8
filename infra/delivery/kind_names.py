"""Each kind of notification as staff read it (the preview's picker, the list of deliveries):
a few words in the interface's catalogue, translated where shown; the key stays the code.

A kind with no name here shows its key; `tests/notifications/test_preview_and_deliveries.py`
asks every source's kinds (and `kind:variant`s) for one.
"""

from __future__ import annotations

from infra.translations import N_, translations_for

__all__ = ["KIND_NAMES", "kind_name"]

KIND_NAMES: dict[str, str] = {
    "verify_email": N_("Address to confirm after signing up"),
    "password_reset": N_("Password reset"),
    "sign_up_attempt": N_("Sign-up with an address already registered"),
    "request_received": N_("Mentoring request received"),
    "request_reminder": N_("Request about to expire"),
    "request_unanswered": N_("Tip: a request is waiting for an answer"),
    "request_accepted": N_("Request accepted"),
    "request_declined": N_("Request declined"),
    "request_withdrawn": N_("Request withdrawn (to the entrepreneur)"),
    "request_withdrawn:mentor": N_("Request withdrawn (to the mentor)"),
    "request_expired": N_("Request expired"),
    "relationship_started": N_("Mentoring started"),
    "relationship_paused": N_("Mentoring paused"),
    "relationship_resumed": N_("Mentoring resumed"),
    "relationship_completed": N_("Mentoring completed"),
    "relationship_ended": N_("Mentoring ended"),
    "new_messages": N_("New messages"),
    "meeting_proposed": N_("Meeting proposed"),
    "meeting_accepted": N_("Meeting accepted"),
    "meeting_declined": N_("Meeting declined"),
    "meeting_rescheduled": N_("Meeting moved"),
    "meeting_cancelled": N_("Meeting cancelled"),
    "meeting_reminder_24h": N_("Meeting reminder, a day before"),
    "meeting_reminder_1h": N_("Meeting reminder, an hour before"),
    "session_log_to_confirm": N_("Session log to confirm"),
    "moderation_warning": N_("Warning from the moderators"),
    "account_suspended": N_("Account suspended"),
    "account_reinstated": N_("Account reinstated"),
    "survey_due": N_("Follow-up survey due"),
    "survey_reminder": N_("Follow-up survey reminder"),
    "survey_overdue": N_("Tip: follow-up survey overdue"),
    "erasure_done": N_("Personal data erased"),
    "phone_code": N_("Code to verify a mobile number"),
    "address_confirmation": N_("Address to confirm after refused mail"),
    "profile_incomplete": N_("Tip: profile not complete"),
    "no_request": N_("Tip: no mentor asked yet"),
    "no_session_14": N_("Tip: no session after 14 days"),
    "no_session_28": N_("Tip: no session after 28 days"),
    "no_message": N_("Tip: no message for 21 days"),
    "no_message:first": N_("Tip: no first message 21 days after the start"),
}
"""Each kind (or `kind:variant`) in English, as the catalogues hold it."""


def kind_name(kind: str, locale: str) -> str:
    """The kind's name in the language; its key where it has none."""
    name = KIND_NAMES.get(kind)
    return translations_for(locale).gettext(name) if name else kind
