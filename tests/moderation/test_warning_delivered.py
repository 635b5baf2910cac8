"""A warning and a reinstatement as the member meets them: a mail through the app's own
scheduler to a real SMTP sink, and the warning with the moderators' note on their data page;
never who reported them (`tests/moderation/test_moderation_mail.py` tells the source's
rules)."""

from __future__ import annotations

from infra.mail.sink import text_of
from tests.mail.fixtures import Mailroom
from tests.moderation.test_moderation_api import MONEY, report
from tests.web.pages.conftest import Visitor

NOTE = "Please keep the conversation respectful, as the programme's rules ask."


def test_kai_is_told_of_his_warning_and_reads_it_on_his_data_page(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"])
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    report_id = report(acme, ana, kai, "harassment")
    warned = acme.post(f"/api/v1/reports/{report_id}/warn", pia, json={"note": NOTE})
    assert warned.status_code == 200, warned.text

    mailroom.deliver()
    [mail] = [m for m in mailroom.inbox(kai.email) if "moderators" in str(m["Subject"])]
    assert mail["Subject"] == "A warning from the Acme Ventures moderators"
    text = text_of(mail)
    assert "a report about you (harassment)" in text
    assert "http://acme.ithaca.localhost:8000/my-data#warnings" in text
    for secret in ("Ana", ana.email, MONEY, NOTE):
        assert secret not in text
    assert "List-Unsubscribe" not in mail  # account mail cannot be turned off
    assert [m for m in mailroom.inbox(ana.email) if "moderators" in str(m["Subject"])] == []

    browser = Visitor(mailroom.served, "acme")
    browser.sign_in(kai.email)
    page = browser.get("/my-data")
    assert page.status_code == 200, page.text
    assert 'id="warnings"' in page.text
    assert "Harassment" in page.text
    assert NOTE.replace("'", "&#39;") in page.text
    assert "Ana" not in page.text


def test_lia_reinstated_after_a_suspension_is_told_in_spanish(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    ana = acme.member("Ana", roles=["entrepreneur"])
    lia = acme.member("Lia", roles=["mentor"], locale="es")
    pia = acme.member("Pia", roles=["programme_admin"])
    report_id = report(acme, ana, lia, "spam")
    suspended = acme.post(f"/api/v1/reports/{report_id}/suspend", pia, json={"note": NOTE})
    assert suspended.status_code == 200, suspended.text
    mailroom.deliver()
    reinstated = acme.post(f"/api/v1/members/{lia.id}/reinstate", pia,
                           json={"reason": "The report was a misunderstanding."})
    assert reinstated.status_code == 200, reinstated.text

    mailroom.deliver()
    [mail] = [m for m in mailroom.inbox(lia.email) if "funciona de nuevo" in str(m["Subject"])]
    assert mail["Subject"] == "Tu cuenta de Acme Ventures funciona de nuevo"
    assert mail["Content-Language"] == "es"
    text = " ".join(text_of(mail).split())
    assert "Puedes volver a iniciar sesión" in text
    assert "misunderstanding" not in text
    assert "List-Unsubscribe" not in mail  # account mail cannot be turned off
