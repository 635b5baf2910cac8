"""Mentor search: filters and free text over the same model as the match lists."""

from __future__ import annotations

from uuid import UUID

from tests.projections.matching.people import entrepreneur, ids, mentor, read, request
from tests.tenant_api import TenantApi

SEARCH = "/api/v1/mentors/search"


def test_filters_and_free_text_narrow_the_mentors_found(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"], languages=["es", "en"])
    ben = mentor(acme, "Ben", expertise=["export", "pricing"], industries=["C"],
                 languages=["en", "es"], country="ES", countriesOfExperience=["MX"],
                 headline="Export pricing for small manufacturers",
                 bio="Twenty years selling ceramics and textiles to Latin America.")
    carla = mentor(acme, "Carla", expertise=["finance"], industries=["I"], languages=["es"],
                   country="MX", headline="Restaurant finance",
                   bio="Cash flow for cafés and small restaurants.")
    dewi = mentor(acme, "Dewi", expertise=["export"], industries=["C"], languages=["id", "en"],
                  country="ID", timeZone="Asia/Jakarta", headline="Batik exports",
                  bio="I help craft businesses sell to Europe.")
    acme.project()

    def found(**params: str) -> list[UUID]:
        return ids(read(acme, SEARCH, ana, **params)["mentors"])

    assert set(found()) == {ben.id, carla.id, dewi.id}
    assert set(found(language="es")) == {ben.id, carla.id}
    assert set(found(country="MX")) == {ben.id, carla.id}  # Ben has worked in Mexico
    assert set(found(expertise="export")) == {ben.id, dewi.id}
    assert set(found(industry="I")) == {carla.id}
    assert found(expertise="export", language="es") == [ben.id]
    assert found(q="CASH flow") == [carla.id]
    assert found(q="export europe") == [dewi.id]  # every word, headline or bio
    assert found(q="export", expertise="finance") == []
    body = read(acme, SEARCH, ana, expertise="export", limit="1")
    assert body["total"] == 2
    assert len(body["mentors"]) == 1
    assert body["position"] > 0


def test_an_entrepreneur_finds_mentors_in_the_order_of_her_match_list(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["strategy"])
    carla = mentor(acme, "Carla", expertise=["finance"])
    acme.project()
    mentors = read(acme, SEARCH, ana)["mentors"]
    assert ids(mentors) == [carla.id, ben.id]
    assert {item["criterion"] for item in mentors[0]["explanation"]} >= {"expertise", "language"}

    # A mentor searching has no match list of their own: free places and answers order it.
    by_mentor = read(acme, SEARCH, ben)["mentors"]
    assert ids(by_mentor) == [carla.id]  # never themselves
    assert [item["criterion"] for item in by_mentor[0]["explanation"]] == [
        "capacity", "responsiveness", "openRequests"]


def test_search_never_finds_blocked_suspended_or_full_mentors(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana", needs=["finance"])
    ben = mentor(acme, "Ben", expertise=["finance"])
    eva = mentor(acme, "Eva", expertise=["finance"], capacity=1)
    fred = mentor(acme, "Fred", expertise=["finance"])
    assert acme.post("/api/v1/blocks", ben, json={"memberId": str(ana.id)}).status_code == 201
    bea = entrepreneur(acme, "Bea", needs=["finance"])
    relationship = request(acme, bea, eva)
    assert acme.post(f"/api/v1/relationships/{relationship}/accept", eva,
                     json={}).status_code == 200
    acme.project()
    assert ids(read(acme, SEARCH, ana)["mentors"]) == [fred.id]
    assert set(ids(read(acme, SEARCH, bea)["mentors"])) == {ben.id, fred.id}


def test_unknown_codes_are_refused_naming_the_filter(acme: TenantApi) -> None:
    ana = entrepreneur(acme, "Ana")
    acme.project()
    for field, value in (("language", "xx"), ("country", "España"), ("expertise", "magic"),
                         ("industry", "Z")):
        response = acme.get(SEARCH, ana, params={field: value})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field
