"""How much each match criterion counts in a tenant: its matching weights.

Match lists (the `matching` read model) score every mentor/entrepreneur pair on a few criteria,
each between 0 and 1, and add them up weighted; the open-request penalty is subtracted the same
way. The weights are the tenant's to choose, and changing them is an event, so a ranking can be
explained and reproduced at any stream position. One aggregate per tenant stream, with a fixed
id; until an admin first changes them, the defaults below apply and nothing is stored.
"""

from __future__ import annotations

import math
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import InvalidInputError

__all__ = ["CRITERIA", "MAX_WEIGHT", "MatchingConfiguration", "MatchingWeights"]

_NAMESPACE = UUID("d3a1c5e7-2b4f-4c8d-9e61-7f0a2b3c4d5e")

MAX_WEIGHT = 10.0

CRITERIA = (
    "language", "expertise", "industry", "country", "hours", "stage", "capacity",
    "responsiveness",
)
"""The criteria a match is scored on, as the explanation names them; `openRequests` is the
penalty that spreads exposure."""


class MatchingWeights(msgspec.Struct, frozen=True, kw_only=True):
    """The weight of each criterion, 0 (ignored) to 10. Defaults favour what the entrepreneur
    asked for help with (their self-assessed needs) over everything else.

    `language`: at least one shared language (counts when the language filter is off).
    `expertise`: the share of the entrepreneur's needs the mentor has expertise in.
    `industry`: the mentor knows the entrepreneur's industry.
    `country`: the mentor lives in the entrepreneur's country or has experience there (diaspora
    ties). `hours`: working hours overlap across time zones. `stage`: the mentor has mentored
    businesses at this stage. `capacity`: the share of the mentor's places still free.
    `responsiveness`: the share of requests the mentor answered, and how fast.
    `open_requests`: the penalty for requests waiting on the mentor, per free place.
    """

    language: float = 1.0
    expertise: float = 3.0
    industry: float = 1.0
    country: float = 1.0
    hours: float = 1.0
    stage: float = 0.5
    capacity: float = 0.5
    responsiveness: float = 1.0
    open_requests: float = 1.0

    def validated(self) -> MatchingWeights:
        for name, value in msgspec.structs.asdict(self).items():
            field = _camel(name)
            if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
                raise InvalidInputError(
                    "must be a number from 0 to %(most)s, not %(value)s", field=field,
                    values={"most": f"{MAX_WEIGHT:g}", "value": value},
                )
        return self

    def of(self, criterion: str) -> float:
        """The weight of a criterion as the explanation names it (`openRequests` too)."""
        value: float = getattr(self, "open_requests" if criterion == "openRequests"
                               else criterion)
        return value


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


class MatchingConfiguration(Aggregate):
    """The tenant's matching weights, as admins changed them."""

    ID = uuid5(_NAMESPACE, "matching-configuration")

    class Started(Aggregate.Created):
        actor: Actor

    class WeightsChanged(Aggregate.Event):
        weights: MatchingWeights
        actor: Actor
        reason: str = ""
        """Why, as the admin gave it (optional; events before reasons were asked have none)."""

    @staticmethod
    def create_id() -> UUID:
        return MatchingConfiguration.ID

    @event(Started)
    def __init__(self, actor: Actor) -> None:
        self.weights = MatchingWeights()

    @event(WeightsChanged)
    def change(self, weights: MatchingWeights, actor: Actor, reason: str = "") -> None:
        self.weights = weights
