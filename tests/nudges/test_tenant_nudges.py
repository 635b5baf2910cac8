"""A tenant's admins switch nudges off, word them in their members' languages and see what
followed them; the nudges read it when they fall due. Real SMTP sink, story clock, both
backends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.nudges.conftest import START, Programme, words_of
from tests.tenant_api import SignedInMember

PROFILE = "Complete your profile on Acme Ventures"
MENTORS = "Mentors who could help your business"


def change(programme: Programme, admin: SignedInMember, key: str, **body: Any) -> int:
    response = programme.acme.put(f"/api/v1/nudges/{key}", admin, json=body)
    assert response.status_code == 200, response.text
    position: int = response.json()["position"]
    return position


def listed(programme: Programme, admin: SignedInMember) -> dict[str, dict[str, Any]]:
    response = programme.acme.get("/api/v1/nudges", admin)
    assert response.status_code == 200, response.text
    return {nudge["key"]: nudge for nudge in response.json()["nudges"]}


def test_every_nudge_is_on_with_its_built_in_words_until_an_admin_changes_it(
    programme: Programme,
) -> None:
    nudges = listed(programme, programme.admin())
    assert list(nudges) == ["profile_incomplete", "no_request", "request_unanswered",
                            "no_session_14", "no_session_28", "no_message", "survey_overdue"]
    assert all(nudge["on"] and nudge["words"] == {} for nudge in nudges.values())
    assert all(nudge["sent"] == nudge["followed"] == 0 for nudge in nudges.values())
    assert nudges["profile_incomplete"]["builtIn"]["en"]["subject"] == \
        "Complete your profile on %(product)s"
    assert nudges["request_unanswered"]["builtIn"]["en"]["subject"] == \
        "%(other)s is waiting for your answer"
    assert set(nudges["no_message"]["builtIn"]) == {"en", "es", "fr", "ar", "id"}


def test_a_nudge_switched_off_is_not_sent_and_the_audit_trail_shows_who_switched_it_and_why(
    programme: Programme,
) -> None:
    tia = programme.admin()
    change(programme, tia, "profile_incomplete", on=False, reason="We call newcomers instead")
    change(programme, tia, "request_unanswered", on=False)
    ana = programme.newcomer("Ana")
    ben, bea = programme.mentor("Ben"), programme.entrepreneur("Bea")
    programme.request(bea, ben)

    programme.at(START + timedelta(days=8))
    assert programme.tips(ana, PROFILE) == []
    assert programme.tips(ben, "is waiting for your answer") == []
    assert len(programme.tips(ben, "asks you to be their mentor")) == 1  # not a nudge
    assert listed(programme, tia)["profile_incomplete"]["on"] is False

    programme.acme.project()
    response = programme.acme.get("/api/v1/audit/trail", tia, params={"kind": "action"})
    assert response.status_code == 200, response.text
    switched = [(e["action"], e["actor"], e["reason"], e["details"])
                for e in reversed(response.json()["entries"])
                if e["action"].startswith("NudgeConfiguration")]
    assert switched == [
        ("NudgeConfiguration.Switched", f"member:{tia.id}", "We call newcomers instead",
         {"nudge": "profile_incomplete", "on": False}),
        ("NudgeConfiguration.Switched", f"member:{tia.id}", "",
         {"nudge": "request_unanswered", "on": False}),
    ]


def test_a_nudge_switched_back_on_is_sent_again(programme: Programme) -> None:
    tia = programme.admin()
    change(programme, tia, "profile_incomplete", on=False)
    change(programme, tia, "profile_incomplete", on=True)
    ana = programme.newcomer("Ana")
    programme.at(START + timedelta(days=3))
    assert len(programme.tips(ana, PROFILE)) == 1


def test_a_spanish_member_gets_the_tenants_spanish_words_and_others_the_built_in_ones(
    programme: Programme,
) -> None:
    tia = programme.admin()
    change(programme, tia, "profile_incomplete", words={"es": {
        "subject": "%(name)s, tu perfil en %(product)s te espera",
        "body": "Cuéntanos de tu negocio: con tu perfil completo te proponemos mentores.",
    }})
    lia = programme.acme.member("Lía", roles=["entrepreneur"], locale="es",
                                email="lia@example.org")
    ana = programme.newcomer("Ana")

    programme.at(START + timedelta(days=3))
    [mail] = programme.tips(lia, "tu perfil en Acme Ventures te espera")
    assert mail["Subject"] == "Lía, tu perfil en Acme Ventures te espera"
    assert mail["Content-Language"] == "es"
    assert "Cuéntanos de tu negocio" in words_of(mail)
    assert "hace 3 días" in words_of(mail)  # why it was sent stays Ithaca's own words
    assert len(programme.tips(ana, PROFILE)) == 1


def test_the_spanish_words_of_mentorings_nudge_reach_a_spanish_mentor(
    programme: Programme,
) -> None:
    tia = programme.admin()
    change(programme, tia, "request_unanswered", words={"es": {
        "subject": "%(other)s sigue esperando, %(name)s", "body": ""}})
    ben = programme.newcomer("Ben", roles=("mentor",), locale="es")
    programme.ok(programme.acme.put("/api/v1/profiles/mentor/me", ben, json={
        "headline": "Precios", "bio": "Años vendiendo a tiendas.", "expertise": ["finance"],
        "industries": ["C"], "languages": ["es"], "country": "ES", "countriesOfExperience": [],
        "timeZone": "Europe/Madrid", "workingHours": {"start": "09:00", "end": "17:00",
                                                      "weekdays": [0, 1, 2, 3, 4]},
        "capacity": 3, "monthlyHours": 8}))
    programme.request(programme.entrepreneur("Ana"), ben)

    programme.at(START + timedelta(days=7))
    [mail] = programme.tips(ben, "sigue esperando")
    assert mail["Subject"] == "Ana sigue esperando, Ben"


def test_admins_see_how_many_nudges_were_followed_by_a_request_within_a_week(
    programme: Programme,
) -> None:
    ben = programme.mentor("Ben")
    cat, dan = programme.entrepreneur("Cat"), programme.entrepreneur("Dan")
    tia = programme.admin()
    programme.at(START + timedelta(days=7))
    assert len(programme.tips(cat, MENTORS)) == len(programme.tips(dan, MENTORS)) == 1

    programme.clock.set(START + timedelta(days=9))
    programme.request(cat, ben)  # two days after her nudge
    programme.clock.set(START + timedelta(days=15))
    programme.request(dan, ben)  # eight days after his: too late to count

    no_request = listed(programme, tia)["no_request"]
    assert (no_request["sent"], no_request["followed"]) == (2, 1)
    assert listed(programme, tia)["profile_incomplete"]["sent"] == 0


def test_refusals_name_the_nudge_or_the_field(programme: Programme) -> None:
    tia, ana = programme.admin(), programme.newcomer("Ana")

    unknown = programme.acme.put("/api/v1/nudges/birthday", tia, json={"on": False})
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["error"]["field"] == "key"

    wrong = programme.acme.put("/api/v1/nudges/no_message", tia, json={"words": {
        "es": {"subject": "Escribe a %(other)s", "body": "Hola %(mentor)s"}}})
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["error"]["field"] == "words.es.body"

    klingon = programme.acme.put("/api/v1/nudges/no_message", tia, json={"words": {
        "tlh": {"subject": "nuqneH"}}})
    assert klingon.status_code == 422, klingon.text
    assert klingon.json()["error"]["field"] == "words.tlh"

    assert programme.acme.get("/api/v1/nudges", ana).status_code == 403
    assert programme.acme.put("/api/v1/nudges/no_message", ana,
                              json={"on": False}).status_code == 403
    assert listed(programme, tia)["no_message"]["on"] is True


def test_the_first_message_nudge_follows_the_no_message_switch_and_words(
    programme: Programme,
) -> None:
    tia = programme.admin()
    ben, cid = programme.mentor("Ben"), programme.mentor("Cid")
    ana = programme.entrepreneur("Ana")
    lia = programme.entrepreneur("Lucia", locale="es")
    change(programme, tia, "no_message", on=False)
    programme.mentoring(ana, ben)
    programme.at(START + timedelta(days=22))
    assert programme.tips(ana, "Write your first message") == []

    change(programme, tia, "no_message", on=True, words={"es": {
        "subject": "%(name)s, saluda a %(other)s", "body": "Un mensaje corto basta."}})
    programme.mentoring(lia, cid)
    programme.at(START + timedelta(days=43))
    [mail] = programme.tips(lia, "saluda a")
    assert mail["Subject"] == "Lucia, saluda a Cid"
    assert "Un mensaje corto basta." in words_of(mail)
    assert "nadie ha escrito" in words_of(mail)  # why it was sent stays Ithaca's own words


def test_a_first_message_written_within_a_week_of_the_nudge_counts_as_followed(
    programme: Programme,
) -> None:
    tia = programme.admin()
    ben, cid = programme.mentor("Ben"), programme.mentor("Cid")
    ana, bea = programme.entrepreneur("Ana"), programme.entrepreneur("Bea")
    answered = programme.mentoring(ana, ben)
    programme.mentoring(bea, cid)
    programme.at(START + timedelta(days=21))
    assert len(programme.tips(ana, "Write your first message")) == 1

    programme.clock.set(START + timedelta(days=23))
    programme.write(answered, ben, "Sorry for the silence: shall we meet on Friday?")

    no_message = listed(programme, tia)["no_message"]
    assert (no_message["sent"], no_message["followed"]) == (4, 2)  # Ana's and Ben's
