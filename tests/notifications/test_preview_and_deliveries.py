"""The staff's view of notifications, on both backends: a tenant admin previews every kind of
every source in every language and channel under the tenant's brand, and tenant admins,
programme admins and auditors see what the platform told whom (never an address), after a
request was made and the scheduler delivered it."""

from __future__ import annotations

import re
import uuid

import pytest
from eventsourcing.utils import get_topic

from infra.clock import SettableClock
from infra.delivery.kind_names import KIND_NAMES
from infra.features import FEATURES
from services.audit_log.domain import AuditorRead
from tenants.domain import INTERFACE_LOCALES
from tests.mail.fixtures import Mailroom
from tests.mentoring.conftest import ADMIN, Cohort
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import TenantApi
from tests.web.pages.conftest import TenantPages

MORNING = "2026-01-14T10:00:00+00:00"


@pytest.fixture
def story(mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch) -> Cohort:
    sessions_outlast_the_story(monkeypatch)
    return Cohort(mailroom.acme)


def test_every_kind_of_every_source_previews_in_every_language_with_the_brand(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    tia = acme.member("Tia", roles=["tenant_admin"])
    told = {kind for feature in FEATURES for source in feature.due_work
            for kind, category in source.kinds.items() if category is not None}
    for feature in FEATURES:
        for source in feature.due_work:
            for kind, category in source.kinds.items():
                # A kind members are told of has its words; an action has none.
                assert (kind in source.texts) is (category is not None), (feature.name, kind)
    listed = acme.get("/api/v1/notifications/kinds", tia)
    assert listed.status_code == 200, listed.text
    kinds = {each["kind"]: each for each in listed.json()}
    assert {kind.partition(":")[0] for kind in kinds} == told
    assert set(kinds) <= set(KIND_NAMES), set(kinds) - set(KIND_NAMES)  # staff read words
    assert kinds["request_received"]["category"] == "requests"
    assert kinds["request_received"]["source"] == "mentoring"
    for kind in kinds:
        for locale in INTERFACE_LOCALES:
            shown = acme.get("/api/v1/notifications/preview", tia,
                             params={"kind": kind, "locale": locale})
            assert shown.status_code == 200, (kind, locale, shown.text)
            preview = shown.json()
            assert preview["unfilled"] == [], (kind, locale)
            for part in ("subject", "text", "html", "sms", "centreLine"):
                assert "%(" not in preview[part], (kind, locale, part)
            assert "Acme Ventures" in preview["html"], (kind, locale)
            assert preview["centreLine"] == preview["subject"]
            assert preview["smsSegments"] in (1, 2)
            if preview["link"]:  # on the tenant's own address, as the mail links open
                assert preview["link"].startswith("http://acme."), preview["link"]
                assert preview["link"] in preview["text"]
                assert preview["link"] in preview["sms"]


def test_the_arabic_preview_reads_right_to_left_and_the_sms_shows_its_segments(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    tia = acme.member("Tia", roles=["tenant_admin"])
    shown = acme.get("/api/v1/notifications/preview", tia,
                     params={"kind": "request_received", "locale": "ar"}).json()
    assert shown["direction"] == "rtl"
    assert 'dir="rtl"' in shown["html"]
    assert "Ana Example" in shown["text"]
    assert shown["smsEncoding"] == "UCS-2"  # Arabic is not in the GSM alphabet
    english = acme.get("/api/v1/notifications/preview", tia,
                       params={"kind": "request_received", "locale": "en"}).json()
    assert english["direction"] == "ltr"
    assert english["smsEncoding"] == "GSM-7"
    assert english["subject"] == "Ben Example asks you to be their mentor"

    pages = TenantPages(mailroom.served, "acme")
    admin = pages.member("Tess", roles=["tenant_admin"])
    page = admin.get("/admin/notifications/preview",
                     params={"kind": "request_received", "locale": "ar"})
    assert page.status_code == 200, page.text
    assert 'lang="ar" dir="rtl"' in page.text
    segments = shown["smsSegments"]
    assert f"{segments} segment" in page.text
    assert "UCS-2" in page.text
    assert "/admin/notifications/preview/mail?kind=request_received&amp;locale=ar" in page.text
    mail = admin.get("/admin/notifications/preview/mail",
                     params={"kind": "request_received", "locale": "ar"})
    assert mail.status_code == 200
    assert mail.text == shown["html"]
    [policy] = mail.headers.get_list("content-security-policy")  # the mail's own, alone
    assert "frame-ancestors 'self'" in policy
    assert "style-src 'unsafe-inline'" in policy
    # Every kind shows on the page in a language of the picker.
    first = admin.get("/admin/notifications/preview")
    assert first.status_code == 200
    assert "Acme Ventures" in first.text


def test_the_preview_names_each_kind_in_the_readers_language(mailroom: Mailroom) -> None:
    pages = TenantPages(mailroom.served, "acme")
    spanish = pages.member("Teo", roles=["tenant_admin"], locale="es").get(
        "/admin/notifications/preview", params={"kind": "no_message:first", "locale": "es"})
    assert spanish.status_code == 200, spanish.text
    options = re.findall(r'<option value="[^"]*"[^>]*data-code="([^"]+)">([^<]*)</option>',
                         spanish.text)
    named = dict(options)
    assert named["request_received"] == "Solicitud de mentoría recibida (Solicitudes de mentoría)"
    assert named["no_message:first"].startswith("Consejo: ningún primer mensaje")
    for kind, words in options:
        assert kind.replace("_", " ") not in words, (kind, words)
    assert "<code>no_message:first</code>" in spanish.text  # the key, as a code
    english = pages.member("Tess", roles=["tenant_admin"]).get("/admin/notifications/preview")
    assert "Mentoring request received (Mentoring requests)" in english.text


def test_a_nudge_previews_in_the_tenants_own_words_where_it_wrote_them(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    tia = acme.member("Tia", roles=["tenant_admin"])
    reworded = acme.put("/api/v1/nudges/no_message", tia, json={"words": {"es": {
        "subject": "¿Hablamos, %(name)s?", "body": "Escribe a %(other)s hoy mismo."}},
        "reason": "our own voice"})
    assert reworded.status_code == 200, reworded.text
    spanish = acme.get("/api/v1/notifications/preview", tia,
                       params={"kind": "no_message", "locale": "es"}).json()
    assert spanish["subject"] == "¿Hablamos, Ana Example?"
    assert "Escribe a Ben Example hoy mismo." in spanish["text"]
    french = acme.get("/api/v1/notifications/preview", tia,
                      params={"kind": "no_message", "locale": "fr"}).json()
    assert "Hablamos" not in french["subject"]  # the built-in words where it wrote none
    first = acme.get("/api/v1/notifications/preview", tia,
                     params={"kind": "no_message:first", "locale": "es"}).json()
    assert first["subject"] == "¿Hablamos, Ana Example?"  # the nudge's words, for its variant
    assert "nadie ha escrito" in first["text"]  # why it was sent stays the variant's own


def test_an_unknown_kind_or_language_is_refused_naming_the_field(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    tia = acme.member("Tia", roles=["tenant_admin"])
    unknown = acme.get("/api/v1/notifications/preview", tia,
                       params={"kind": "fortune_cookie", "locale": "en"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "kind"
    action = acme.get("/api/v1/notifications/preview", tia,
                      params={"kind": "request_expiry", "locale": "en"})
    assert action.status_code == 422  # an action tells nobody: nothing to preview
    klingon = acme.get("/api/v1/notifications/preview", tia,
                       params={"kind": "request_received", "locale": "tlh"})
    assert klingon.status_code == 422
    assert klingon.json()["error"]["field"] == "locale"
    page = TenantPages(mailroom.served, "acme").member("Tess", roles=["tenant_admin"]).get(
        "/admin/notifications/preview", params={"kind": "fortune_cookie"})
    assert page.status_code == 422
    assert "fortune_cookie" in page.text


def test_an_admin_and_an_auditor_see_what_a_mentor_was_told_without_his_address(
    mailroom: Mailroom, story: Cohort, ithaca_clock: SettableClock,
) -> None:
    ithaca_clock.set(MORNING)
    acme = mailroom.acme
    ana, ben = story.entrepreneur("Ana"), story.mentor("Ben")
    story.request(ana, ben)
    mailroom.deliver()
    pia = acme.member("Pia", roles=["programme_admin"])
    answer = acme.get("/api/v1/notifications/deliveries", pia,
                      params={"memberId": str(ben.id)})
    assert answer.status_code == 200, answer.text
    rows = answer.json()["deliveries"]
    told = [row for row in rows if row["kind"] == "request_received"]
    assert {(row["channel"], row["outcome"]) for row in told} >= {
        ("email", "sent"), ("in_app", "sent")}
    assert {row["memberName"] for row in rows} == {"Ben"}
    assert {row["category"] for row in told} == {"requests"}
    assert ben.email not in answer.text
    counts = answer.json()["counts"]
    assert counts["email"]["sent"] >= 2  # Ben's request and the sign-up mails
    # Every member's, newest first, and at most `limit`.
    everyone = acme.get("/api/v1/notifications/deliveries", pia, params={"limit": 2}).json()
    assert len(everyone["deliveries"]) == 2
    assert all(ana.email not in str(row) for row in everyone["deliveries"])

    # An auditor reads it too, and the read is recorded.
    aude = acme.member("Aude", roles=["auditor"])
    before = acme.accounts().recorder.max_notification_id() or 0
    assert acme.get("/api/v1/notifications/deliveries", aude,
                    params={"memberId": str(ben.id)}).status_code == 200
    recorded = acme.accounts().recorder.select_notifications(
        start=before, limit=10, inclusive_of_start=False)
    assert [n.topic for n in recorded] == [get_topic(AuditorRead.Recorded)]

    # The page says the same to a programme admin.
    pages = TenantPages(mailroom.served, "acme")
    page = pages.member("Paz", roles=["programme_admin"]).get(
        "/admin/notifications/deliveries", params={"member_id": str(ben.id)})
    assert page.status_code == 200, page.text
    assert "Mentoring request received" in page.text  # the kind in words, its key as a code
    assert "Ben" in page.text
    assert ben.email not in page.text
    assert "Mentoring requests" in page.text
    # Auditors read the page as well; programme admins find it in their navigation.
    assert "/admin/notifications/deliveries" in pages.member("Pia", roles=["programme_admin"]).get(
        "/admin/members").text
    audited = pages.member("Aldo", roles=["auditor"]).get(
        "/admin/notifications/deliveries", params={"member_id": str(ben.id)})
    assert audited.status_code == 200
    assert "Mentoring request received" in audited.text


def test_another_tenants_member_answers_as_an_unknown_one(mailroom: Mailroom) -> None:
    served = mailroom.served
    served.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=ADMIN, time_zone="UTC")
    gus = TenantApi(served, "globex").member("Gus", roles=["entrepreneur"])
    acme = mailroom.acme
    pia = acme.member("Pia", roles=["programme_admin"])
    for member_id in (gus.id, uuid.uuid4()):
        refused = acme.get("/api/v1/notifications/deliveries", pia,
                           params={"memberId": str(member_id)})
        assert refused.status_code == 404
        assert refused.json()["error"]["field"] == "memberId"
    pages = TenantPages(served, "acme")
    page = pages.member("Paz", roles=["programme_admin"]).get(
        "/admin/notifications/deliveries", params={"member_id": str(gus.id)})
    assert page.status_code == 404


def test_an_entrepreneur_sees_neither_the_preview_nor_the_deliveries(
    mailroom: Mailroom,
) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"])
    for path, params in (("/api/v1/notifications/kinds", {}),
                         ("/api/v1/notifications/preview",
                          {"kind": "request_received", "locale": "en"}),
                         ("/api/v1/notifications/deliveries", {})):
        refused = acme.get(path, ana, params=params)
        assert refused.status_code == 403, path
    visitor = TenantPages(mailroom.served, "acme").member("Eva", roles=["entrepreneur"])
    for path in ("/admin/notifications/preview", "/admin/notifications/preview/mail",
                 "/admin/notifications/deliveries"):
        assert visitor.get(path).status_code == 403, path
    # A programme admin reads deliveries, not the preview (the tenant admin's setting).
    pia = acme.member("Pia", roles=["programme_admin"])
    assert acme.get("/api/v1/notifications/kinds", pia).status_code == 403
