"""The rules of profiles, told against the application alone: a member has the profile of a role
they hold, every code is checked against the taxonomies and a refusal names the field as sent,
corporate programmes ask mentors for their employer, and a self-assessment answers the current
questionnaire and shows the entrepreneur's needs."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.profiles.application import Profiles
from services.profiles.domain import WorkingHours
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings, QuestionnaireArea
from tests.rules import OPERATOR, EmbeddedTenant, entrepreneur_details, mentor_details

pytestmark = pytest.mark.rules

DEFAULT_AREAS = [
    "strategy", "finance", "marketing", "sales", "operations", "human-resources", "digital",
    "legal", "fundraising", "customer-service",
]
"""The built-in questionnaire's areas (version 1), in order."""


@pytest.fixture
def profiles(embedded_tenant: EmbeddedTenant) -> Profiles:
    return embedded_tenant.app(Profiles)


def test_a_member_writes_the_profile_of_a_role_they_hold(
    embedded_tenant: EmbeddedTenant, profiles: Profiles,
) -> None:
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    profiles.save_entrepreneur_profile(ana.member_id, entrepreneur_details(), ana.actor())
    assert profiles.get_entrepreneur_profile(ana.member_id).business_name == "Pereira Bakery"

    with pytest.raises(ForbiddenError) as not_a_mentor:
        profiles.save_mentor_profile(ana.member_id, mentor_details(), ana.actor())
    assert not_a_mentor.value.field == "role"
    with pytest.raises(NotFoundError) as none:
        profiles.get_mentor_profile(ana.member_id)
    assert none.value.field == "memberId"

    # Once she no longer mentors, a mentor's profile is no longer shown.
    ben = embedded_tenant.mentor("Ben")
    assert profiles.get_mentor_profile(ben.member_id).capacity == 2
    embedded_tenant.app(Accounts).change_roles(ben.member_id, [Role.ENTREPRENEUR],
                                               "Stepped back.", OPERATOR)
    with pytest.raises(NotFoundError):
        profiles.get_mentor_profile(ben.member_id)


def test_saving_the_same_profile_again_records_nothing(
    embedded_tenant: EmbeddedTenant, profiles: Profiles,
) -> None:
    ben = embedded_tenant.member("Ben", Role.MENTOR)
    first = profiles.save_mentor_profile(ben.member_id, mentor_details(), ben.actor())
    assert profiles.save_mentor_profile(ben.member_id, mentor_details(), ben.actor()) == first
    changed = profiles.save_mentor_profile(ben.member_id, mentor_details(capacity=3),
                                           ben.actor())
    assert changed > first
    assert profiles.get_mentor_profile(ben.member_id).capacity == 3


@pytest.mark.parametrize(("field", "changes"), [
    ("languages[1]", {"languages": ["en", "klingon"]}),
    ("languages", {"languages": []}),
    ("expertise[0]", {"expertise": ["juggling"]}),
    ("expertise", {"expertise": []}),
    ("industries[1]", {"industries": ["C", "C"]}),
    ("countriesOfExperience[0]", {"countries_of_experience": ["XX"]}),
    ("country", {"country": "Spain"}),
    ("timeZone", {"time_zone": "Madrid"}),
    ("workingHours.end", {"working_hours": WorkingHours(start=time(17), end=time(9),
                                                        weekdays=[0])}),
    ("workingHours.weekdays[1]", {"working_hours": WorkingHours(start=time(9), end=time(17),
                                                                weekdays=[2, 2])}),
    ("capacity", {"capacity": 0}),
    ("capacity", {"capacity": 21}),
    ("monthlyHours", {"monthly_hours": 0}),
    ("headline", {"headline": " "}),
    ("employer", {"employer": "Acme Bank"}),
    ("programme", {"programme": "women-in-business-2026"}),
])
def test_a_mentor_profile_with_a_broken_detail_names_it(
    embedded_tenant: EmbeddedTenant, profiles: Profiles, field: str, changes: dict[str, Any],
) -> None:
    ben = embedded_tenant.member("Ben", Role.MENTOR)
    with pytest.raises(InvalidInputError) as refused:
        profiles.save_mentor_profile(ben.member_id, mentor_details(**changes), ben.actor())
    assert refused.value.field == field
    assert profiles.find_mentor_profile(ben.member_id) is None


