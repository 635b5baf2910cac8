"""Arranging a meeting: proposing, answering, moving, cancelling; who may do what; bad input."""

from __future__ import annotations

import uuid
from typing import Any

from infra.clock import SettableClock
from tests.meetings.conftest import Pair, clocks_of
from tests.tenant_api import TenantApi


def test_ana_accepts_ben_moves_it_and_ana_cancels(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-05-01T08:00:00+00:00")
    meeting = pair.proposed(pair.ben, startsAt="2026-05-14T17:00", durationMinutes=45,
                            videoLink="https://meet.example.org/ana-ben")
    meeting_id = meeting["meetingId"]
    assert (meeting["status"], meeting["sequence"]) == ("proposed", 0)
    assert meeting["awaitingId"] == str(pair.ana.id)
    assert meeting["videoLink"] == "https://meet.example.org/ana-ben"

    # Ben cannot accept his own proposal; Ana can, once.
    before = pair.position
    pair.refused(pair.act(meeting_id, "accept", pair.ben), 403, "role", before)
    accepted = pair.done(meeting_id, "accept", pair.ana)
    assert (accepted["status"], accepted["awaitingId"]) == ("accepted", None)
    before = pair.position
    problem = pair.refused(pair.act(meeting_id, "accept", pair.ana), 409, "status", before)
    assert "accepted" in problem

    # Ben moves it an hour later: back to proposed, the sequence goes up, Ana answers again.
    moved = pair.done(meeting_id, "reschedule", pair.ben, startsAt="2026-05-14T18:00")
    assert (moved["status"], moved["sequence"], moved["awaitingId"]) == (
        "proposed", 1, str(pair.ana.id)
    )
    assert moved["durationMinutes"] == 45  # kept
    assert clocks_of(moved)["mentee"] == ("2026-05-14T12:00:00-04:00",
                                          "2026-05-14T12:45:00-04:00")
    # Ana counters with a time of her own: now Ben has to answer.
    countered = pair.done(meeting_id, "reschedule", pair.ana, startsAt="2026-05-15T09:00",
                          durationMinutes=30)
    assert (countered["proposerId"], countered["awaitingId"]) == (str(pair.ana.id),
                                                                  str(pair.ben.id))
    assert countered["proposedInTimeZone"] == "America/New_York"
    assert clocks_of(countered)["mentor"] == ("2026-05-15T15:00:00+02:00",
                                              "2026-05-15T15:30:00+02:00")
    assert countered["sequence"] == 2
    pair.done(meeting_id, "accept", pair.ben)

    cancelled = pair.done(meeting_id, "cancel", pair.ana)
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 3)
    before = pair.position
    for command in ("accept", "decline", "cancel"):
        problem = pair.refused(pair.act(meeting_id, command, pair.ben), 409, "status", before)
        assert "cancelled" in problem
    pair.refused(pair.act(meeting_id, "reschedule", pair.ben, startsAt="2026-05-20T10:00"),
                 409, "status", before)
    assert pair.view(meeting_id, pair.ben)["status"] == "cancelled"


def test_a_declined_meeting_stays_declined_and_the_list_keeps_every_meeting(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-05-01T08:00:00+00:00")
    first = pair.proposed(pair.ana, startsAt="2026-05-04T10:00")
    before = pair.position
    pair.refused(pair.act(first["meetingId"], "decline", pair.ana), 403, "role", before)
    declined = pair.done(first["meetingId"], "decline", pair.ben)
    assert declined["status"] == "declined"
    pair.refused(pair.act(first["meetingId"], "accept", pair.ben), 409, "status", pair.position)
    second = pair.proposed(pair.ben, startsAt="2026-05-06T10:00")

    for member in (pair.ana, pair.ben):
        listed = pair.acme.get(f"/api/v1/relationships/{pair.relationship_id}/meetings", member)
        assert listed.status_code == 200, listed.text
        assert [(m["meetingId"], m["status"]) for m in listed.json()["meetings"]] == [
            (first["meetingId"], "declined"), (second["meetingId"], "proposed"),
        ]


def test_an_accepted_meeting_cannot_be_accepted_once_its_time_has_passed(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-05-01T08:00:00+00:00")
    meeting = pair.proposed(pair.ben, startsAt="2026-05-04T10:00")
    clock.set("2026-05-04T08:30:00+00:00")  # 10:30 in Madrid
    before = pair.position
    pair.refused(pair.act(meeting["meetingId"], "accept", pair.ana), 409, "startsAt", before)


def test_bad_proposals_name_the_field_and_store_nothing(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-05-01T08:00:00+00:00")
    before = pair.position
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"startsAt": "2026-05-14 10:00"}, 400, "startsAt"),
        ({"startsAt": "2026-05-14T10:00+02:00"}, 400, "startsAt"),
        ({"startsAt": "2026-02-30T10:00"}, 422, "startsAt"),
        ({"startsAt": "2026-04-30T10:00"}, 422, "startsAt"),  # already past
        ({"startsAt": "2029-05-14T10:00"}, 422, "startsAt"),  # too far ahead
        ({"startsAt": "2026-05-14T10:00", "durationMinutes": 10}, 400, "durationMinutes"),
        ({"startsAt": "2026-05-14T10:00", "durationMinutes": 241}, 400, "durationMinutes"),
        ({"startsAt": "2026-05-14T10:00", "timeZone": "Mars/Olympus_Mons"}, 422, "timeZone"),
        ({"startsAt": "2026-05-14T10:00", "fold": 2}, 400, "fold"),
        ({"startsAt": "2026-05-14T10:00", "agenda": "   "}, 422, "agenda"),
        ({"startsAt": "2026-05-14T10:00", "agenda": ""}, 400, "agenda"),
        ({"startsAt": "2026-05-14T10:00", "videoLink": "http://meet.example.org/x"}, 422,
         "videoLink"),
        ({"startsAt": "2026-05-14T10:00", "videoLink": "javascript:alert(1)"}, 422,
         "videoLink"),
        ({"startsAt": "2026-05-14T10:00", "room": "B"}, 400, "room"),
    ]
    for body, status, field in cases:
        pair.refused(pair.propose(pair.ben, **body), status, field, before)
    missing = pair.acme.post(f"/api/v1/relationships/{pair.relationship_id}/meetings", pair.ben,
                             json={"durationMinutes": 60, "agenda": "x"})
    pair.refused(missing, 400, "startsAt", before)

    meeting = pair.proposed(pair.ben, startsAt="2026-05-14T10:00")
    before = pair.position
    reschedules: list[tuple[dict[str, Any], int, str]] = [
        ({"startsAt": "2026-03-29T02:30", "timeZone": "Europe/Madrid"}, 422, "startsAt"),
        ({"startsAt": "2026-05-20T10:00", "durationMinutes": 300}, 400, "durationMinutes"),
        ({"startsAt": "2026-05-20T10:00", "agenda": "new"}, 400, "agenda"),
        ({}, 400, "startsAt"),
    ]
    for body, status, field in reschedules:
        response = pair.acme.post(f"/api/v1/meetings/{meeting['meetingId']}/reschedule",
                                  pair.ana, json=body)
        pair.refused(response, status, field, before)


