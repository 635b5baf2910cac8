"""Wire shapes of the programme API: settings and the self-assessment questionnaire."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from services.audit_log.schemas import OptionalReason
from services.programme.domain import ProgrammeSettings, QuestionnaireArea
from services.schemas import CamelBody, CamelStruct

__all__ = [
    "ChangeProgrammeSettings",
    "ProgrammeSettingsBody",
    "QuestionnaireAreaBody",
    "QuestionnaireAreaView",
    "QuestionnaireBody",
    "QuestionnairePublished",
    "QuestionnaireView",
]


class ProgrammeSettingsBody(CamelBody):
    """The whole of the programme's settings (also what GET answers)."""

    request_expiry_days: Annotated[int, Meta(
        examples=[14], description="An unanswered mentoring request expires after 1-90 days",
    )]
    max_open_requests: Annotated[int, Meta(
        examples=[5], description="Unanswered requests an entrepreneur may have at once, 1-20",
    )]
    follow_up_months: Annotated[list[int], Meta(
        max_length=6, examples=[[3, 6]],
        description="Impact follow-ups, months after a relationship ends: ascending, 1-36",
    )]
    language_filter: Annotated[bool, Meta(
        examples=[True], description="Entrepreneurs see only mentors sharing a language",
    )]
    corporate: Annotated[bool, Meta(
        examples=[False], description="Mentors give employer and employee id",
    )]
    programmes: Annotated[list[str], Meta(
        max_length=50, examples=[["women-in-business-2026", "agri-export"]],
        description="Named tracks or cohorts (lower-case slugs) a profile may belong to; "
                    "omitted means none",
    )] = msgspec.field(default_factory=list)

    def to_domain(self) -> ProgrammeSettings:
        return ProgrammeSettings(**{name: getattr(self, name)
                                    for name in ProgrammeSettings.__struct_fields__})

    @classmethod
    def of(cls, settings: ProgrammeSettings) -> ProgrammeSettingsBody:
        return cls(**msgspec.structs.asdict(settings))


class ChangeProgrammeSettings(ProgrammeSettingsBody):
    """The whole of the programme's new settings, and optionally why."""

    reason: OptionalReason = ""


class QuestionnaireAreaBody(CamelBody):
    area: Annotated[str, Meta(max_length=40, examples=["finance"],
                              description="An expertise area code")]
    question: Annotated[dict[str, str], Meta(
        min_length=1, max_length=5,
        examples=[{"en": "How well do you manage cash flow?",
                   "es": "¿Qué tan bien gestiona su flujo de caja?"}],
        description="The question by interface locale; English required (the fallback)",
    )]


class QuestionnaireBody(CamelBody):
    areas: Annotated[list[QuestionnaireAreaBody], Meta(
        # At least 3 is the domain's rule (422 naming `areas`, beside its other rules on the
        # areas); the document says so too.
        max_length=20, extra_json_schema={"minItems": 3},
        description="3 to 20 distinct areas, asked in this order",
        examples=[[
            {"area": "finance", "question": {"en": "How well do you manage cash flow?"}},
            {"area": "marketing", "question": {"en": "How well do customers find you?"}},
            {"area": "sales", "question": {"en": "How steady are your sales?"}},
        ]],
    )]

    reason: OptionalReason = ""

    def to_domain(self) -> list[QuestionnaireArea]:
        return [QuestionnaireArea(area=a.area, question=a.question) for a in self.areas]


class QuestionnairePublished(CamelStruct):
    version: int
    position: int


class QuestionnaireAreaView(CamelStruct):
    area: str
    name: str
    question: str


class QuestionnaireView(CamelStruct):
    version: int
    locale: str
    areas: list[QuestionnaireAreaView]
