"""`ithaca demo` fills the demo tenant with a programme nine months into its life, on both
backends: what its admin, its demo mentor and its demo entrepreneur see after signing in with
the printed sign-ins, and that running it again adds nothing.

One run per backend serves every assertion (the demo is the expensive part).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from infra.bootstrap import bootstrap
from infra.demo import DEMO_PASSWORD, DEMO_SIGN_INS, DEMO_SLUG, STORY_DAYS
from infra.settings import Settings
from projections.reading import open_read_model
from projections.timelines.projection import RELATIONSHIPS, TIMELINES
from services.accounts.application import Accounts
from tests.cli.test_cli import Operator, _restore_logging  # noqa: F401 - an autouse fixture
from tests.tenant_api import SignedInMember, TenantApi
from tests.web import serving


def test_the_demo_tenant_holds_a_programme_nine_months_in(settings: Settings) -> None:
    operator = Operator(settings)
    first = operator.ok("demo")
    assert f"sign in with the password '{DEMO_PASSWORD}' as:" in first.stdout
    for _who, email in DEMO_SIGN_INS:
        assert email in first.stdout

    position = _stream_position(settings)
    assert position > 1000
    # A second run (every `./dev serve`) adds nothing and prints the same.
    assert operator.ok("demo").stdout == first.stdout
    assert _stream_position(settings) == position

    # The read models are caught up here, once, with no in-process worker racing this thread.
    quiet = msgspec.structs.replace(settings, projections_in_process="off")
    with serving(quiet) as served:
        demo = TenantApi(served, DEMO_SLUG)
        demo.project()
        admin, mentor, entrepreneur = (
            _sign_in(demo, email) for email in (
                "admin@demo.example", "mentor@demo.example", "entrepreneur@demo.example")
        )
        for _who, email in DEMO_SIGN_INS[1:3]:
            _sign_in(demo, email)
        _the_admin_sees_the_programme(demo, admin)
        _the_admin_lists_relationships_in_every_state(served.ithaca, demo)
        _the_mentor_sees_her_mentees_and_hours(demo, mentor)
        _the_entrepreneur_sees_her_mentoring_and_surveys(demo, entrepreneur)
        _members_joined_over_the_story(demo, admin)
        _the_story_replays_three_months_in(demo, admin)
    # The CLI's as-of replay works on a date inside the story too.
    replayed = operator.ok("audit", "replay", "--tenant", DEMO_SLUG, "--as-of", _three_months_in())
    assert "error" not in replayed.stdout


def _stream_position(settings: Settings) -> int:
    ithaca = bootstrap(settings)
    try:
        return ithaca.tenant_application(ithaca.tenant(DEMO_SLUG), Accounts).position
    finally:
        ithaca.close()


def _sign_in(demo: TenantApi, email: str) -> SignedInMember:
    response = demo.post("/api/v1/sessions", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 201, (email, response.text)
    body = response.json()
    return SignedInMember(id=UUID(body["memberId"]), email=email, token=body["token"])


def _read(demo: TenantApi, path: str, member: SignedInMember) -> Any:
    response = demo.get(path, member)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _total(series: dict[str, Any]) -> Any:
    return series["total"]["value"]


def _the_admin_sees_the_programme(demo: TenantApi, admin: SignedInMember) -> None:
    dashboard = _read(demo, "/api/v1/dashboard", admin)
    members = {entry["role"]: _total(entry["members"]) for entry in dashboard["members"]["byRole"]}
    assert members["entrepreneur"] == 25
    assert 20 <= members["mentor"] <= 22
    assert members["programme_admin"] >= 2
    assert members["tenant_admin"] >= 1
    assert members["auditor"] >= 1

    # About nine months of history: requests, relationships and sessions in most of them.
    assert len(dashboard["months"]) >= 9
    requests, relationships = dashboard["requests"], dashboard["relationships"]
    assert _total(requests["sent"]) >= 25
    assert 0.5 < _total(requests["acceptanceRate"]) < 1
    assert relationships["activeNow"]["value"] >= 12
    assert _total(relationships["completed"]) >= 3
    started = [m for m in relationships["started"]["months"] if m["value"]]
    assert len(started) >= 5
    meetings = dashboard["meetings"]
    assert _total(meetings["sessions"]) >= 50
    assert _total(meetings["sessionHours"]) > 40
    assert len([m for m in meetings["sessionHours"]["months"] if m["value"]]) >= 7
    assert {entry["employer"] for entry in dashboard["volunteerHours"]} >= {
        "Meridian Bank", "Kite & Partners", "Northwind Logistics", "Solara Energy"}

    # Before and after: follow-ups of mentored and of never-mentored businesses.
    outcomes = dashboard["outcomes"]
    assert _total(outcomes["baselines"]) == 25
    follow_ups = outcomes["followUps"]
    assert follow_ups["mentored"]["total"]["value"] >= 15
    assert follow_ups["nonMentored"]["total"]["value"] >= 4
    revenue = outcomes["revenueChangePercent"]
    assert revenue["mentored"]["total"]["value"] > revenue["nonMentored"]["total"]["value"]
    assert outcomes["jobsAdded"]["mentored"]["total"]["value"] > 0
    assert outcomes["revenueBandUp"]["mentored"]["total"]["n"] > 0

    queue = _read(demo, "/api/v1/moderation/queue", admin)["reports"]
    assert len(queue) == 2


def _the_admin_lists_relationships_in_every_state(ithaca: Any, demo: TenantApi) -> None:
    """As the admin's relationships page reads them: the timelines read model."""
    model = open_read_model(ithaca, ithaca.tenant(DEMO_SLUG), TIMELINES)
    statuses = Counter(row["status"] for row in model.store.rows(RELATIONSHIPS))
    assert 11 <= statuses["active"] <= 13
    assert statuses["paused"] >= 1
    assert statuses["completed"] >= 3
    assert statuses["ended"] >= 1
    assert statuses["accepted"] >= 2
    assert statuses["requested"] >= 3
    assert statuses["declined"] >= 2
    assert statuses["withdrawn"] >= 2


