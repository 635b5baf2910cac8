"""A tenant admin publishes a new self-assessment questionnaire on a page: each refusal beside
the row's field it concerns, and entrepreneurs answer the new version from then on."""

from __future__ import annotations

from services.programme.application import Programme
from tests.web.pages.conftest import TenantPages

NEW = {
    "areas[0].area": "finance", "areas[0].question.en": "How well do you know your margins?",
    "areas[0].question.es": "¿Conoces bien tus márgenes?",
    "areas[1].area": "marketing", "areas[1].question.en": "How do customers find you?",
    "areas[2].area": "", "areas[2].question.en": "",
    "areas[3].area": "sales", "areas[3].question.en": "How steady are your sales?",
    "reason": "Margins first",
}


def _programme(acme_pages: TenantPages) -> Programme:
    ithaca = acme_pages.served.ithaca
    return ithaca.tenant_application(ithaca.tenant("acme"), Programme)


def test_a_tenant_admin_publishes_a_new_questionnaire_version(acme_pages: TenantPages) -> None:
    tess = acme_pages.member("Tess", roles=["tenant_admin"])
    before = _programme(acme_pages).get_questionnaire()
    page = tess.get("/settings/questionnaire")
    assert page.status_code == 200
    assert f"Version {before.version}, answered now" in page.text
    assert '<label for="question-0-es">Question in Spanish</label>' in page.text

    twice = tess.post("/settings/questionnaire", {**NEW, "areas[3].area": "finance"})
    assert twice.status_code == 422, twice.text
    assert 'id="error-area-3"' in twice.text
    assert "asked about twice" in twice.text
    no_english = tess.post("/settings/questionnaire", {**NEW, "areas[1].question.en": ""})
    assert no_english.status_code == 400, no_english.text
    assert 'id="error-question-1-en"' in no_english.text
    assert _programme(acme_pages).get_questionnaire().version == before.version

    published = tess.post("/settings/questionnaire", NEW)
    assert published.status_code in (302, 303), published.text
    after = _programme(acme_pages).get_questionnaire()
    assert after.version == before.version + 1
    assert after.area_codes == ["finance", "marketing", "sales"]
    assert after.areas[0].question == {"en": "How well do you know your margins?",
                                       "es": "¿Conoces bien tus márgenes?"}
    assert "The new version is published" in tess.get("/settings/questionnaire?saved=true").text

    ana = acme_pages.member("Ana", roles=["entrepreneur"], locale="es")
    assert "¿Conoces bien tus márgenes?" in ana.get("/onboarding/self-assessment").text
    assert ana.post("/settings/questionnaire", NEW).status_code == 403
