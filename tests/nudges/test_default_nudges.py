"""Each default nudge reaches its member once, at its time, saying why; and not when what it
asks for has been done. The app's own scheduler on the story clock, mail read from a real SMTP
sink, on both backends."""

from __future__ import annotations

from datetime import timedelta

from tests.nudges.conftest import START, Programme, words_of

PROFILE = "Complete your profile on Acme Ventures"
MENTORS = "Mentors who could help your business"
NO_SESSION = "How is your mentoring with"
NO_MESSAGE = "Time to write to"
FIRST_MESSAGE = "Write your first message to"


def test_a_newcomer_without_a_profile_is_nudged_three_days_after_signing_up(
    programme: Programme,
) -> None:
    ana = programme.newcomer("Ana")
    bea = programme.entrepreneur("Bea")  # profile and self-assessment done at once

    programme.at(START + timedelta(days=3, minutes=-1))
    assert programme.tips(ana, PROFILE) == []

    programme.at(START + timedelta(days=3))
    programme.at(START + timedelta(days=5))
    [mail] = programme.tips(ana, PROFILE)
    words = words_of(mail)
    assert "You get this because you signed up 3 days ago and your profile is not complete " \
           "yet." in words
    assert "http://acme.ithaca.localhost:8000/onboarding" in words
    assert programme.tips(bea, PROFILE) == []


def test_an_entrepreneur_who_asks_nobody_for_a_week_gets_three_mentors_and_why(
    programme: Programme,
) -> None:
    mentors = [programme.mentor(name) for name in ("Ben", "Cid", "Dee", "Eve")]
    ana = programme.entrepreneur("Ana")
    bea = programme.entrepreneur("Bea")
    programme.at(START + timedelta(days=2))
    programme.request(bea, mentors[0])

    programme.at(START + timedelta(days=7, minutes=-1))
    assert programme.tips(ana, MENTORS) == []
    programme.at(START + timedelta(days=7))
    programme.at(START + timedelta(days=9))

    [mail] = programme.tips(ana, MENTORS)
    words = words_of(mail)
    assert "because you completed your profile 7 days ago and have not asked a mentor yet" \
        in words
    recommended = [mentor for mentor in mentors if f"/mentors/{mentor.id}" in words]
    assert len(recommended) == 3
    assert "speaks your language" in words or "knows the areas you want to grow in" in words
    assert words.count("Their profile:") == 3
    assert programme.tips(bea, MENTORS) == []  # she asked Ben


def test_no_session_logged_is_nudged_to_both_members_14_and_28_days_after_the_start(
    programme: Programme,
) -> None:
    ben, cid = programme.mentor("Ben"), programme.mentor("Cid")
    ana, bea = programme.entrepreneur("Ana"), programme.entrepreneur("Bea")
    idle = programme.mentoring(ana, ben)
    busy = programme.mentoring(bea, cid)
    programme.hold_session(busy, cid, bea)
    started = START

    programme.at(started + timedelta(days=14, minutes=-1))
    assert programme.tips(ana, NO_SESSION) == []
    programme.at(started + timedelta(days=14))
    [to_ana] = programme.tips(ana, NO_SESSION)
    [to_ben] = programme.tips(ben, NO_SESSION)
    assert to_ana["Subject"] == "How is your mentoring with Ben going?"
    assert to_ben["Subject"] == "How is your mentoring with Ana going?"
    assert "started 14 days ago and no session has been logged in it yet" in words_of(to_ana)
    assert f"/relationships/{idle}" in words_of(to_ana)

    programme.at(started + timedelta(days=28))
    programme.at(started + timedelta(days=40))
    assert len(programme.tips(ana, NO_SESSION)) == 2
    assert "started 28 days ago" in words_of(programme.tips(ben, NO_SESSION)[-1])
    assert programme.tips(bea, NO_SESSION) == programme.tips(cid, NO_SESSION) == []


