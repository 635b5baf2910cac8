"""The rules of a tenant's matching weights, told against the matching application alone: the
defaults favour the entrepreneur's needs, an admin replaces all weights at once, and each weight
is a number from 0 to 10. (How the weights rank mentors is the read model's story, in
`test_match_lists.py`.)"""

from __future__ import annotations

import math

import pytest

from services.errors import InvalidInputError
from services.matching.application import Matching
from services.matching.domain import MatchingWeights
from tests.rules import OPERATOR, EmbeddedTenant

pytestmark = pytest.mark.rules


@pytest.fixture
def matching(embedded_tenant: EmbeddedTenant) -> Matching:
    return embedded_tenant.app(Matching)


def test_a_new_tenant_weighs_the_entrepreneurs_needs_most(matching: Matching) -> None:
    weights = matching.get_weights()
    assert weights == MatchingWeights()
    assert weights.expertise == 3.0
    assert max(weights.of(criterion) for criterion in (
        "language", "industry", "country", "hours", "stage", "capacity", "responsiveness",
        "openRequests")) < weights.expertise


def test_an_admin_replaces_the_weights_and_the_same_again_records_nothing(
    matching: Matching,
) -> None:
    local = MatchingWeights(language=0.0, country=4.0, expertise=2.5, open_requests=0.0)
    position = matching.change_weights(local, OPERATOR, reason="Local ties first.")
    assert matching.get_weights() == local
    assert matching.get_weights().of("openRequests") == 0.0
    assert matching.change_weights(local, OPERATOR) == position

    matching.change_weights(MatchingWeights(), OPERATOR)
    assert matching.get_weights() == MatchingWeights()


@pytest.mark.parametrize(("field", "weights"), [
    ("language", MatchingWeights(language=-0.5)),
    ("expertise", MatchingWeights(expertise=10.5)),
    ("openRequests", MatchingWeights(open_requests=11.0)),
    ("responsiveness", MatchingWeights(responsiveness=math.nan)),
    ("hours", MatchingWeights(hours=math.inf)),
])
def test_each_weight_is_a_number_from_0_to_10(
    matching: Matching, field: str, weights: MatchingWeights,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        matching.change_weights(weights, OPERATOR)
    assert refused.value.field == field
    assert matching.get_weights() == MatchingWeights()