def _the_mentor_sees_her_mentees_and_hours(demo: TenantApi, mentor: SignedInMember) -> None:
    relationships = _read(demo, "/api/v1/me/relationships", mentor)["relationships"]
    statuses = Counter(entry["status"] for entry in relationships)
    assert statuses["active"] == 3
    assert statuses["requested"] == 1  # one for her to answer
    hours = _read(demo, "/api/v1/me/volunteer-hours", mentor)
    assert hours["confirmedSessions"] >= 10
    assert hours["confirmedMinutes"] > 0
    assert _read(demo, "/api/v1/profiles/mentor/me", mentor)["employer"] == "Meridian Bank"


def _the_entrepreneur_sees_her_mentoring_and_surveys(
    demo: TenantApi, entrepreneur: SignedInMember
) -> None:
    [relationship] = _read(demo, "/api/v1/me/relationships", entrepreneur)["relationships"]
    assert relationship["status"] == "active"
    relationship_id = relationship["relationshipId"]

    messages = _read(demo, f"/api/v1/relationships/{relationship_id}/messages", entrepreneur)
    assert len(messages["messages"]) >= 6

    now = datetime.now(UTC)
    meetings = _read(
        demo, f"/api/v1/relationships/{relationship_id}/meetings", entrepreneur)["meetings"]
    past = [m for m in meetings if datetime.fromisoformat(m["startsAtUtc"]) < now]
    upcoming = [m for m in meetings if datetime.fromisoformat(m["startsAtUtc"]) > now]
    assert len(past) >= 4
    assert all(m["sessionLog"] and m["sessionLog"]["confirmed"] for m in past
               if m["status"] == "accepted")
    assert sorted(m["status"] for m in upcoming) == ["accepted", "proposed"]

    responses = _read(demo, "/api/v1/me/surveys", entrepreneur)["responses"]
    assert [r["kind"] for r in responses] == ["baseline", "follow_up"]
    assert (datetime.fromisoformat(responses[1]["answeredAt"])
            - datetime.fromisoformat(responses[0]["answeredAt"])).days > 90
    assessed = _read(demo, "/api/v1/self-assessments/me", entrepreneur)["submissions"]
    assert assessed[0]["needAreas"]


def _three_months_in() -> str:
    """A day about three months into the story (which starts `STORY_DAYS` before today)."""
    return (datetime.now(UTC).date() - timedelta(days=STORY_DAYS - 92)).isoformat()


def _members_joined_over_the_story(demo: TenantApi, admin: SignedInMember) -> None:
    """The story is told in story time: members joined across the months, not all today."""
    dashboard = _read(demo, "/api/v1/dashboard", admin)
    months_with_joins = {
        month["month"] for entry in dashboard["members"]["byRole"]
        for month in entry["members"]["months"] if month["value"]
    }
    assert len(months_with_joins) >= 6, months_with_joins


def _the_story_replays_three_months_in(demo: TenantApi, admin: SignedInMember) -> None:
    """An auditor can ask how the programme stood on a day inside the story."""
    dashboard = _read(demo, "/api/v1/dashboard", admin)
    entrepreneurs_now = next(_total(entry["members"]) for entry in dashboard["members"]["byRole"]
                             if entry["role"] == "entrepreneur")
    then = _read(demo, f"/api/v1/audit/replays/{_three_months_in()}", admin)
    assert then["asOf"][:10] <= _three_months_in()
    assert then["relationships"]
    replayed = _read(demo, f"/api/v1/audit/replays/{then['position']}/dashboard", admin)
    entrepreneurs_then = next(_total(entry["members"]) for entry in replayed["members"]["byRole"]
                              if entry["role"] == "entrepreneur")
    assert 0 < entrepreneurs_then < entrepreneurs_now
