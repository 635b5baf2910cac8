"""The programme admin's relationship list: each relationship links to its page and its
timeline, and its status is a word in the reader's language, never the code."""

from __future__ import annotations

from tests.moderation.scenes import mentor, request
from tests.web.pages.conftest import TenantPages


def test_each_relationship_links_to_its_page_and_timeline_with_its_status_in_words(
    acme_pages: TenantPages,
) -> None:
    api = acme_pages.api
    ana = api.member("Ana", roles=["entrepreneur"])
    relationship_id = request(api, ana, mentor(api, "Ben"))
    pam = acme_pages.member("Pam", roles=["programme_admin"], locale="fr")
    acme_pages.project()

    page = pam.get("/admin/relationships").text
    row = next(part for part in page.split("<tr>") if "Ana" in part)
    path = f"/t/acme/relationships/{relationship_id}"
    assert f'<a href="{path}">Ana</a>' in row
    assert f'<a href="{path}#timeline">Historique' in row
    assert "<span class=\"tag\">Demandée</span>" in row
    assert "requested" not in row

    opened = pam.get(f"/relationships/{relationship_id}")
    assert opened.status_code == 200
    assert 'id="timeline"' in opened.text
