"""Point-in-time replay through the API: an auditor looks at the programme as it was just
before the weights changed, Carla joined and Ben was suspended (the story in `conftest`)."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pytest

from projections.reading import open_read_model
from projections.replay import serving
from projections.replay.directory import DIRECTORY
from projections.replay.engine import REPLAYED, event_time, list_replays, stream_head
from services.actor import Actor
from tests.replay.conftest import Story
from tests.tenant_api import TenantApi


def _live_rows(acme: TenantApi) -> dict[str, Any]:
    """Every live read-model row, and each projection's generation (its position moves on
    meanwhile: the auditor's reads are recorded as events)."""
    ithaca = acme.served.ithaca
    tenant = ithaca.tenant(acme.slug)
    rows: dict[str, Any] = {}
    for projection in REPLAYED:
        if projection is DIRECTORY:  # a replay's own: no live tables
            continue
        model = open_read_model(ithaca, tenant, projection)
        state = model.store.state(projection.name)
        rows[projection.name] = state.generation if state else None
        for table in projection.tables:
            rows[table.name] = sorted(map(repr, model.store.rows(table)))
    return rows


def _names(members: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {member["name"]: member for member in members["members"]}


def test_the_directory_dashboard_timeline_and_matches_read_as_they_were_then(
    story: Story,
) -> None:
    live_before = _live_rows(story.acme)
    at = f"/api/v1/audit/replays/{story.moment}"

    summary = story.get(at)
    assert summary["position"] == story.moment
    assert summary["members"] == 6
    assert summary["relationships"] == {"accepted": 1}
    assert summary["weights"] is None  # never changed then: the defaults were in force

    # The directory: Carla had not joined, Ben was not suspended yet.
    members = _names(story.get(f"{at}/members"))
    assert set(members) == {"Pat", "Aude", "Ana", "Eve", "Ben", "Dora"}
    assert members["Ben"]["status"] == "active"
    assert members["Ben"]["roles"] == ["mentor"]
    assert members["Ana"]["country"] == "ES"
    live = _names(story.get(f"/api/v1/audit/replays/{stream_head_of(story)}/members"))
    assert live["Ben"]["status"] == "suspended"
    assert "Carla" in live

    # The dashboard: one request sent then, two now.
    then = story.get(f"{at}/dashboard")
    assert then["position"] == story.moment
    assert then["requests"]["sent"]["total"]["value"] == 1
    now = story.get("/api/v1/dashboard", story.pat)
    assert now["requests"]["sent"]["total"]["value"] == 2

    # Relationships and timelines: Ana's request to Dora did not exist then.
    relationships = story.get(f"{at}/relationships")["relationships"]
    assert [r["relationshipId"] for r in relationships] == [story.eves_relationship]
    assert relationships[0]["status"] == "accepted"
    timeline = story.get(f"{at}/relationships/{story.eves_relationship}/timeline")
    assert [entry["kind"] for entry in timeline["entries"]] == ["requested", "accepted"]
    assert timeline["position"] == story.moment
    missing = story.acme.get(f"{at}/relationships/{story.anas_relationship}/timeline",
                             story.auditor)
    assert missing.status_code == 404
    assert missing.json()["error"]["field"] == "relationshipId"

    # Ana's matches with the weights then in force: Ben (finance) before Dora (industry I);
    # with today's weights Dora comes first, and Ana has asked her since.
    matches = story.get(f"{at}/matches/{story.ana.id}")
    assert [UUID(m["memberId"]) for m in matches["mentors"]["matches"]] == [
        story.ben.id, story.dora.id]
    assert matches["entrepreneurs"] is None
    expertise = next(item for item in matches["mentors"]["matches"][0]["explanation"]
                     if item["criterion"] == "expertise")
    assert expertise["weight"] == 3.0
    later = story.get(f"/api/v1/audit/replays/{stream_head_of(story)}/matches/{story.ana.id}")
    assert later["weights"]["expertise"] == 0.5
    assert [UUID(m["memberId"]) for m in later["mentors"]["matches"]] == [story.carla.id]

    # The live read models were not touched by any of it.
    assert _live_rows(story.acme) == live_before


def stream_head_of(story: Story) -> int:
    ithaca = story.acme.served.ithaca
    return stream_head(ithaca, ithaca.tenant(story.acme.slug))


def test_comparing_two_moments_shows_what_changed(story: Story) -> None:
    head = stream_head_of(story)
    comparison = story.get("/api/v1/audit/compare", a=str(story.moment), b=str(head))
    assert comparison["a"]["position"] == story.moment
    assert comparison["b"]["position"] == head
    figures = {(f["section"], f["figure"]): f for f in comparison["figures"]}
    assert figures["directory", "members"] == {
        "section": "directory", "figure": "members", "a": 6, "b": 7, "difference": 1}
    assert figures["requests", "sent"]["difference"] == 1
    assert figures["members by role", "mentor"]["a"] == 2
    assert figures["members by role", "mentor"]["b"] == 3
    assert figures["relationships by status", "requested"] == {
        "section": "relationships by status", "figure": "requested", "a": 0, "b": 1,
        "difference": 1}


def test_a_time_resolves_to_the_last_position_at_or_before_it(story: Story) -> None:
    ithaca = story.acme.served.ithaca
    tenant = ithaca.tenant(story.acme.slug)
    moment = event_time(ithaca, tenant, story.moment)
    following = event_time(ithaca, tenant, story.moment + 1)
    assert moment is not None
    assert following is not None
    assert following > moment

    by_time = story.get(f"/api/v1/audit/replays/{moment.isoformat()}")
    assert by_time["position"] == story.moment
    between = moment + (following - moment) / 2
    assert story.get(f"/api/v1/audit/replays/{between.isoformat()}")["position"] == story.moment
    assert story.get(f"/api/v1/audit/replays/{following.isoformat()}")["position"] == (
        story.moment + 1)
    # Two names for one moment share one replay.
    assert [r["position"] for r in story.get("/api/v1/audit/replays")["replays"]] == [
        story.moment, story.moment + 1]


@pytest.mark.parametrize(("at", "status", "problem"), [
    ("0", 422, "from 1"),
    ("-4", 422, "from 1"),
    ("yesterday", 422, "not a time"),
    ("2999-01-01T00:00Z", 422, "in the future"),
    ("2001-01-01T00:00Z", 422, "before the tenant's first event"),
    ("999999", 404, "no position 999999"),
])
def test_bad_positions_and_times_are_refused_naming_the_field(
    acme: TenantApi, at: str, status: int, problem: str,
) -> None:
    auditor = acme.member("Aude", roles=["auditor"])
    response = acme.get(f"/api/v1/audit/replays/{at}/members", auditor)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == "at"
    assert problem in error["problem"]
    compared = acme.get("/api/v1/audit/compare", auditor, params={"a": "1", "b": at})
    assert compared.status_code == status
    assert compared.json()["error"]["field"] == "b"
    assert list_replays(acme.served.ithaca, acme.served.ithaca.tenant("acme")) == []


def test_entrepreneurs_are_refused_and_another_tenants_positions_are_unknown(
    acme: TenantApi,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    tina = acme.member("Tina", roles=["tenant_admin"])
    refused = acme.get("/api/v1/audit/replays/1", ana)
    assert refused.status_code == 403
    assert acme.get("/api/v1/audit/replays", ana).status_code == 403
    assert acme.get("/api/v1/audit/replays/1", tina).status_code == 200

    served = acme.served
    served.ithaca.registry.provision_tenant(slug="globex", display_name="Globex",
                                            actor=Actor(kind="cli", id="test"))
    globex = TenantApi(served, "globex")
    auditor = globex.member("Gus", roles=["auditor"])
    for name in ("Hana", "Ivo", "Jun", "Kai"):
        globex.member(name, roles=["mentor"])
    globex_head = stream_head(served.ithaca, served.ithaca.tenant("globex"))
    assert globex.get(f"/api/v1/audit/replays/{globex_head}", auditor).status_code == 200

    acme_auditor = acme.member("Aude", roles=["auditor"])
    assert stream_head(served.ithaca, served.ithaca.tenant("acme")) < globex_head
    foreign = acme.get(f"/api/v1/audit/replays/{globex_head}", acme_auditor)
    unknown = acme.get("/api/v1/audit/replays/987654", acme_auditor)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["error"]["field"] == unknown.json()["error"]["field"] == "at"


def test_a_big_replay_answers_202_with_progress_until_it_is_built(
    story: Story, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serving, "SYNC_BUILD_POSITIONS", 0)
    at = f"/api/v1/audit/replays/{story.moment}/members"
    first = story.acme.get(at, story.auditor)
    assert first.status_code == 202, first.text
    assert first.headers["Retry-After"] == "2"
    assert first.json()["position"] == story.moment
    assert first.json()["status"] == "building"
    for _ in range(200):
        answer = story.acme.get(at, story.auditor)
        if answer.status_code == 200:
            break
        assert answer.status_code == 202
        time.sleep(0.05)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["members"]) == 6
