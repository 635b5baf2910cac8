"""The tenant admin's nudges page: every nudge with its switch and words, saved through a
form; a placeholder the nudge does not know is refused beside its field."""

from __future__ import annotations

from services.nudge_settings.application import Nudges
from tests.web.pages.conftest import TenantPages, acme_pages

__all__ = ["acme_pages"]


def settings_of(acme_pages: TenantPages) -> Nudges:
    ithaca = acme_pages.served.ithaca
    return ithaca.tenant_application(ithaca.tenant("acme"), Nudges)


def test_a_tenant_admin_switches_a_nudge_off_and_words_it_in_spanish(
    acme_pages: TenantPages,
) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"])
    page = tia.get("/admin/nudges")
    assert page.status_code == 200
    assert page.text.count('<article class="card" id="nudge-') == 7
    assert "Profile incomplete, 3 days after sign-up" in page.text
    assert "Complete your profile on %(product)s" in page.text  # the built-in words, shown
    assert 'name="words.es.subject"' in page.text

    saved = tia.post("/admin/nudges/no_message", {
        "words.es.subject": "¿Hablamos, %(name)s?", "words.es.body": "",
        "reason": "Shorter subject"})  # "on" unticked: switched off
    assert saved.status_code in (302, 303), saved.text
    shown = tia.get(saved.headers["location"][len("/t/acme"):])
    assert "The nudge has been saved." in shown.text
    assert "¿Hablamos, %(name)s?" in shown.text

    setting = settings_of(acme_pages).get_setting("no_message")
    assert setting.on is False
    assert setting.words_in("es").subject == "¿Hablamos, %(name)s?"
    assert settings_of(acme_pages).get_setting("no_request").on is True


def test_a_placeholder_the_nudge_does_not_know_is_refused_beside_its_field(
    acme_pages: TenantPages,
) -> None:
    tia = acme_pages.member("Tia", roles=["tenant_admin"], locale="es")
    refused = tia.post("/admin/nudges/profile_incomplete", {
        "on": "true", "words.fr.body": "Bonjour %(mentor)s"})
    assert refused.status_code == 422
    assert 'id="error-profile_incomplete-fr-body"' in refused.text
    assert "%(mentor)s" in refused.text
    assert settings_of(acme_pages).get_setting("profile_incomplete").words == {}


def test_only_tenant_admins_open_the_nudges_page(acme_pages: TenantPages) -> None:
    pia = acme_pages.member("Pia", roles=["programme_admin"])
    assert pia.get("/admin/nudges").status_code == 403
    assert pia.post("/admin/nudges/no_message", {"on": "true"}).status_code == 403
