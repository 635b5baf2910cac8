"""What the mentors of one index offer: the codes a search can usefully filter on.

A search form that lists every language in ISO 639 (640 of them, 125 KB of HTML) offers
hundreds of choices that find nobody; these are the languages, countries (where mentors live
or have worked), expertise and industries of the mentors taking requests now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
import numpy as np

from projections.matching.columns import Vocabulary, set_bits

if TYPE_CHECKING:
    from projections.matching.index import MatchingIndex

__all__ = ["Offered", "offered_codes"]


class Offered(msgspec.Struct, frozen=True, kw_only=True):
    languages: frozenset[str]
    countries: frozenset[str]
    expertise: frozenset[str]
    industries: frozenset[str]


def offered_codes(index: MatchingIndex) -> Offered:
    """Called holding the index, up to date (`MatchingIndex.offered`)."""
    mentors = index.mentors
    taking = np.flatnonzero(mentors["taking"][:mentors.n])

    def union(column: str, vocabulary: Vocabulary) -> frozenset[str]:
        if not len(taking):
            return frozenset()
        words = np.bitwise_or.reduce(mentors[column][taking], axis=0)
        return frozenset(vocabulary.codes[bit] for bit in set_bits(words))

    home = {index.countries.codes[country] for country in mentors["country"][taking].tolist()
            if 0 <= country < len(index.countries.codes)}
    return Offered(
        languages=union("languages", index.languages),
        countries=union("experience", index.countries) | home,
        expertise=union("expertise", index.expertise),
        industries=union("industries", index.industries),
    )
