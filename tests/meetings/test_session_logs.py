"""Session logs after a meeting, their confirmation, and the mentor's volunteer hours."""

from __future__ import annotations

from typing import Any

from infra.clock import SettableClock
from tests.meetings.conftest import Pair
from tests.tenant_api import SignedInMember

LOG = {
    "durationMinutes": 55, "summary": "Went through the price list.",
    "agreements": "Wholesale discount of 12% above 50 pieces.",
    "nextSteps": "Ana sends the new list to the three shops.",
}


def _hours(pair: Pair, mentor: SignedInMember) -> dict[str, Any]:
    response = pair.acme.get("/api/v1/me/volunteer-hours", mentor)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _accepted(pair: Pair, starts_at: str) -> str:
    meeting = pair.proposed(pair.ben, startsAt=starts_at)
    pair.done(meeting["meetingId"], "accept", pair.ana)
    meeting_id: str = meeting["meetingId"]
    return meeting_id


def test_ana_logs_the_session_ben_confirms_and_his_hours_count_it(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-06-01T08:00:00+00:00")
    assert _hours(pair, pair.ben) == {
        "mentorId": str(pair.ben.id), "totalMinutes": 0, "confirmedMinutes": 0, "sessions": 0,
        "confirmedSessions": 0,
    }
    meeting_id = _accepted(pair, "2026-06-10T17:00")  # 15:00 UTC

    # Not before the meeting has started.
    clock.set("2026-06-10T14:59:00+00:00")
    before = pair.position
    pair.refused(pair.act(meeting_id, "session-log", pair.ana, **LOG), 409, "startsAt", before)

    clock.set("2026-06-10T16:05:00+00:00")
    logged = pair.done(meeting_id, "session-log", pair.ana, **LOG)
    log = logged["sessionLog"]
    assert (log["authorId"], log["durationMinutes"], log["confirmed"]) == (
        str(pair.ana.id), 55, False
    )
    assert log["nextSteps"] == LOG["nextSteps"]
    assert log["loggedAt"] == "2026-06-10T16:05:00Z"
    assert _hours(pair, pair.ben) == {
        "mentorId": str(pair.ben.id), "totalMinutes": 55, "confirmedMinutes": 0, "sessions": 1,
        "confirmedSessions": 0,
    }

    # One log per meeting; the author does not confirm their own log.
    before = pair.position
    pair.refused(pair.act(meeting_id, "session-log", pair.ben, **LOG), 409, "sessionLog", before)
    pair.refused(pair.act(meeting_id, "session-log/confirm", pair.ana), 403, "sessionLog",
                 before)
    # A held and logged session is not moved or cancelled any more.
    pair.refused(pair.act(meeting_id, "cancel", pair.ben), 409, "sessionLog", before)

    confirmed = pair.done(meeting_id, "session-log/confirm", pair.ben)
    assert confirmed["sessionLog"]["confirmed"] is True
    before = pair.position
    pair.refused(pair.act(meeting_id, "session-log/confirm", pair.ben), 409, "sessionLog",
                 before)

    # Ben logs the next session himself; Ana has not confirmed it yet.
    clock.set("2026-06-12T08:00:00+00:00")
    second = _accepted(pair, "2026-06-17T17:00")
    clock.set("2026-06-17T16:30:00+00:00")
    pair.done(second, "session-log", pair.ben, durationMinutes=90, summary="Shop visits plan.")
    assert _hours(pair, pair.ben) == {
        "mentorId": str(pair.ben.id), "totalMinutes": 145, "confirmedMinutes": 55,
        "sessions": 2, "confirmedSessions": 1,
    }
    # Ana is not a mentor: she has no volunteer hours to see.
    refused = pair.acme.get("/api/v1/me/volunteer-hours", pair.ana)
    assert (refused.status_code, refused.json()["error"]["field"]) == (403, "role")


def test_only_a_held_meeting_is_logged_and_bad_logs_store_nothing(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-06-01T08:00:00+00:00")
    proposed = pair.proposed(pair.ben, startsAt="2026-06-10T17:00")["meetingId"]
    accepted = _accepted(pair, "2026-06-11T17:00")
    cancelled = _accepted(pair, "2026-06-12T17:00")
    pair.done(cancelled, "cancel", pair.ana)
    clock.set("2026-06-13T08:00:00+00:00")
    before = pair.position
    pair.refused(pair.act(proposed, "session-log", pair.ana, **LOG), 409, "status", before)
    pair.refused(pair.act(cancelled, "session-log", pair.ana, **LOG), 409, "status", before)
    pair.refused(pair.act(accepted, "session-log/confirm", pair.ben), 409, "sessionLog", before)
    for body, status, field in [
        ({**LOG, "durationMinutes": 0}, 400, "durationMinutes"),
        ({**LOG, "durationMinutes": 601}, 400, "durationMinutes"),
        ({**LOG, "summary": ""}, 400, "summary"),
        ({**LOG, "summary": "   "}, 422, "summary"),
        ({**LOG, "nextSteps": "x" * 4001}, 400, "nextSteps"),
        ({**LOG, "mood": "great"}, 400, "mood"),
    ]:
        pair.refused(pair.act(accepted, "session-log", pair.ana, **body), status, field, before)
    cleo = pair.acme.member("Cleo", roles=["mentor"])
    before = pair.position
    pair.refused(pair.act(accepted, "session-log", cleo, **LOG), 404, "meetingId", before)
    assert _hours(pair, pair.ben)["sessions"] == 0
