"""Reading a relationship's timeline and a member's relationships back through the API."""

from __future__ import annotations

from typing import Any

from services.actor import Actor
from tests.projections.timelines.conftest import INTRODUCTION, Story, ok
from tests.tenant_api import TenantApi


def steps(timeline: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(entry["kind"], entry["who"], entry["at"]) for entry in timeline["entries"]]


def test_a_relationship_reads_back_in_order_with_who_when_and_both_clocks(
    story: Story,
) -> None:
    relationship_id = story.walk()
    story.acme.project()
    sofia, ben = str(story.sofia.id), str(story.ben.id)

    timeline = story.timeline(relationship_id, story.sofia)
    assert steps(timeline) == [
        ("requested", sofia, "2031-03-03T17:00:00Z"),
        ("accepted", ben, "2031-03-04T09:30:00Z"),
        ("started", sofia, "2031-03-04T17:00:00Z"),
        ("messages", None, "2031-03-05T15:00:00Z"),
        ("messages", None, "2031-03-11T14:00:00Z"),
        ("meeting_proposed", ben, "2031-03-20T18:00:00Z"),
        ("meeting_accepted", sofia, "2031-03-21T15:00:00Z"),
        ("session_logged", sofia, "2031-04-08T16:05:00Z"),
        ("session_confirmed", ben, "2031-04-08T18:30:00Z"),
        ("paused", ben, "2031-05-01T10:00:00Z"),
        ("resumed", sofia, "2031-05-15T16:00:00Z"),
        ("follow_up_survey", sofia, "2031-06-04T17:00:00Z"),
        ("completed", ben, "2031-06-10T17:00:00Z"),
    ]
    entries = timeline["entries"]
    positions = [entry["position"] for entry in entries]
    assert positions == sorted(positions)
    assert timeline["nextCursor"] is None
    assert timeline["position"] >= positions[-1]

    # Messages are counted per ISO week (UTC), with who sent them; no bodies anywhere.
    assert [entry["messages"] for entry in entries if entry["kind"] == "messages"] == [
        {"week": "2031-W10", "weekStarts": "2031-03-03", "messages": 3, "fromMentee": 1,
         "fromMentor": 2, "firstAt": "2031-03-05T15:00:00Z", "lastAt": "2031-03-09T23:30:00Z"},
        {"week": "2031-W11", "weekStarts": "2031-03-10", "messages": 1, "fromMentee": 1,
         "fromMentor": 0, "firstAt": "2031-03-11T14:00:00Z", "lastAt": "2031-03-11T14:00:00Z"},
    ]
    assert "mensaje" not in str(timeline)
    assert INTRODUCTION not in str(timeline)

    # The meeting on both clocks: Sofía's first, as she is the one reading.
    proposed = entries[5]
    assert proposed["meetingId"] == story.meeting_id
    assert proposed["schedule"] == {
        "startsAtUtc": "2031-04-08T15:00:00Z", "endsAtUtc": "2031-04-08T16:00:00Z",
        "durationMinutes": 60, "proposedInTimeZone": "Europe/Madrid", "sequence": 0,
        "participants": [
            {"memberId": sofia, "side": "mentee", "timeZone": "America/Mexico_City",
             "startsAt": "2031-04-08T09:00:00-06:00", "endsAt": "2031-04-08T10:00:00-06:00",
             "utcOffset": "-06:00"},
            {"memberId": ben, "side": "mentor", "timeZone": "Europe/Madrid",
             "startsAt": "2031-04-08T17:00:00+02:00", "endsAt": "2031-04-08T18:00:00+02:00",
             "utcOffset": "+02:00"},
        ],
    }
    assert [p["side"] for p in story.timeline(relationship_id, story.ben)["entries"][5]
            ["schedule"]["participants"]] == ["mentor", "mentee"]
    assert [(e["meetingId"], e["sessionMinutes"]) for e in entries[6:9]] == [
        (story.meeting_id, None), (story.meeting_id, 55), (story.meeting_id, 55)
    ]
    assert entries[11]["monthsAfter"] == 3

    assert timeline["relationship"] == {
        "relationshipId": relationship_id, "menteeId": sofia, "mentorId": ben,
        "status": "completed", "requestedAt": "2031-03-03T17:00:00Z",
        "expiresAt": "2031-03-17T17:00:00Z", "answeredAt": "2031-03-04T09:30:00Z",
        "activatedAt": "2031-03-04T17:00:00Z", "closedAt": "2031-06-10T17:00:00Z",
        "messages": 4, "meetings": 1, "sessions": 1, "sessionMinutes": 55,
        "lastActivityAt": "2031-06-10T17:00:00Z",
    }

    # Page by page, the same timeline.
    paged: list[dict[str, Any]] = []
    page = story.timeline(relationship_id, story.sofia, limit=4)
    while True:
        paged += page["entries"]
        assert len(page["entries"]) <= 4
        if page["nextCursor"] is None:
            break
        page = story.timeline(relationship_id, story.sofia, limit=4, cursor=page["nextCursor"])
    assert paged == entries

    # ?after= a position the read model has reached answers at once.
    assert story.timeline(relationship_id, story.sofia,
                          after=timeline["position"])["entries"] == entries


