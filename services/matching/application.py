"""Matching: the tenant's matching weights (the match lists themselves are a read model,
`projections.matching`)."""

from __future__ import annotations

from services.actor import Actor
from services.application import TenantApplication
from services.matching.domain import MatchingConfiguration, MatchingWeights

__all__ = ["Matching", "weights_in"]


def weights_in(app: TenantApplication) -> MatchingWeights:
    """The matching weights of the tenant whose stream `app` is on (defaults if never set)."""
    configuration = app.find(MatchingConfiguration.ID, MatchingConfiguration)
    return configuration.weights if configuration else MatchingWeights()


class Matching(TenantApplication):
    name = "matching"

    def get_weights(self) -> MatchingWeights:
        return weights_in(self)

    def change_weights(self, weights: MatchingWeights, actor: Actor, reason: str = "") -> int:
        """Records the new weights (all of them), with the admin's reason if given; the same
        weights again record nothing."""
        weights = weights.validated()

        def command() -> int:
            configuration = self.find(MatchingConfiguration.ID, MatchingConfiguration)
            if configuration is None:
                configuration = MatchingConfiguration(actor=actor)
            elif configuration.weights == weights:
                return self.position
            configuration.change(weights=weights, actor=actor, reason=reason.strip())
            return self.record(configuration)

        return self.retrying(command)
