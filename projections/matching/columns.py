"""The match index's columns: a row per member in NumPy arrays grown by doubling, codes as bits
of per-index vocabularies (a filter is an AND over one or two 64-bit words, shared codes a
popcount), working weeks as half-hour UTC slot bitsets kept once per distinct week."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from projections.matching.scoring import HOURS_ENOUGH, SLOT_WORDS, overlap_hours

__all__ = [
    "Bools",
    "Columns",
    "Floats",
    "Vocabulary",
    "Weeks",
    "Words",
    "any_shared",
    "bit_set",
    "count_shared",
    "set_bits",
]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Words = npt.NDArray[np.uint64]
_WORD = 64
_WEEKS_KEPT = 256
_MASK = 2**64 - 1


class Vocabulary:
    """Codes seen in one index, each given the next bit."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self._bits: dict[str, int] = {}

    def bit(self, code: str) -> int:
        bit = self._bits.get(code)
        if bit is None:
            bit = self._bits[code] = len(self.codes)
            self.codes.append(code)
        return bit

    def find(self, code: str) -> int:
        return self._bits.get(code, -1)

    def bits(self, codes: Iterable[str]) -> int:
        mask = 0
        for code in codes:
            mask |= 1 << self.bit(code)
        return mask

    @property
    def words(self) -> int:
        return max(1, -(-len(self.codes) // _WORD))

    def decode(self, words: Words) -> list[str]:
        return sorted(self.codes[index] for index in set_bits(words))


def set_bits(words: Words) -> list[int]:
    found = []
    for word_index, word in enumerate(words.tolist()):
        rest = word
        while rest:
            low = rest & -rest
            found.append(word_index * _WORD + low.bit_length() - 1)
            rest ^= low
    return found


def _words(mask: int, count: int) -> list[int]:
    return [(mask >> (_WORD * word)) & _MASK for word in range(count)]


def bit_set(bits: Words, n: int, bit: int) -> Bools:
    if bit < 0:
        return np.zeros(n, dtype=np.bool_)
    word, offset = divmod(bit, _WORD)
    if word >= bits.shape[1]:
        return np.zeros(n, dtype=np.bool_)
    return ((bits[:n, word] >> np.uint64(offset)) & np.uint64(1)).astype(np.bool_)


def any_shared(bits: Words, n: int, query: Words) -> Bools:
    shared = np.zeros(n, dtype=np.bool_)
    for word in np.flatnonzero(query).tolist():
        shared |= (bits[:n, word] & query[word]) != 0
    return shared


def count_shared(bits: Words, n: int, query: Words) -> npt.NDArray[np.int64]:
    count = np.zeros(n, dtype=np.int64)
    for word in np.flatnonzero(query).tolist():
        count += np.bitwise_count(bits[:n, word] & query[word])
    return count


class Weeks:
    """The distinct working weeks (slot bitsets) of the index's members."""

    def __init__(self) -> None:
        self._ids: dict[tuple[int, ...], int] = {}
        self.slots: Words = np.zeros((64, SLOT_WORDS), dtype=np.uint64)
        self._scores: OrderedDict[int, Floats] = OrderedDict()

    def id_of(self, slots: tuple[int, ...]) -> int:
        week = self._ids.get(slots)
        if week is None:
            week = self._ids[slots] = len(self._ids)
            if week >= len(self.slots):
                self.slots = np.concatenate([self.slots, np.zeros_like(self.slots)])
            self.slots[week] = slots
        return week

    def overlap_scores(self, week: int) -> Floats:
        """The hours criterion of every distinct week against one member's week (kept for the
        weeks asked about most recently; a new distinct week makes them stale)."""
        count = len(self._ids)
        scores = self._scores.get(week)
        if scores is None or len(scores) != count:
            shared = np.bitwise_count(self.slots[:count] & self.slots[week]).sum(axis=1)
            scores = np.minimum(1.0, overlap_hours(1) * shared / HOURS_ENOUGH)
            self._scores[week] = scores
            while len(self._scores) > _WEEKS_KEPT:
                self._scores.popitem(last=False)
        self._scores.move_to_end(week)
        return scores


class Columns:
    """One side's features, a row per member, in arrays grown by doubling."""

    def __init__(self, scalars: dict[str, Any], bitsets: dict[str, Vocabulary],
                 matrices: dict[str, int]) -> None:
        self.n = 0
        self.ids: list[UUID] = []
        self.row_of: dict[UUID, int] = {}
        self._scalars = scalars
        self._vocabularies = bitsets
        self._matrices = matrices
        size = 16
        self.arrays: dict[str, Any] = {
            name: np.zeros(size, dtype=dtype) for name, dtype in scalars.items()}
        self.arrays |= {name: np.zeros((size, 1), dtype=np.uint64) for name in bitsets}
        self.arrays |= {name: np.zeros((size, width)) for name, width in matrices.items()}
        self.texts: list[str] = []

    def __getitem__(self, name: str) -> Any:
        return self.arrays[name]

    def profiled(self, row: int) -> bool:
        """Whether the member has written their profile (a row may exist from relationships or
        role changes alone): every profile names a country."""
        return bool(self.arrays["country"][row] >= 0)

    def upsert(self, encoded: Sequence[tuple[UUID, dict[str, Any]]]) -> npt.NDArray[np.int64]:
        """Writes encoded rows (member id, column values), appending members not yet known;
        answers the rows written."""
        if not encoded:
            return np.zeros(0, dtype=np.int64)
        rows = []
        for member_id, _ in encoded:
            row = self.row_of.get(member_id)
            if row is None:
                row = self.row_of[member_id] = self.n
                self.n += 1
                self.ids.append(member_id)
                self.texts.append("")
            rows.append(row)
        self._reserve(self.n)
        self.widen()
        at = np.array(rows, dtype=np.int64)
        for name in self.arrays:
            values = [columns[name] for _, columns in encoded]
            if name in self._vocabularies:
                width = self.arrays[name].shape[1]
                values = [_words(mask, width) for mask in values]
            self.arrays[name][at] = np.array(values, dtype=self.arrays[name].dtype)
        for row, (_, columns) in zip(rows, encoded, strict=True):
            self.texts[row] = columns.get("text", "")
        return at

    def _reserve(self, count: int) -> None:
        size = len(next(iter(self.arrays.values())))
        if count <= size:
            return
        while size < count:
            size *= 2
        for name, array in self.arrays.items():
            grown = np.zeros((size, *array.shape[1:]), dtype=array.dtype)
            grown[:len(array)] = array
            self.arrays[name] = grown

    def widen(self) -> None:
        """Gives every bitset as many words as its vocabulary now needs."""
        for name, vocabulary in self._vocabularies.items():
            array = self.arrays[name]
            if array.shape[1] < vocabulary.words:
                wider = np.zeros((len(array), vocabulary.words), dtype=np.uint64)
                wider[:, :array.shape[1]] = array
                self.arrays[name] = wider
