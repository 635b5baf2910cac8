"""A timeline that is rebuilt from the first event is the timeline that was built as it went,
whatever the batches, and a meeting moved or cancelled reads right on both clocks."""

from __future__ import annotations

from datetime import datetime

import pytest

from projections.engine import Projector
from projections.reading import open_read_model
from projections.timelines.projection import TIMELINES
from services.mentoring.application import Mentoring
from tests.projections.timelines.conftest import Story, ok


def more_history(story: Story) -> tuple[str, str]:
    """A meeting moved by the mentee then cancelled, a withdrawn, an expired and an ended
    relationship. Answers the relationship with the meeting and the moved meeting's id."""
    acme, clock, sofia, ben = story.acme, story.clock, story.sofia, story.ben
    eli = acme.member("Eli", roles=["mentor"])
    story.mentor_profile(eli)
    clock.set("2031-07-01T09:00:00Z")
    withdrawn = story.request(sofia, eli)
    story.move(withdrawn, "withdraw", sofia)
    clock.set("2031-07-02T09:00:00Z")
    story.request(sofia, eli)
    expired_at = clock.set("2031-07-20T09:00:00Z")
    ithaca = acme.served.ithaca
    mentoring = ithaca.tenant_application(ithaca.tenant(acme.slug), Mentoring)
    mentoring.expire_overdue_requests(expired_at)

    clock.set("2031-07-21T09:00:00Z")
    current = story.request(sofia, ben)
    story.move(current, "accept", ben)
    story.move(current, "start", ben)
    story.say(current, sofia, "2031-07-22T09:00:00Z")
    clock.set("2031-07-23T09:00:00Z")
    meeting_id: str = ok(acme.post(f"/api/v1/relationships/{current}/meetings", ben, json={
        "startsAt": "2031-08-05T17:00", "durationMinutes": 45, "agenda": "Costes",
    }), 201)["meeting"]["meetingId"]
    # Sofía moves it to 10:00 on her own clock; Ben then cancels it.
    clock.set("2031-07-24T15:00:00Z")
    ok(acme.post(f"/api/v1/meetings/{meeting_id}/reschedule", sofia,
                 json={"startsAt": "2031-08-06T10:00"}))
    clock.set("2031-07-25T08:00:00Z")
    ok(acme.post(f"/api/v1/meetings/{meeting_id}/cancel", ben))
    clock.set("2031-07-26T08:00:00Z")
    story.move(current, "end", ben, {"reason": "Ya no tengo tiempo este verano."})
    return current, meeting_id


def test_a_meeting_moved_by_the_mentee_shows_the_new_time_on_both_clocks(story: Story) -> None:
    relationship_id, meeting_id = more_history(story)
    story.acme.project()
    entries = story.timeline(relationship_id, story.ben)["entries"]
    assert [e["kind"] for e in entries] == [
        "requested", "accepted", "started", "messages", "meeting_proposed",
        "meeting_rescheduled", "meeting_cancelled", "ended",
    ]
    moved = entries[5]
    assert (moved["who"], moved["meetingId"]) == (str(story.sofia.id), meeting_id)
    assert {p["side"]: (p["startsAt"], p["utcOffset"]) for p in
            moved["schedule"]["participants"]} == {
        "mentee": ("2031-08-06T10:00:00-06:00", "-06:00"),
        "mentor": ("2031-08-06T18:00:00+02:00", "+02:00"),
    }
    assert (moved["schedule"]["proposedInTimeZone"], moved["schedule"]["sequence"],
            moved["schedule"]["durationMinutes"]) == ("America/Mexico_City", 1, 45)
    assert (entries[6]["who"], entries[6]["meetingId"]) == (str(story.ben.id), meeting_id)
    assert entries[7]["who"] == str(story.ben.id)
    assert "verano" not in str(entries)

    closed = {r["status"]: r for r in ok(story.acme.get(
        "/api/v1/me/relationships/summaries", story.sofia))["relationships"]}
    assert set(closed) == {"ended", "expired", "withdrawn"}
    withdrawn = story.timeline(closed["withdrawn"]["relationshipId"], story.sofia)["entries"]
    assert [(e["kind"], e["who"], e["withdrawalCause"]) for e in withdrawn] == [
        ("requested", str(story.sofia.id), None), ("withdrawn", str(story.sofia.id), "mentee")
    ]
    expired = story.timeline(closed["expired"]["relationshipId"], story.sofia)["entries"]
    assert [(e["kind"], e["who"]) for e in expired][-1] == ("expired", None)
    assert datetime.fromisoformat(closed["expired"]["closedAt"]) == datetime.fromisoformat(
        "2031-07-20T09:00:00Z"
    )


@pytest.mark.parametrize("batch_size", [1, 3])
def test_rebuilding_from_the_first_event_gives_identical_rows(
    story: Story, batch_size: int
) -> None:
    story.walk()
    more_history(story)
    story.acme.project()  # built as one batch

    ithaca = story.acme.served.ithaca
    model = open_read_model(ithaca, ithaca.tenant(story.acme.slug), TIMELINES)
    suffix = f"_rebuild{batch_size}"
    shadow = Projector(model.stream, TIMELINES, batch_size=batch_size,
                       state_name=f"timelines{suffix}", suffix=suffix)
    rebuilt = shadow.catch_up()
    assert rebuilt.position == model.position
    assert rebuilt.batches > 1

    stored = ""
    for table in TIMELINES.tables:
        query = "SELECT * FROM {t} ORDER BY " + ", ".join(table.key)
        live = model.store.select(query, t=table.name)
        assert live, f"{table.name} is empty"
        assert model.store.select(query, t=table.name + suffix) == live, table.name
        stored += str(live)
    # No personal data: introductions, messages, decline notes, end reasons, agendas and
    # session summaries stay on the write side.
    for text in ("Coyoacán", "mensaje", "verano", "Costes", "Precios", "Revisamos"):
        assert text not in stored