def test_each_member_lists_their_relationships_on_both_sides(story: Story) -> None:
    acme = story.acme
    first = story.walk()
    # Ben is asked twice more; Sofía, also a mentee elsewhere, asks another mentor.
    carmen = acme.member("Carmen", roles=["entrepreneur"])
    dora = acme.member("Dora", roles=["entrepreneur"])
    eli = acme.member("Eli", roles=["mentor"])
    story.mentor_profile(eli)
    story.clock.set("2031-06-11T10:00:00Z")
    second = story.request(carmen, story.ben)
    story.clock.set("2031-06-12T10:00:00Z")
    third = story.request(dora, story.ben)
    fourth = story.request(story.sofia, eli)
    acme.project()

    mine = ok(acme.get("/api/v1/me/relationships/summaries", story.ben))
    assert [(r["relationshipId"], r["side"], r["counterpartId"], r["status"])
            for r in mine["relationships"]] == [
        (third, "mentor", str(dora.id), "requested"),
        (second, "mentor", str(carmen.id), "requested"),
        (first, "mentor", str(story.sofia.id), "completed"),
    ]
    assert mine["nextBefore"] is None
    assert mine["memberId"] == str(story.ben.id)
    assert mine["relationships"][2]["messages"] == 4

    # Two to a page, older ones after `before`.
    path = f"/api/v1/members/{story.ben.id}/relationships"
    page = ok(acme.get(path, story.ben, params={"limit": 2}))
    assert [r["relationshipId"] for r in page["relationships"]] == [third, second]
    rest = ok(acme.get(path, story.ben, params={"limit": 2, "before": page["nextBefore"]}))
    assert ([r["relationshipId"] for r in rest["relationships"]], rest["nextBefore"]) == (
        [first], None
    )

    sofias = ok(acme.get(f"/api/v1/members/{story.sofia.id}/relationships", story.sofia))
    assert [(r["relationshipId"], r["side"]) for r in sofias["relationships"]] == [
        (fourth, "mentee"), (first, "mentee")
    ]
    # Programme admins and auditors read anyone's list; another member reads nobody's.
    admin = acme.member("Pat", roles=["programme_admin"])
    auditor = acme.member("Aud", roles=["auditor"])
    for reader in (admin, auditor):
        assert ok(acme.get(path, reader))["relationships"] == mine["relationships"]
    refused = acme.get(path, carmen)
    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["field"] == "memberId"

    too_many = acme.get(path, story.ben, params={"limit": 0})
    assert too_many.status_code == 400, too_many.text
    assert too_many.json()["error"]["field"] == "limit"


def test_the_mentee_does_not_see_why_her_request_was_declined(story: Story) -> None:
    acme = story.acme
    relationship_id = story.request(story.sofia, story.ben)
    story.clock.set("2031-03-04T09:30:00Z")
    story.move(relationship_id, "decline", story.ben,
               {"reason": "too_busy", "note": "Fully booked until June."})
    admin = acme.member("Pat", roles=["programme_admin"])
    acme.project()

    declined = story.timeline(relationship_id, story.sofia)["entries"][-1]
    assert (declined["kind"], declined["who"], declined["at"]) == (
        "declined", str(story.ben.id), "2031-03-04T09:30:00Z"
    )
    assert declined["declineReason"] is None
    for reader in (story.ben, admin):
        assert story.timeline(relationship_id, reader)["entries"][-1]["declineReason"] == (
            "too_busy"
        )
    summary = story.timeline(relationship_id, story.sofia)["relationship"]
    assert (summary["status"], summary["closedAt"]) == ("declined", "2031-03-04T09:30:00Z")
    assert "Fully booked" not in str(story.timeline(relationship_id, admin))


def test_only_the_two_members_admins_and_auditors_read_a_timeline(story: Story) -> None:
    acme = story.acme
    relationship_id = story.request(story.sofia, story.ben)
    stranger = acme.member("Stranger", roles=["entrepreneur", "mentor"])
    auditor = acme.member("Aud", roles=["auditor"])
    acme.project()

    assert story.timeline(relationship_id, auditor)["entries"][0]["kind"] == "requested"
    refused = acme.get(f"/api/v1/relationships/{relationship_id}/timeline", stranger)
    unknown = acme.get(f"/api/v1/relationships/{stranger.id}/timeline", stranger)
    for answer in (refused, unknown):
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"]["field"] == "relationshipId"
    assert refused.json()["error"]["problem"].replace(relationship_id, "?") == (
        unknown.json()["error"]["problem"].replace(str(stranger.id), "?")
    )
    assert acme.get(f"/api/v1/relationships/{relationship_id}/timeline").status_code == 401


def test_another_tenants_relationships_and_members_are_unknown_here(story: Story) -> None:
    acme = story.acme
    served = acme.served
    served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"),
        time_zone="Europe/Madrid",
    )
    globex = TenantApi(served, "globex")
    elsewhere = Story(globex)
    their_relationship = elsewhere.request(elsewhere.sofia, elsewhere.ben)
    globex.project()
    admin = acme.member("Pat", roles=["programme_admin"])
    acme.project()

    assert elsewhere.timeline(their_relationship, elsewhere.ben)["relationship"]["status"] == (
        "requested"
    )
    for path in (f"/api/v1/relationships/{their_relationship}/timeline",
                 f"/api/v1/members/{elsewhere.sofia.id}/relationships"):
        answer = acme.get(path, admin)
        assert answer.status_code == 404, answer.text
    # Their members' sessions mean nothing here.
    assert acme.get(f"/api/v1/relationships/{their_relationship}/timeline",
                    elsewhere.ben).status_code == 401


def test_a_read_after_a_commands_position_sees_that_command(story: Story) -> None:
    relationship_id = story.request(story.sofia, story.ben)
    declined = ok(story.acme.post(f"/api/v1/relationships/{relationship_id}/decline",
                                  story.ben, json={"reason": "not_a_fit"}))
    # No catching up by hand: the read waits for the worker to reach the command's position.
    timeline = story.timeline(relationship_id, story.ben, after=declined["position"], wait=30)
    assert timeline["position"] >= declined["position"]
    assert [e["kind"] for e in timeline["entries"]] == ["requested", "declined"]
    assert timeline["relationship"]["status"] == "declined"
