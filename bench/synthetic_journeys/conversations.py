"""The bulk of a tenant's log: short exchanges of messages inside current relationships, read
by the other side some time later."""

from __future__ import annotations

from datetime import timedelta

from bench.synthetic_journeys.people import DAY, HOUR, MINUTE, Pair
from bench.synthetic_journeys.simulation import Simulation
from services.mentoring.domain import Conversation
from services.mentoring.values import CURRENT, RelationshipStatus

_MESSAGES = [
    "Thanks, I will send the price list by Friday.",
    "Here is the draft of the supplier contract we talked about.",
    "Could we move our next call by a day? Something came up at the market.",
    "Good news: the buyer answered and wants samples!",
    "I looked at your cash-flow sheet; the second tab double counts VAT.",
    "Try raising the wholesale price by ten percent and see who pushes back.",
    "I talked to my accountant about the loan; she agrees with your numbers.",
    "Great progress this week. Let us look at the marketing plan next time.",
    "Sorry for the late answer, the power was out most of yesterday.",
    "Attached are the photos of the new packaging. What do you think?",
]


class ConversationSteps(Simulation):
    def _burst(self, pair: Pair) -> None:
        """A short exchange of messages, perhaps read by the other side later."""
        status = pair.relationship.status
        if status not in CURRENT:
            return
        if status is RelationshipStatus.ACTIVE:
            sender = self.chance(0.5)
            gap = timedelta(0)
            for _ in range(self.rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])):
                gap += self.rng.uniform(1, 40) * MINUTE
                self.after(gap, self._message, pair, sender)
                sender = not sender if self.chance(0.7) else sender
            if self.chance(0.6):
                self.after(gap + self.rng.uniform(10, 720) * MINUTE, self._read, pair,
                           not sender)
        self.after(self.rng.expovariate(1 / 3.2) * DAY + HOUR, self._burst, pair)

    def _message(self, pair: Pair, from_mentee: bool) -> None:
        relationship = pair.relationship
        if relationship.status not in CURRENT:
            return
        sender = pair.mentee if from_mentee else pair.mentor
        actor = self.member_actor(sender)
        if pair.conversation is None:
            pair.conversation = Conversation(
                relationship_id=relationship.id,
                member_ids=[relationship.mentee_id, relationship.mentor_id], actor=actor)
        pair.conversation.send(sender.id, self.rng.choice(_MESSAGES), self.now, actor)
        self.record(pair.conversation)

    def _read(self, pair: Pair, by_mentee: bool) -> None:
        conversation = pair.conversation
        if conversation is None or pair.relationship.status not in CURRENT:
            return
        reader = pair.mentee if by_mentee else pair.mentor
        if conversation.mark_read(reader.id, len(conversation.messages), self.now,
                                  self.member_actor(reader)):
            self.record(conversation)
