"""Impact surveys: what entrepreneurs report about their business, at onboarding and after.

Each entrepreneur has one `ImpactSurveys` aggregate (id derived from their member id) holding
their baseline and follow-up answers. Follow-ups fall due on the tenant's schedule
(`follow_up_months`), counted from the day each of their mentoring relationships became active;
an entrepreneur never mentored gets the same follow-ups counted from their baseline, so that the
figures of mentored and non-mentored entrepreneurs can be compared.

The figures (operating, revenue, employees, confidence, finance) are not personal: they must
survive erasure. The free comment is the entrepreneur's personal data.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import ClassVar
from uuid import UUID, uuid5

import msgspec
import pycountry
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, InvalidInputError
from services.personal_data import PersonalText

__all__ = [
    "EMPLOYEES_MAX",
    "REVENUE_MAX",
    "Activation",
    "DueSurvey",
    "ImpactSurveys",
    "RevenueBand",
    "SurveyAnswers",
    "SurveyKind",
    "SurveyResponse",
    "add_months",
    "due_surveys",
    "follow_up_dates",
    "validate_answers",
]

_NAMESPACE = UUID("c4a1e7d2-3b5f-4a9c-8e61-2f0d7b9a4c18")

EMPLOYEES_MAX = 100_000
REVENUE_MAX = Decimal(10) ** 12
CONFIDENCE_RANGE = (1, 5)

# ISO 4217 codes that are not money a business earns: metals, bond units, testing, "none".
_NOT_REVENUE_CURRENCIES = frozenset({
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
})


class SurveyKind(StrEnum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"


class RevenueBand(StrEnum):
    """Yearly revenue in US-dollar equivalent, for those who prefer not to give an amount."""

    UNDER_1K = "<1k"
    FROM_1K_TO_10K = "1k-10k"
    FROM_10K_TO_50K = "10k-50k"
    FROM_50K_TO_250K = "50k-250k"
    OVER_250K = ">250k"


class SurveyAnswers(msgspec.Struct, frozen=True, kw_only=True):
    """One survey's figures. Revenue is either an amount in a currency or a band, never both."""

    business_operating: bool
    revenue_amount: Decimal | None = None
    revenue_currency: str | None = None
    revenue_band: RevenueBand | None = None
    full_time_employees: int
    part_time_employees: int
    confidence: dict[str, int]
    new_finance: bool


@cache
def _currencies() -> frozenset[str]:
    codes = {currency.alpha_3 for currency in pycountry.currencies}
    return frozenset(codes - _NOT_REVENUE_CURRENCIES)


def validate_answers(answers: SurveyAnswers, known_areas: Collection[str]) -> SurveyAnswers:
    """The answers if they keep every rule, else the first broken rule naming its field."""
    amount, currency, band = answers.revenue_amount, answers.revenue_currency, answers.revenue_band
    if band is not None and (amount is not None or currency is not None):
        raise InvalidInputError(
            "give the revenue either as an amount with its currency or as a band, not both",
            field="revenueBand",
        )
    if band is None:
        if amount is None:
            raise InvalidInputError(
                "give the revenue as an amount with its currency, or as a band",
                field="revenueAmount",
            )
        if not amount.is_finite() or not 0 <= amount <= REVENUE_MAX:
            raise InvalidInputError(
                "must be a number from 0 to %(most)s", field="revenueAmount",
                values={"most": f"{REVENUE_MAX:,}"},
            )
        if currency is None:
            raise InvalidInputError(
                "an amount needs its ISO 4217 currency", field="revenueCurrency"
            )
        if currency not in _currencies():
            raise InvalidInputError(
                "'%(currency)s' is not an ISO 4217 currency code (e.g. EUR, KES, USD)",
                field="revenueCurrency", values={"currency": currency},
            )
    for field, count in (
        ("fullTimeEmployees", answers.full_time_employees),
        ("partTimeEmployees", answers.part_time_employees),
    ):
        if not 0 <= count <= EMPLOYEES_MAX:
            raise InvalidInputError("must be from 0 to %(most)s", field=field,
                                    values={"most": EMPLOYEES_MAX})
    low, high = CONFIDENCE_RANGE
    for area, rating in answers.confidence.items():
        if area not in known_areas:
            raise InvalidInputError(
                "'%(area)s' is not a business area of this programme",
                field=f"confidence.{area}", values={"area": area},
            )
        if not low <= rating <= high:
            raise InvalidInputError(
                "must be from %(least)s to %(most)s", field=f"confidence.{area}",
                values={"least": low, "most": high},
            )
    return answers


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the month's last day if shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Activation:
    """One of the entrepreneur's mentoring relationships and when it became active."""

    relationship_id: UUID
    activated_at: datetime