def test_meetings_need_a_relationship_open_for_them(acme: TenantApi, clock: SettableClock) -> None:
    pair = Pair(acme, clock, mentor_zone="Europe/Madrid", mentor_country="ES",
                mentee_zone="America/New_York", mentee_country="US", accepted=False)
    clock.set("2026-05-01T08:00:00+00:00")
    before = pair.position
    problem = pair.refused(pair.propose(pair.ana, startsAt="2026-05-14T10:00"), 409, "status",
                           before)
    assert "requested" in problem


def test_only_the_two_members_see_or_touch_their_meetings(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    acme = pair.acme
    clock.set("2026-05-01T08:00:00+00:00")
    meeting = pair.proposed(pair.ben, startsAt="2026-05-14T10:00", agenda="Margins")
    meeting_id = meeting["meetingId"]
    cleo = acme.member("Cleo", roles=["entrepreneur", "mentor"])
    before = pair.position

    for path in (f"/api/v1/meetings/{meeting_id}", f"/api/v1/meetings/{meeting_id}.ics"):
        pair.refused(acme.get(path, cleo), 404, "meetingId", before)
    for command in ("accept", "decline", "cancel", "session-log/confirm"):
        pair.refused(pair.act(meeting_id, command, cleo), 404, "meetingId", before)
    pair.refused(pair.act(meeting_id, "reschedule", cleo, startsAt="2026-05-15T10:00"), 404,
                 "meetingId", before)
    relationship = f"/api/v1/relationships/{pair.relationship_id}"
    pair.refused(acme.get(f"{relationship}/meetings", cleo), 404, "relationshipId", before)
    pair.refused(acme.get(f"{relationship}/distance", cleo), 404, "relationshipId", before)
    pair.refused(acme.post(f"{relationship}/meetings", cleo, json={
        "startsAt": "2026-05-14T10:00", "durationMinutes": 60, "agenda": "Hi",
    }), 404, "relationshipId", before)
    # Ids of nothing read the same.
    for unknown in (str(uuid.uuid4()), "not-a-meeting", f"{uuid.uuid4()}.ics"):
        pair.refused(acme.get(f"/api/v1/meetings/{unknown}", pair.ben), 404, "meetingId",
                     before)

    # Programme admins and auditors see that it is planned, not what it is about.
    admin = acme.member("Pia", roles=["programme_admin"])
    auditor = acme.member("Aude", roles=["auditor"])
    for reader in (admin, auditor):
        seen = pair.view(meeting_id, reader)
        assert seen["startsAtUtc"] == "2026-05-14T08:00:00Z"
        assert (seen["agenda"], seen["videoLink"]) == (None, None)
        assert not any(p["isYou"] for p in seen["participants"])
    before = pair.position
    pair.refused(pair.act(meeting_id, "cancel", auditor), 403, "role", before)
    assert pair.view(meeting_id, pair.ana)["agenda"] == "Margins"


def test_a_retried_proposal_with_the_same_key_makes_one_meeting(
    madrid_new_york: Pair, clock: SettableClock
) -> None:
    pair = madrid_new_york
    clock.set("2026-05-01T08:00:00+00:00")
    path = f"/api/v1/relationships/{pair.relationship_id}/meetings"
    body = {"startsAt": "2026-05-14T10:00", "durationMinutes": 60, "agenda": "Margins"}
    headers = {"Idempotency-Key": "ben-proposes-margins"}
    first = pair.acme.post(path, pair.ben, json=body, headers=headers)
    position = pair.position
    second = pair.acme.post(path, pair.ben, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert pair.position == position
    listed = pair.acme.get(f"/api/v1/relationships/{pair.relationship_id}/meetings", pair.ben)
    assert len(listed.json()["meetings"]) == 1
