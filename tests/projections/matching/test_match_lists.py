"""Match lists: each entrepreneur's best mentors, each mentor's entrepreneurs, and why.

Ana runs a small workshop in Spain and needs help with finance and marketing. The mentors differ
in one thing at a time, so each scenario shows what that one thing does to her list.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import msgspec
import pytest

from infra.clock import SettableClock
from infra.settings import Settings
from projections.matching.index import index_for
from projections.matching.projection import MATCHING
from projections.reading import open_read_model
from services.actor import Actor
from services.mentoring.application import Mentoring
from tests.projections.matching.people import (
    criterion,
    entrepreneur,
    ids,
    mentor,
    mentors_for,
    read,
    request,
)
from tests.tenant_api import TenantApi
from tests.web import serving


def test_the_mentor_whose_expertise_covers_her_needs_comes_first_and_says_why(
    acme: TenantApi,
) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance", "marketing"])
    carla = mentor(acme, "Carla", expertise=["legal", "strategy"])
    ben = mentor(acme, "Ben", expertise=["finance", "marketing", "sales"])
    acme.project()

    body = read(acme, "/api/v1/matches/mentors", ana)
    assert body["memberId"] == str(ana.id)
    assert body["languageFilter"] is True
    assert body["position"] > 0
    assert ids(body["matches"]) == [ben.id, carla.id]

    first = body["matches"][0]
    assert criterion(first, "expertise")["score"] == 1.0
    assert criterion(body["matches"][1], "expertise")["score"] == 0.0
    for match in body["matches"]:
        names = [item["criterion"] for item in match["explanation"]]
        assert names == ["language", "expertise", "industry", "country", "hours", "stage",
                         "capacity", "responsiveness", "openRequests"]
        assert sum(item["points"] for item in match["explanation"]) == pytest.approx(
            match["score"], abs=1e-5)
        for item in match["explanation"]:
            sign = -1 if item["criterion"] == "openRequests" else 1
            assert item["points"] == pytest.approx(sign * item["weight"] * item["score"],
                                                   abs=1e-3)
    assert first["expertise"] == ["finance", "marketing", "sales"]
    assert first["remainingCapacity"] == 5


def test_the_language_filter_hides_mentors_without_a_shared_language_until_turned_off(
    acme: TenantApi,
) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"], languages=["es", "en"])
    dewi = mentor(acme, "Dewi", expertise=["finance"], languages=["id"],
                  country="ID", timeZone="Asia/Jakarta")
    ben = mentor(acme, "Ben", expertise=["strategy"], languages=["en"])
    acme.project()
    assert ids(mentors_for(acme, ana)) == [ben.id]

    tina = acme.member("Tina", roles=["tenant_admin"])
    settings = read(acme, "/api/v1/programme/settings", tina)
    response = acme.put("/api/v1/programme/settings", tina,
                        json={**settings, "languageFilter": False})
    assert response.status_code == 200, response.text
    acme.project()

    body = read(acme, "/api/v1/matches/mentors", ana)
    assert body["languageFilter"] is False
    matches = {UUID(match["memberId"]): match for match in body["matches"]}
    assert set(matches) == {ben.id, dewi.id}
    assert criterion(matches[dewi.id], "language")["score"] == 0.0
    assert criterion(matches[ben.id], "language")["score"] == 1.0


def test_changing_the_weights_is_an_event_that_reorders_the_list(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"], industry="I")
    ben = mentor(acme, "Ben", expertise=["finance"], industries=["C"])
    carla = mentor(acme, "Carla", expertise=["legal"], industries=["I"])
    acme.project()
    assert ids(mentors_for(acme, ana)) == [ben.id, carla.id]

    pat = acme.member("Pat", roles=["programme_admin"])
    weights = read(acme, "/api/v1/matching/weights", ana)
    assert weights["expertise"] == 3.0
    changed = acme.put("/api/v1/matching/weights", pat,
                       json={**weights, "expertise": 0.5, "industry": 4})
    assert changed.status_code == 200, changed.text
    acme.project()

    body = read(acme, "/api/v1/matches/mentors", ana)
    assert body["position"] >= changed.json()["position"]
    assert ids(body["matches"]) == [carla.id, ben.id]
    assert criterion(body["matches"][0], "industry") == {
        "criterion": "industry", "score": 1.0, "weight": 4.0, "points": 4.0}


def test_weights_are_checked_and_only_admins_change_them(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana")
    pat = acme.member("Pat", roles=["programme_admin"])
    weights = read(acme, "/api/v1/matching/weights", ana)

    refused = acme.put("/api/v1/matching/weights", pat, json={**weights, "hours": -1})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "hours"
    refused = acme.put("/api/v1/matching/weights", pat, json={**weights, "openRequests": 11})
    assert refused.json()["error"]["field"] == "openRequests"
    assert acme.put("/api/v1/matching/weights", ana, json=weights).status_code == 403
    assert read(acme, "/api/v1/matching/weights", ana) == weights


def test_blocked_suspended_and_full_mentors_are_never_listed(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["finance"])
    carla = mentor(acme, "Carla", expertise=["finance"])
    eva = mentor(acme, "Eva", expertise=["finance"], capacity=1)
    fred = mentor(acme, "Fred", expertise=["finance"])
    acme.project()
    assert set(ids(mentors_for(acme, ana))) == {ben.id, carla.id, eva.id, fred.id}

    # Ana blocks Ben; Carla is suspended after a report; Eva takes on her one mentee.
    assert acme.post("/api/v1/blocks", ana, json={"memberId": str(ben.id)}).status_code == 201
    pat = acme.member("Pat", roles=["programme_admin"])
    report = acme.post("/api/v1/reports", fred, json={
        "memberId": str(carla.id), "reason": "asking_for_money",
        "details": "Asked me to pay for sessions outside the platform."})
    assert report.status_code == 201, report.text
    suspended = acme.post(f"/api/v1/reports/{report.json()['reportId']}/suspend", pat,
                          json={"note": "Repeated requests for money."})
    assert suspended.status_code == 200, suspended.text
    bea = entrepreneur(acme, "Bea", needs=["finance"])
    relationship = request(acme, bea, eva)
    accepted = acme.post(f"/api/v1/relationships/{relationship}/accept", eva, json={})
    assert accepted.status_code == 200, accepted.text
    acme.project()

    assert ids(mentors_for(acme, ana)) == [fred.id]
    # Blocks work both ways: Ben does not see Ana among the entrepreneurs who need him.
    assert ana.id not in ids(read(acme, "/api/v1/matches/entrepreneurs", ben)["matches"])

    reinstated = acme.post(f"/api/v1/members/{carla.id}/reinstate", pat,
                           json={"reason": "Cleared after review."})
    assert reinstated.status_code == 200, reinstated.text
    acme.project()
    assert set(ids(mentors_for(acme, ana))) == {carla.id, fred.id}


def test_a_mentor_already_asked_is_not_suggested_again(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["finance"])
    carla = mentor(acme, "Carla", expertise=["finance"])
    request(acme, ana, ben)
    acme.project()
    assert ids(mentors_for(acme, ana)) == [carla.id]


def test_open_requests_push_a_popular_mentor_down_so_exposure_spreads(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["finance"], capacity=4)
    carla = mentor(acme, "Carla", expertise=["finance"], capacity=4)
    acme.project()
    before = {UUID(m["memberId"]): m["score"] for m in mentors_for(acme, ana)}
    assert before[ben.id] == before[carla.id]

    for name in ("Bea", "Cruz"):
        request(acme, entrepreneur(acme, name, needs=["finance"]), ben)
    acme.project()

    matches = mentors_for(acme, ana)
    assert ids(matches) == [carla.id, ben.id]
    penalty = criterion(matches[1], "openRequests")
    assert penalty["score"] == 0.5  # two open requests for four free places
    assert penalty["points"] == -0.5
    assert matches[1]["openRequests"] == 2
    assert criterion(matches[0], "openRequests")["points"] == 0.0


def test_mentors_who_answer_rank_above_mentors_who_let_requests_expire(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    ithaca = acme.served.ithaca
    mentoring = ithaca.tenant_application(ithaca.tenant(acme.slug), Mentoring)
    now = ithaca_clock.set(datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["finance"])
    carla = mentor(acme, "Carla", expertise=["finance"])
    for name in ("Bea", "Cruz"):
        mentee = entrepreneur(acme, name, needs=["finance"])
        to_ben = request(acme, mentee, ben)
        request(acme, mentee, carla)
        declined = acme.post(f"/api/v1/relationships/{to_ben}/decline", ben,
                             json={"reason": "not_a_fit"})
        assert declined.status_code == 200, declined.text
    mentoring.expire_overdue_requests(now + timedelta(days=15),
                                      Actor(kind="system", id="test-expiry"))
    acme.project()

    matches = mentors_for(acme, ana)
    assert ids(matches) == [ben.id, carla.id]
    ben_score = criterion(matches[0], "responsiveness")["score"]
    carla_score = criterion(matches[1], "responsiveness")["score"]
    # Ben answered both at once; Carla let both expire (each has a neutral prior).
    assert ben_score == pytest.approx(0.6 * 3.6 / 4 + 0.4 * 1.0, abs=1e-3)
    assert carla_score == pytest.approx(0.6 * 1.6 / 4 + 0.4 * 0.5, abs=1e-3)


def test_a_mentor_sees_the_entrepreneurs_who_need_what_they_offer(acme: TenantApi) -> None:
    ben = mentor(acme, "Ben", expertise=["finance", "marketing"], industries=["C"])
    ana = entrepreneur(acme, "Ana", needs=["finance", "marketing"])
    bea = entrepreneur(acme, "Bea", needs=["finance", "legal"], industry="I")
    entrepreneur(acme, "Cruz", needs=["legal"])
    entrepreneur(acme, "Dara")  # no self-assessment: no needs yet
    acme.project()

    body = read(acme, "/api/v1/matches/entrepreneurs", ben)
    assert body["memberId"] == str(ben.id)
    assert ids(body["matches"]) == [ana.id, bea.id]
    assert body["candidates"] == 2
    first, second = body["matches"]
    assert first["needAreas"] == ["finance", "marketing"]
    assert criterion(first, "expertise")["score"] == 1.0
    assert criterion(second, "expertise")["score"] == 0.5
    assert criterion(second, "industry")["score"] == 0.0
    for match in body["matches"]:
        assert [item["criterion"] for item in match["explanation"]] == [
            "language", "expertise", "industry", "country", "hours", "stage"]
        assert sum(item["points"] for item in match["explanation"]) == pytest.approx(
            match["score"], abs=1e-5)


def test_hours_and_country_ties_count_across_time_zones(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"], country="MX",
                       timeZone="America/Mexico_City")
    # Both work 09:00-17:00 in their own zone: Madrid is 7 hours ahead of Mexico City, Lima 1
    # behind; Lucía in Lima once ran a business in Mexico.
    ben = mentor(acme, "Ben", expertise=["finance"], country="ES")
    lucia = mentor(acme, "Lucía", expertise=["finance"], country="PE", timeZone="America/Lima",
                   countriesOfExperience=["MX"])
    acme.project()

    matches = {UUID(m["memberId"]): m for m in mentors_for(acme, ana)}
    assert criterion(matches[lucia.id], "country")["score"] == 1.0
    assert criterion(matches[ben.id], "country")["score"] == 0.0
    assert criterion(matches[lucia.id], "hours")["score"] == 1.0  # 7 shared hours a day
    # An hour a day while Madrid keeps winter time, none in summer: 2.5 of 4 hours a week.
    assert criterion(matches[ben.id], "hours")["score"] == 0.625
    assert list(matches) == [lucia.id, ben.id]


def test_only_admins_see_another_members_list_and_other_tenants_members_are_unknown(
    acme: TenantApi,
) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    bea = entrepreneur(acme, "Bea", needs=["finance"])
    pat = acme.member("Pat", roles=["programme_admin"])
    mentor(acme, "Ben", expertise=["finance"])
    acme.served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"))
    globex = TenantApi(acme.served, "globex")
    outsider = entrepreneur(globex, "Olga", needs=["finance"])
    acme.project()

    assert len(mentors_for(acme, pat, memberId=str(ana.id))) == 1
    refused = acme.get("/api/v1/matches/mentors", bea, params={"memberId": str(ana.id)})
    assert refused.status_code == 403
    for unknown in (outsider.id, uuid4()):
        missing = acme.get("/api/v1/matches/mentors", pat, params={"memberId": str(unknown)})
        assert missing.status_code == 404
        assert missing.json()["error"]["field"] == "memberId"
    assert acme.get("/api/v1/matches/mentors", ana, params={"limit": 0}).status_code == 400


def test_a_profile_change_shows_in_the_list_read_after_its_position(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["legal"])
    acme.project()
    assert criterion(mentors_for(acme, ana)[0], "expertise")["score"] == 0.0

    changed = acme.put("/api/v1/profiles/mentor/me", ben, json={
        "headline": "Finance for workshops", "bio": "Cash flow and bookkeeping.",
        "expertise": ["finance"], "industries": ["C"], "languages": ["en"], "country": "ES",
        "countriesOfExperience": [], "timeZone": "Europe/Madrid",
        "workingHours": {"start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]},
        "capacity": 3, "monthlyHours": 4,
    })
    assert changed.status_code == 200, changed.text
    acme.project()
    body = read(acme, "/api/v1/matches/mentors", ana, after=changed.json()["position"])
    assert criterion(body["matches"][0], "expertise")["score"] == 1.0
    assert body["matches"][0]["remainingCapacity"] == 3


def test_the_web_app_loads_and_refreshes_the_match_index_before_anyone_asks(
    settings: Settings,
) -> None:
    # A cold index costs seconds at scale; the first member to ask must not be the one to pay.
    settings = msgspec.structs.replace(settings, match_index_refresh_seconds=0.2)
    with serving(settings) as served:
        served.ithaca.registry.provision_tenant(
            slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test"))
        acme = TenantApi(served, "acme")
        ana = entrepreneur(acme, "Ana", needs=["finance"])
        ben = mentor(acme, "Ben", expertise=["finance"])
        acme.project()
        model = open_read_model(served.ithaca, served.ithaca.tenant("acme"), MATCHING)
        index = index_for(model.stream.events)
        position = model.position

        deadline = time.monotonic() + 20
        while index.position < position and time.monotonic() < deadline:
            time.sleep(0.05)
        assert index.position >= position, "the warmer never loaded the index"
        assert index.mentors.n == 1
        assert index.entrepreneurs.n == 1

        carla = mentor(acme, "Carla", expertise=["finance", "marketing"])
        acme.project()
        position = model.position
        deadline = time.monotonic() + 20
        while index.position < position and time.monotonic() < deadline:
            time.sleep(0.05)
        assert index.mentors.n == 2, "the warmer did not bring in the new mentor"
        assert set(ids(mentors_for(acme, ana))) == {ben.id, carla.id}
