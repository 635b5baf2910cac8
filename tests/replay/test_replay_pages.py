"""The auditor's replay and compare pages, over the story in `conftest`."""

from __future__ import annotations

import html

from tests.replay.conftest import tell
from tests.web.pages.conftest import TenantPages


def test_the_auditor_browses_the_programme_as_it_was_and_compares_it_with_now(
    acme_pages: TenantPages,
) -> None:
    story = tell(acme_pages.api)
    rita = acme_pages.member("Rita", roles=["auditor"])

    form = rita.get("/audit/replay")
    assert form.status_code == 200
    assert 'name="at"' in form.text

    page = rita.get("/audit/replay", params={"at": str(story.moment)})
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert f"As of position {story.moment}" in text
    assert "Dora" in text
    assert "Carla" not in text  # she joined later
    assert "Suspended" not in text  # Ben was suspended later
    assert f"relationship={story.eves_relationship}" in text

    timeline = rita.get("/audit/replay", params={
        "at": str(story.moment), "relationship": story.eves_relationship})
    assert timeline.status_code == 200
    assert "Timeline of Eve and Ben then" in html.unescape(timeline.text)

    matches = rita.get("/audit/replay", params={"at": str(story.moment),
                                                "member": str(story.ana.id)})
    assert matches.status_code == 200
    listed = html.unescape(matches.text).split("Matches of Ana then", 1)[1]
    assert listed.index("Ben") < listed.index("Dora")  # the weights then in force

    refused = rita.get("/audit/replay", params={"at": "soon"})
    assert refused.status_code == 422
    assert "not a time" in refused.text

    compared = rita.get("/audit/compare", params={"a": str(story.moment), "b": "2"})
    assert compared.status_code == 200, compared.text
    assert "Difference" in compared.text
    assert "Members" in compared.text

    entrepreneur = acme_pages.member("Nia", roles=["entrepreneur"])
    assert entrepreneur.get("/audit/replay").status_code == 403


RAW_CODES = ("acceptanceRate", "medianHoursToFirstAnswer", "activeNow", "followUpsMentored",
             "members by role", "relationships by status", "programme_admin", ">entrepreneur<",
             ">requested<", ">active<")


def test_the_replay_and_comparison_name_every_figure_in_the_readers_words(
    acme_pages: TenantPages,
) -> None:
    story = tell(acme_pages.api)
    rita = acme_pages.member("Rita", roles=["auditor"])
    page = rita.get("/audit/replay", params={"at": str(story.moment)})
    compared = rita.get("/audit/compare", params={"a": str(story.moment), "b": "2"})
    for answer in (page, compared):
        assert answer.status_code == 200
        text = html.unescape(answer.text)
        assert "Share of requests accepted" in text
        assert "Median hours to a first answer" in text
        assert [code for code in RAW_CODES if code in text] == []
    assert "Entrepreneur" in html.unescape(page.text)  # a role, in words

    remi = acme_pages.member("Rémi", roles=["auditor"], locale="fr")
    french = html.unescape(remi.get("/audit/compare", params={
        "a": str(story.moment), "b": "2"}).text)
    assert "Part des demandes acceptées" in french
    assert "Share of requests accepted" not in french
    assert [code for code in RAW_CODES if code in french] == []