def test_three_weeks_without_a_message_are_nudged_once_unless_someone_wrote_since(
    programme: Programme,
) -> None:
    ben, cid = programme.mentor("Ben"), programme.mentor("Cid")
    ana, bea = programme.entrepreneur("Ana"), programme.entrepreneur("Bea")
    quiet = programme.mentoring(ana, ben)
    chatty = programme.mentoring(bea, cid)
    programme.write(quiet, ana, "Thank you for taking me on!")
    programme.write(chatty, bea, "Thank you for taking me on!")
    programme.clock.set(START + timedelta(days=10))
    programme.write(chatty, cid, "How did the market go?")

    programme.at(START + timedelta(days=21, minutes=-1))
    assert programme.tips(ana, NO_MESSAGE) == []
    programme.at(START + timedelta(days=21))
    [to_ana] = programme.tips(ana, NO_MESSAGE)
    [to_ben] = programme.tips(ben, NO_MESSAGE)
    assert to_ana["Subject"] == "Time to write to Ben again?"
    assert to_ben["Subject"] == "Time to write to Ana again?"
    assert "its last message is 21 days old" in words_of(to_ana)
    assert programme.tips(bea, NO_MESSAGE) == []  # Cid wrote 11 days ago

    programme.at(START + timedelta(days=31))  # three weeks after Cid's message
    programme.at(START + timedelta(days=45))
    assert len(programme.tips(bea, NO_MESSAGE)) == len(programme.tips(cid, NO_MESSAGE)) == 1
    assert len(programme.tips(ana, NO_MESSAGE)) == 1


def test_a_relationship_nobody_wrote_in_is_nudged_once_three_weeks_after_it_started(
    programme: Programme,
) -> None:
    ben, cid = programme.mentor("Ben"), programme.mentor("Cid")
    ana, bea = programme.entrepreneur("Ana"), programme.entrepreneur("Bea")
    silent = programme.mentoring(ana, ben)
    written = programme.mentoring(bea, cid)
    programme.clock.set(START + timedelta(days=5))
    programme.write(written, cid, "When shall we meet?")

    programme.at(START + timedelta(days=21, minutes=-1))
    assert programme.tips(ana, FIRST_MESSAGE) == []
    programme.at(START + timedelta(days=21))
    [to_ana] = programme.tips(ana, FIRST_MESSAGE)
    [to_ben] = programme.tips(ben, FIRST_MESSAGE)
    assert to_ana["Subject"] == "Write your first message to Ben"
    assert to_ben["Subject"] == "Write your first message to Ana"
    words = words_of(to_ana)
    assert "You have not written to each other yet" in words
    assert "started 21 days ago and nobody has written in it yet" in words
    assert f"/relationships/{silent}#conversation" in words

    programme.at(START + timedelta(days=26))  # three weeks after Cid's message
    programme.at(START + timedelta(days=60))
    assert len(programme.tips(ana, FIRST_MESSAGE)) == len(programme.tips(ben, FIRST_MESSAGE)) \
        == 1
    assert programme.tips(ana, NO_MESSAGE) == []
    assert programme.tips(bea, FIRST_MESSAGE) == programme.tips(cid, FIRST_MESSAGE) == []
    assert len(programme.tips(bea, NO_MESSAGE)) == 1  # the nudge after Cid's message


def test_the_first_message_nudge_speaks_the_members_language(programme: Programme) -> None:
    ben, lia = programme.mentor("Ben"), programme.entrepreneur("Lucia", locale="es")
    programme.mentoring(lia, ben)

    programme.at(START + timedelta(days=21))
    [mail] = programme.tips(lia, "Escribe tu primer mensaje a Ben")
    assert mail["Content-Language"] == "es"
    assert "Todavía no os habéis escrito" in words_of(mail)
    assert "nadie ha escrito" in words_of(mail)


def test_a_relationship_that_ended_is_not_nudged_for_silence(programme: Programme) -> None:
    ben, ana = programme.mentor("Ben"), programme.entrepreneur("Ana")
    relationship_id = programme.mentoring(ana, ben)
    programme.write(relationship_id, ana, "Thank you for taking me on!")
    programme.ok(programme.acme.post(f"/api/v1/relationships/{relationship_id}/complete", ben))

    programme.at(START + timedelta(days=30))
    assert programme.tips(ana, NO_MESSAGE) == programme.tips(ana, NO_SESSION) == []