@pytest.mark.parametrize(("field", "changes"), [
    ("stage", {"stage": "unicorn"}),
    ("industry", {"industry": "Z"}),
    ("businessName", {"business_name": ""}),
    ("employees", {"employees": -1}),
    ("website", {"website": "http://pereira.example"}),
])
def test_an_entrepreneur_profile_with_a_broken_detail_names_it(
    embedded_tenant: EmbeddedTenant, profiles: Profiles, field: str, changes: dict[str, Any],
) -> None:
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    with pytest.raises(InvalidInputError) as refused:
        profiles.save_entrepreneur_profile(ana.member_id, entrepreneur_details(**changes),
                                           ana.actor())
    assert refused.value.field == field


def test_a_corporate_programme_asks_mentors_for_their_employer_and_a_named_track(
    embedded_tenant: EmbeddedTenant, profiles: Profiles,
) -> None:
    embedded_tenant.app(Programme).change_settings(
        ProgrammeSettings(corporate=True, programmes=["volunteers-2031"]), OPERATOR)
    ben = embedded_tenant.member("Ben", Role.MENTOR)

    with pytest.raises(InvalidInputError) as no_employer:
        profiles.save_mentor_profile(ben.member_id, mentor_details(), ben.actor())
    assert no_employer.value.field == "employer"
    with pytest.raises(InvalidInputError) as no_id:
        profiles.save_mentor_profile(ben.member_id, mentor_details(employer="Acme Bank"),
                                     ben.actor())
    assert no_id.value.field == "employeeId"

    profiles.save_mentor_profile(ben.member_id, mentor_details(
        employer="Acme Bank", employee_id="E-1042", programme="volunteers-2031"), ben.actor())
    profile = profiles.get_mentor_profile(ben.member_id)
    assert (profile.employer, profile.employee_id, profile.programme) == (
        "Acme Bank", "E-1042", "volunteers-2031")


def test_a_self_assessment_rates_every_area_and_shows_the_needs(
    embedded_tenant: EmbeddedTenant, profiles: Profiles,
) -> None:
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    good = dict.fromkeys(DEFAULT_AREAS, 4)

    # The business is described first.
    with pytest.raises(ConflictError) as no_profile:
        profiles.submit_self_assessment(ana.member_id, version=1, ratings=good, notes={},
                                        actor=ana.actor())
    assert no_profile.value.field == "profile"
    profiles.save_entrepreneur_profile(ana.member_id, entrepreneur_details(), ana.actor())

    for ratings, notes, field in (
        ({**good, "finance": 6}, {}, "ratings.finance"),
        ({k: v for k, v in good.items() if k != "legal"}, {}, "ratings.legal"),
        ({**good, "astrology": 3}, {}, "ratings.astrology"),
        (good, {"astrology": "Stars."}, "notes.astrology"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            profiles.submit_self_assessment(ana.member_id, version=1, ratings=ratings,
                                            notes=notes, actor=ana.actor())
        assert refused.value.field == field

    # Areas rated 1 or 2 are her needs...
    low = {**good, "finance": 2, "sales": 1}
    submission, _ = profiles.submit_self_assessment(
        ana.member_id, version=1, ratings=low, notes={"finance": " No bookkeeping yet. "},
        actor=ana.actor())
    assert submission.need_areas == ["finance", "sales"]
    assert profiles.get_entrepreneur_profile(ana.member_id).need_areas == ["finance", "sales"]

    # ...and with none that low, the two lowest (ties in the questionnaire's order).
    middling = {**good, "digital": 3, "strategy": 3, "legal": 3}
    profiles.submit_self_assessment(ana.member_id, version=1, ratings=middling, notes={},
                                    actor=ana.actor())
    assert profiles.get_entrepreneur_profile(ana.member_id).need_areas == ["strategy", "digital"]
    assert len(profiles.self_assessments_of(ana.member_id)) == 2


def test_a_self_assessment_answers_the_questionnaire_as_it_is_now(
    embedded_tenant: EmbeddedTenant, profiles: Profiles,
) -> None:
    ana = embedded_tenant.entrepreneur("Ana")
    areas = ["finance", "marketing", "sales"]
    version, _ = embedded_tenant.app(Programme).publish_questionnaire([
        QuestionnaireArea(area=area, question={"en": f"How is your {area}?"}) for area in areas
    ], OPERATOR)
    assert version == 2

    # A form loaded before the new version was published is answered with a refusal.
    with pytest.raises(ConflictError) as stale:
        profiles.submit_self_assessment(ana.member_id, version=1,
                                        ratings=dict.fromkeys(DEFAULT_AREAS, 3), notes={},
                                        actor=ana.actor())
    assert stale.value.field == "version"
    assert "version 2" in stale.value.problem
    submission, _ = profiles.submit_self_assessment(
        ana.member_id, version=2, ratings={"finance": 1, "marketing": 4, "sales": 5}, notes={},
        actor=ana.actor())
    assert submission.need_areas == ["finance"]
