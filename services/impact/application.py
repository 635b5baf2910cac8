"""Impact surveys: which are due, answering them, the entrepreneur's history.

What is due is computed on each read, from the entrepreneur's baseline, the days their mentoring
relationships became active (mentoring's records) and the tenant's follow-up schedule
(programme settings, read from the same stream). Apart from answers, only when each follow-up
falls due is recorded (`schedule_follow_ups`, when the schedule starts), for the notifications
that remind the entrepreneur of it (`services.impact.notifications`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.application import Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.application import TenantApplication
from services.errors import InvalidInputError, NotFoundError
from services.impact.domain import (
    Activation,
    DueSurvey,
    ImpactSurveys,
    SurveyAnswers,
    SurveyKind,
    SurveyResponse,
    due_surveys,
    follow_up_dates,
    validate_answers,
)
from services.programme.application import settings_in
from services.taxonomy import EXPERTISE

__all__ = ["BUSINESS_AREAS", "Impact", "MentoringRecords"]

BUSINESS_AREAS = frozenset(EXPERTISE)
"""The areas confidence is rated in: the expertise taxonomy, which the self-assessment
questionnaire's areas are drawn from."""


class _Entry(Protocol):
    @property
    def relationship_id(self) -> UUID: ...


class _Relationship(Protocol):
    @property
    def mentee_id(self) -> UUID: ...

    @property
    def activated_at(self) -> datetime | None: ...


class MentoringRecords(Protocol):
    """What impact reads of mentoring (mentoring's `Mentoring`)."""

    def relationships_of(self, member_id: UUID) -> Sequence[_Entry]: ...

    def get_relationship(self, relationship_id: UUID, viewer: Caller) -> _Relationship: ...


class Impact(TenantApplication):
    name = "impact"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)
        """What time it is for due dates and answers; tests set their own."""

    # Queries --------------------------------------------------------------------------------

    def surveys_of(self, entrepreneur_id: UUID) -> ImpactSurveys | None:
        return self.find(ImpactSurveys.create_id(entrepreneur_id), ImpactSurveys)

    def history(self, entrepreneur_id: UUID) -> list[SurveyResponse]:
        surveys = self.surveys_of(entrepreneur_id)
        return list(surveys.responses) if surveys else []

    def due(self, entrepreneur: Caller, mentoring: MentoringRecords) -> list[DueSurvey]:
        """The surveys due now; none for a member who is not an entrepreneur (an auditor or
        an admin reads the entrepreneurs' pages, but has no business of their own to report)."""
        if not entrepreneur.has(Role.ENTREPRENEUR):
            return []
        return due_surveys(
            self.surveys_of(entrepreneur.member_id), self._activations(entrepreneur, mentoring),
            settings_in(self).follow_up_months, self.clock(),
        )

    def follow_ups(self, entrepreneur: Caller, mentoring: MentoringRecords) -> list[DueSurvey]:
        """Every follow-up of the programme's schedule for the entrepreneur, with the day it
        falls due (answered, due or still to come)."""
        if not entrepreneur.has(Role.ENTREPRENEUR):
            return []
        surveys = self.surveys_of(entrepreneur.member_id)
        return follow_up_dates(surveys.baseline_at if surveys else None,
                               self._activations(entrepreneur, mentoring),
                               settings_in(self).follow_up_months)

    # Commands -------------------------------------------------------------------------------

    def answer(
        self, *, entrepreneur: Caller, kind: SurveyKind, months_after: int | None,
        relationship_id: UUID | None, answers: SurveyAnswers, comment: str, actor: Actor,
        mentoring: MentoringRecords,
    ) -> tuple[SurveyResponse, int]:
        if kind is SurveyKind.BASELINE:
            for field, value in (("monthsAfter", months_after),
                                 ("relationshipId", relationship_id)):
                if value is not None:
                    raise InvalidInputError("a baseline survey has no %(field)s", field=field,
                                            values={"field": field})
        elif months_after is None:
            raise InvalidInputError("say which follow-up this is", field="monthsAfter")
        validate_answers(answers, BUSINESS_AREAS)
        schedule = settings_in(self).follow_up_months
        if months_after is not None and months_after not in schedule:
            raise InvalidInputError(
                "this programme's follow-ups are %(months)s months after",
                field="monthsAfter", values={"months": _listed(schedule)},
            )
        activations = self._activations(entrepreneur, mentoring)
        if kind is SurveyKind.FOLLOW_UP:
            self._check_relationship(
                relationship_id, activations, entrepreneur, mentoring
            )

        def command() -> tuple[SurveyResponse, int]:
            now = self.clock()
            surveys = self.surveys_of(entrepreneur.member_id) or ImpactSurveys(
                entrepreneur_id=entrepreneur.member_id, actor=actor
            )
            if kind is SurveyKind.BASELINE:
                surveys.answer_baseline(answers, comment, now, actor)
            else:
                assert months_after is not None
                dates = follow_up_dates(surveys.baseline_at, activations, schedule)
                surveys.answer_follow_up(
                    dates, months_after, relationship_id, answers, comment, now, actor
                )
            return surveys.responses[-1], self.record(surveys)

        return self.retrying(command)

    def schedule_follow_ups(
        self, entrepreneur_id: UUID, relationship_id: UUID | None, since: datetime,
        actor: Actor,
    ) -> int:
        """Records when each follow-up of the tenant's schedule falls due, counted from `since`:
        the day the relationship became active, or (`relationship_id` None) the baseline of an
        entrepreneur never mentored. Follow-ups already recorded are left as they are."""
        schedule = settings_in(self).follow_up_months
        if relationship_id is None:
            follow_ups = follow_up_dates(since, [], schedule)
        else:
            follow_ups = follow_up_dates(None, [Activation(relationship_id, since)], schedule)
        if not follow_ups:
            return self.position

        def command() -> int:
            surveys = self.surveys_of(entrepreneur_id) or ImpactSurveys(
                entrepreneur_id=entrepreneur_id, actor=actor
            )
            surveys.schedule(follow_ups, actor)
            return self.record(surveys)

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _activations(
        self, entrepreneur: Caller, mentoring: MentoringRecords
    ) -> list[Activation]:
        """The entrepreneur's relationships as a mentee that became active, and when."""
        activations = []
        for entry in mentoring.relationships_of(entrepreneur.member_id):
            relationship = mentoring.get_relationship(entry.relationship_id, entrepreneur)
            if (relationship.mentee_id == entrepreneur.member_id
                    and relationship.activated_at is not None):
                activations.append(Activation(entry.relationship_id, relationship.activated_at))
        return activations

    @staticmethod
    def _check_relationship(
        relationship_id: UUID | None, activations: list[Activation], entrepreneur: Caller,
        mentoring: MentoringRecords,
    ) -> None:
        if relationship_id is None:
            if activations:
                raise InvalidInputError(
                    "your follow-ups count from your mentoring relationships; name the one "
                    "this follow-up is about", field="relationshipId",
                )
            return
        # Someone else's relationship (or nobody's) answers like an unknown one.
        relationship = mentoring.get_relationship(relationship_id, entrepreneur)
        if relationship.mentee_id != entrepreneur.member_id:
            raise NotFoundError(
                "no relationship with id %(id)s", field="relationshipId",
                values={"id": relationship_id},
            )


def _listed(months: list[int]) -> str:
    return ", ".join(str(m) for m in months) if months else "none"
