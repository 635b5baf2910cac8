"""Programme: a tenant's programme settings and self-assessment questionnaire.

Other contexts read the settings through `Programme.get_settings()` (or `settings_in` when they
already hold an application on the same stream), and get the defaults until an admin sets them.
"""

from __future__ import annotations

from services.actor import Actor
from services.application import TenantApplication
from services.errors import InvalidInputError
from services.programme.default_questionnaire import DEFAULT_AREAS
from services.programme.domain import (
    DEFAULT_QUESTIONNAIRE_VERSION,
    ProgrammeConfiguration,
    ProgrammeSettings,
    Questionnaire,
    QuestionnaireArea,
)
from services.taxonomy import check_expertise
from tenants.domain import INTERFACE_LOCALES

__all__ = ["CurrentQuestionnaire", "Programme", "current_questionnaire", "settings_in"]

QUESTIONNAIRE_AREAS = (3, 20)
QUESTION_LENGTH = (5, 500)


class CurrentQuestionnaire:
    """The questionnaire entrepreneurs answer now: its version and areas, in order."""

    __slots__ = ("areas", "version")

    def __init__(self, version: int, areas: list[QuestionnaireArea]) -> None:
        self.version, self.areas = version, areas

    @property
    def area_codes(self) -> list[str]:
        return [area.area for area in self.areas]


def settings_in(app: TenantApplication) -> ProgrammeSettings:
    """The programme settings of the tenant whose stream `app` is on (defaults if never set)."""
    configuration = app.find(ProgrammeConfiguration.ID, ProgrammeConfiguration)
    return configuration.settings if configuration else ProgrammeSettings()


def current_questionnaire(app: TenantApplication) -> CurrentQuestionnaire:
    """The self-assessment questionnaire of the tenant whose stream `app` is on."""
    questionnaire = app.find(Questionnaire.ID, Questionnaire)
    if questionnaire is None or not questionnaire.areas:
        return CurrentQuestionnaire(DEFAULT_QUESTIONNAIRE_VERSION, list(DEFAULT_AREAS))
    return CurrentQuestionnaire(questionnaire.version, questionnaire.areas)


class Programme(TenantApplication):
    name = "programme"

    # Queries --------------------------------------------------------------------------------

    def get_settings(self) -> ProgrammeSettings:
        return settings_in(self)

    def get_questionnaire(self) -> CurrentQuestionnaire:
        return current_questionnaire(self)

    # Commands -------------------------------------------------------------------------------

    def change_settings(self, settings: ProgrammeSettings, actor: Actor, reason: str = "") -> int:
        """Records the new settings (all of them), with the admin's reason if given; the same
        settings again record nothing."""
        settings = settings.validated()

        def command() -> int:
            configuration = self.find(ProgrammeConfiguration.ID, ProgrammeConfiguration)
            if configuration is None:
                configuration = ProgrammeConfiguration(actor=actor)
            elif configuration.settings == settings:
                return self.position
            configuration.change(settings=settings, actor=actor, reason=reason.strip())
            return self.record(configuration)

        return self.retrying(command)

    def publish_questionnaire(
        self, areas: list[QuestionnaireArea], actor: Actor, reason: str = ""
    ) -> tuple[int, int]:
        """Publishes a new version; answers (version, position)."""
        areas = _valid_areas(areas)

        def command() -> tuple[int, int]:
            questionnaire = self.find(Questionnaire.ID, Questionnaire)
            if questionnaire is None:
                questionnaire = Questionnaire(actor=actor)
            questionnaire.publish(areas=areas, actor=actor, reason=reason.strip())
            return questionnaire.version, self.record(questionnaire)

        return self.retrying(command)


def _valid_areas(areas: list[QuestionnaireArea]) -> list[QuestionnaireArea]:
    low, high = QUESTIONNAIRE_AREAS
    if not low <= len(areas) <= high:
        raise InvalidInputError("ask about %(least)s to %(most)s areas", field="areas",
                                values={"least": low, "most": high})
    seen: set[str] = set()
    cleaned = []
    for index, area in enumerate(areas):
        field = f"areas[{index}]"
        check_expertise(area.area, f"{field}.area")
        if area.area in seen:
            raise InvalidInputError("'%(area)s' is asked about twice", field=f"{field}.area",
                                    values={"area": area.area})
        seen.add(area.area)
        if "en" not in area.question:
            raise InvalidInputError(
                "give the question in English at least (the fallback)", field=f"{field}.question"
            )
        question = {}
        for locale, given in area.question.items():
            if locale not in INTERFACE_LOCALES:
                raise InvalidInputError(
                    "'%(locale)s' is not an interface locale (%(locales)s)",
                    field=f"{field}.question.{locale}",
                    values={"locale": locale, "locales": ", ".join(INTERFACE_LOCALES)},
                )
            text = given.strip()
            if not QUESTION_LENGTH[0] <= len(text) <= QUESTION_LENGTH[1]:
                raise InvalidInputError(
                    "must be %(least)s to %(most)s characters",
                    field=f"{field}.question.{locale}",
                    values={"least": QUESTION_LENGTH[0], "most": QUESTION_LENGTH[1]},
                )
            question[locale] = text
        cleaned.append(QuestionnaireArea(area=area.area, question=question))
    return cleaned
