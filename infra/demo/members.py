"""The demo's members join: staff are created as `ithaca members create` does; mentors and
entrepreneurs sign up, verify their address and write their profiles; entrepreneurs then assess
their business and answer the baseline survey."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from infra.demo.data import Entrepreneur, Mentor, Staff
from infra.demo.impact import baseline_answers, baseline_at
from infra.demo.stage import Stage
from services.accounts.application import VERIFICATION_LIFETIME
from services.accounts.domain import Member, Role
from services.impact.domain import SurveyKind
from services.profiles.domain import EntrepreneurDetails, MentorDetails
from services.programme.application import current_questionnaire
from services.tokens import VERIFY_EMAIL, LinkToken

__all__ = ["create_staff", "plan_mentor_joining", "plan_onboarding"]


def create_staff(stage: Stage, staff: Staff) -> None:
    """Staff are created as `ithaca members create` does, then verify their address."""
    member, _ = stage.accounts.create_member(
        email=staff.email, name=staff.name, password=stage.story.programme.password,
        roles=staff.roles, locale="en", actor=stage.cli_actor,
    )
    stage.ids[staff.key] = member.id
    _verify(stage, member)


def _sign_up(stage: Stage, person: Mentor | Entrepreneur, role: Role) -> None:
    member_id, _ = stage.accounts.sign_up(
        email=person.email, name=person.name, password=stage.story.programme.password,
        roles=[role], locale=person.locale, actor=stage.visitor,
    )
    stage.ids[person.key] = member_id
    _verify(stage, stage.accounts.get_member(member_id))


def _verify(stage: Stage, member: Member) -> None:
    """Opens the link of the verification mail, as the member would."""
    token = stage.accounts.tokens.sign(LinkToken(
        purpose=VERIFY_EMAIL, member_id=member.id,
        expires_at=stage.accounts.clock() + VERIFICATION_LIFETIME,
    ))
    stage.accounts.verify_email(token, stage.visitor)


def _joining_day(stage: Stage, index: int, mentor: Mentor) -> int:
    """The day the file names, or two days after the mentor before, at the latest eight days
    before their first request."""
    if mentor.joins is not None:
        return mentor.joins
    first_asked = min((pairing.requested for pairing in stage.story.pairings
                       if pairing.mentor == mentor.key), default=99)
    return max(0, min(index * 2, first_asked - 8))


def plan_mentor_joining(stage: Stage, index: int, mentor: Mentor) -> None:
    def joins() -> None:
        _sign_up(stage, mentor, Role.MENTOR)
        stage.profiles.save_mentor_profile(stage.ids[mentor.key], MentorDetails(
            headline=mentor.headline, bio=mentor.bio, expertise=mentor.expertise,
            industries=mentor.industries, languages=mentor.languages,
            country=mentor.country, countries_of_experience=mentor.countries_of_experience,
            time_zone=mentor.time_zone, working_hours=mentor.working_hours.working_hours(),
            capacity=mentor.capacity, monthly_hours=mentor.monthly_hours,
            employer=mentor.employer, employee_id=mentor.employee_id,
            programme=mentor.programme,
        ), stage.actor(mentor.key))

    stage.at(stage.day(_joining_day(stage, index, mentor), 8 + index % 6), joins)


def plan_onboarding(stage: Stage, e: Entrepreneur) -> None:
    joined = stage.day(e.joins, 7 + stage.rng.randint(0, 10))
    areas = current_questionnaire(stage.profiles).area_codes
    ratings = {
        area: stage.rng.randint(1, 2) if area in e.needs else stage.rng.randint(3, 5)
        for area in areas
    }
    notes = {e.needs[0]: e.challenges} if e.needs[0] in areas else {}

    def joins() -> None:
        _sign_up(stage, e, Role.ENTREPRENEUR)
        stage.profiles.save_entrepreneur_profile(stage.ids[e.key], EntrepreneurDetails(
            business_name=e.business, description=e.description, stage=e.stage,
            industry=e.industry, country=e.country, languages=e.languages,
            time_zone=e.time_zone, working_hours=e.working_hours.working_hours(),
            challenges=e.challenges, goals=e.goals, employees=e.employees,
            website=e.website, programme=e.programme,
        ), stage.actor(e.key))

    def assesses() -> None:
        stage.profiles.submit_self_assessment(
            stage.ids[e.key], version=current_questionnaire(stage.profiles).version,
            ratings=ratings, notes=notes, actor=stage.actor(e.key), now=stage.clock.now,
        )

    stage.at(joined, joins)
    stage.at(joined + timedelta(minutes=40), assesses)
    stage.at(baseline_at(stage, e), _answering_baseline(stage, e))


def _answering_baseline(stage: Stage, e: Entrepreneur) -> Callable[[], None]:
    baseline = baseline_answers(e)

    def answers_baseline() -> None:
        stage.impact.answer(
            entrepreneur=stage.caller(e.key), kind=SurveyKind.BASELINE, months_after=None,
            relationship_id=None, answers=baseline, comment="", actor=stage.actor(e.key),
            mentoring=stage.mentoring,
        )

    return answers_baseline