@dataclass(frozen=True)
class DueSurvey:
    kind: SurveyKind
    months_after: int | None = None
    relationship_id: UUID | None = None
    due_at: datetime | None = None
    """None for the baseline: due from onboarding."""


@dataclass(frozen=True)
class SurveyResponse:
    kind: SurveyKind
    months_after: int | None
    relationship_id: UUID | None
    answers: SurveyAnswers
    comment: str
    answered_at: datetime


class ImpactSurveys(Aggregate):
    """One entrepreneur's survey answers, baseline first, in the order given."""

    class Started(Aggregate.Created):
        entrepreneur_id: UUID
        actor: Actor

    class BaselineAnswered(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "entrepreneur_id"
        entrepreneur_id: UUID
        answers: SurveyAnswers
        comment: PersonalText
        answered_at: datetime
        actor: Actor

    class FollowUpAnswered(Aggregate.Event):
        personal_data_subject: ClassVar[str] = "entrepreneur_id"
        entrepreneur_id: UUID
        months_after: int
        relationship_id: UUID | None
        due_at: datetime
        answers: SurveyAnswers
        comment: PersonalText
        answered_at: datetime
        actor: Actor

    class FollowUpScheduled(Aggregate.Event):
        """A follow-up of the tenant's schedule, and when it falls due: recorded when the
        schedule starts (a relationship becomes active, or a never-mentored entrepreneur answers
        their baseline), so that notifications can be derived from it. What is due is still
        computed on each read (`due_surveys`); this is only when to tell."""

        entrepreneur_id: UUID
        months_after: int
        relationship_id: UUID | None
        due_at: datetime
        actor: Actor

    @staticmethod
    def create_id(entrepreneur_id: UUID) -> UUID:
        return uuid5(_NAMESPACE, f"impact-surveys/{entrepreneur_id}")

    @event(Started)
    def __init__(self, entrepreneur_id: UUID, actor: Actor) -> None:
        self.entrepreneur_id = entrepreneur_id
        self.responses: list[SurveyResponse] = []
        self.scheduled: dict[tuple[UUID | None, int], datetime] = {}

    # Queries --------------------------------------------------------------------------------

    @property
    def baseline_at(self) -> datetime | None:
        for response in self.responses:
            if response.kind is SurveyKind.BASELINE:
                return response.answered_at
        return None

    def answered(self) -> set[tuple[UUID | None, int]]:
        """The follow-ups answered, as (relationship or None, months after)."""
        return {
            (response.relationship_id, response.months_after) for response in self.responses
            if response.kind is SurveyKind.FOLLOW_UP and response.months_after is not None
        }

    # Commands -------------------------------------------------------------------------------

    def answer_baseline(
        self, answers: SurveyAnswers, comment: str, at: datetime, actor: Actor
    ) -> None:
        if self.baseline_at is not None:
            raise ConflictError(
                "the baseline survey was already answered on %(date)s",
                field="kind", values={"date": self.baseline_at.date()},
            )
        self._answer_baseline(
            entrepreneur_id=self.entrepreneur_id, answers=answers, comment=comment,
            answered_at=at, actor=actor,
        )

    def answer_follow_up(
        self, dates: Iterable[DueSurvey], months_after: int, relationship_id: UUID | None,
        answers: SurveyAnswers, comment: str, at: datetime, actor: Actor,
    ) -> None:
        """Records a follow-up of the entrepreneur's schedule (`follow_up_dates`) that is due."""
        if (relationship_id, months_after) in self.answered():
            raise ConflictError(
                "the %(months)s-month follow-up was already answered", field="monthsAfter",
                values={"months": months_after},
            )
        scheduled = next((
            survey.due_at for survey in dates
            if survey.months_after == months_after and survey.relationship_id == relationship_id
        ), None)
        if scheduled is None:
            raise ConflictError(
                "the %(months)s-month follow-up is not due yet", field="monthsAfter",
                values={"months": months_after},
            )
        if scheduled > at:
            raise ConflictError(
                "the %(months)s-month follow-up is not due yet; it falls due on %(date)s",
                field="monthsAfter", values={"months": months_after, "date": scheduled.date()},
            )
        self._answer_follow_up(
            entrepreneur_id=self.entrepreneur_id, months_after=months_after,
            relationship_id=relationship_id, due_at=scheduled, answers=answers,
            comment=comment, answered_at=at, actor=actor,
        )

    def schedule(self, follow_ups: Iterable[DueSurvey], actor: Actor) -> None:
        """Records each follow-up not scheduled before (scheduling is repeated safely)."""
        for survey in follow_ups:
            key = (survey.relationship_id, survey.months_after or 0)
            if survey.due_at is not None and key not in self.scheduled:
                self._schedule(
                    entrepreneur_id=self.entrepreneur_id, months_after=key[1],
                    relationship_id=key[0], due_at=survey.due_at, actor=actor,
                )

    @event(FollowUpScheduled)
    def _schedule(
        self, entrepreneur_id: UUID, months_after: int, relationship_id: UUID | None,
        due_at: datetime, actor: Actor,
    ) -> None:
        self.scheduled[(relationship_id, months_after)] = due_at

    @event(BaselineAnswered)
    def _answer_baseline(
        self, entrepreneur_id: UUID, answers: SurveyAnswers, comment: str,
        answered_at: datetime, actor: Actor,
    ) -> None:
        self.responses.append(SurveyResponse(
            kind=SurveyKind.BASELINE, months_after=None, relationship_id=None, answers=answers,
            comment=comment, answered_at=answered_at,
        ))

    @event(FollowUpAnswered)
    def _answer_follow_up(
        self, entrepreneur_id: UUID, months_after: int, relationship_id: UUID | None,
        due_at: datetime, answers: SurveyAnswers, comment: str, answered_at: datetime,
        actor: Actor,
    ) -> None:
        self.responses.append(SurveyResponse(
            kind=SurveyKind.FOLLOW_UP, months_after=months_after,
            relationship_id=relationship_id, answers=answers, comment=comment,
            answered_at=answered_at,
        ))


def follow_up_dates(
    baseline_at: datetime | None, activations: Iterable[Activation], schedule: Iterable[int],
) -> list[DueSurvey]:
    """Every follow-up of the schedule with the date it falls due: per relationship that became
    active, or, for an entrepreneur never mentored, counted from the baseline."""
    activations, schedule = list(activations), sorted(set(schedule))
    if activations:
        return [
            DueSurvey(
                kind=SurveyKind.FOLLOW_UP, months_after=months,
                relationship_id=activation.relationship_id,
                due_at=add_months(activation.activated_at, months),
            )
            for activation in sorted(activations, key=lambda a: a.activated_at)
            for months in schedule
        ]
    if baseline_at is None:
        return []
    return [
        DueSurvey(kind=SurveyKind.FOLLOW_UP, months_after=months,
                  due_at=add_months(baseline_at, months))
        for months in schedule
    ]


def due_surveys(
    surveys: ImpactSurveys | None, activations: Iterable[Activation], schedule: Iterable[int],
    now: datetime,
) -> list[DueSurvey]:
    """The surveys the entrepreneur should answer now: the baseline until answered, then each
    follow-up whose date has come and that is not answered yet."""
    baseline_at = surveys.baseline_at if surveys else None
    answered = surveys.answered() if surveys else set()
    due = [DueSurvey(kind=SurveyKind.BASELINE)] if baseline_at is None else []
    due += [
        survey for survey in follow_up_dates(baseline_at, activations, schedule)
        if survey.due_at is not None and survey.due_at <= now
        and (survey.relationship_id, survey.months_after) not in answered
    ]
    return due
