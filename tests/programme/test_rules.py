"""The rules of a tenant's programme, told against the application alone: the settings mentoring
runs by (with their defaults and bounds), and the self-assessment questionnaire, published
version after version."""

from __future__ import annotations

from typing import Any

import pytest

from services.errors import InvalidInputError
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings, QuestionnaireArea
from tests.rules import OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules


@pytest.fixture
def programme(embedded_tenant: EmbeddedTenant) -> Programme:
    return embedded_tenant.app(Programme)


def area(code: str, **question: str) -> QuestionnaireArea:
    return QuestionnaireArea(area=code, question=question or {"en": f"How is your {code}?"})


def test_a_new_tenant_runs_on_the_default_settings_and_questionnaire(
    programme: Programme,
) -> None:
    settings = programme.get_settings()
    assert (settings.request_expiry_days, settings.max_open_requests) == (14, 5)
    assert settings.follow_up_months == [3, 6]
    assert settings.language_filter
    assert not settings.corporate
    assert settings.programmes == []

    questionnaire = programme.get_questionnaire()
    assert questionnaire.version == 1
    assert questionnaire.area_codes[:3] == ["strategy", "finance", "marketing"]
    assert len(questionnaire.area_codes) == 10


def test_an_admin_changes_the_settings_all_at_once_and_the_same_again_records_nothing(
    programme: Programme,
) -> None:
    new = ProgrammeSettings(request_expiry_days=21, max_open_requests=3,
                            follow_up_months=[6, 12], language_filter=False,
                            programmes=["women-in-business-2031"])
    position = programme.change_settings(new, OPERATOR, reason="  A longer cohort.  ")
    assert programme.get_settings() == new
    assert programme.change_settings(new, OPERATOR) == position


@pytest.mark.parametrize(("field", "changes"), [
    ("requestExpiryDays", {"request_expiry_days": 0}),
    ("requestExpiryDays", {"request_expiry_days": 91}),
    ("maxOpenRequests", {"max_open_requests": 21}),
    ("followUpMonths", {"follow_up_months": [1, 2, 3, 4, 5, 6, 7]}),
    ("followUpMonths[1]", {"follow_up_months": [6, 3]}),
    ("followUpMonths[1]", {"follow_up_months": [6, 6]}),
    ("followUpMonths[0]", {"follow_up_months": [37]}),
    ("programmes[0]", {"programmes": ["Women in Business"]}),
    ("programmes[1]", {"programmes": ["cohort-1", "cohort-1"]}),
])
def test_settings_out_of_bounds_are_refused_by_field(
    programme: Programme, field: str, changes: dict[str, Any],
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        programme.change_settings(ProgrammeSettings(**changes), OPERATOR)
    assert refused.value.field == field
    assert programme.get_settings() == ProgrammeSettings()


def test_each_published_questionnaire_is_a_new_version(programme: Programme) -> None:
    first, _ = programme.publish_questionnaire(
        [area("finance"), area("marketing", en="How do customers find you?",
                               es="¿Cómo le encuentran sus clientes?"), area("sales")],
        OPERATOR,
    )
    assert first == 2
    questionnaire = programme.get_questionnaire()
    assert (questionnaire.version, questionnaire.area_codes) == (2, ["finance", "marketing",
                                                                     "sales"])
    assert questionnaire.areas[1].text("es") == "¿Cómo le encuentran sus clientes?"
    # A language the question was not given in falls back to English.
    assert questionnaire.areas[1].text("fr") == "How do customers find you?"

    second, _ = programme.publish_questionnaire(
        [area("legal"), area("digital"), area("strategy")], OPERATOR)
    assert second == 3
    assert programme.get_questionnaire().area_codes == ["legal", "digital", "strategy"]


@pytest.mark.parametrize(("field", "areas"), [
    ("areas", [area("finance"), area("sales")]),
    ("areas", [area(code) for code in (
        "strategy", "finance", "marketing", "sales", "operations", "human-resources",
        "digital", "legal", "fundraising", "customer-service", "export", "pricing",
        "product", "technology", "supply-chain", "branding", "e-commerce", "leadership",
        "partnerships", "impact", "governance")]),
    ("areas[1].area", [area("finance"), area("astrology"), area("sales")]),
    ("areas[2].area", [area("finance"), area("sales"), area("finance")]),
    ("areas[0].question", [area("finance", es="¿Y sus finanzas?"), area("sales"),
                           area("legal")]),
    ("areas[0].question.de", [area("finance", en="How are your finances?", de="Finanzen?"),
                              area("sales"), area("legal")]),
    ("areas[2].question.en", [area("finance"), area("sales"), area("legal", en="Law?")]),
])
def test_a_questionnaire_with_a_broken_area_names_it(
    programme: Programme, field: str, areas: list[QuestionnaireArea],
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        programme.publish_questionnaire(areas, OPERATOR)
    assert refused.value.field == field
    assert programme.get_questionnaire().version == 1
