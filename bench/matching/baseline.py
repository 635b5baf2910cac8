"""The brute-force baseline: every mentor scored from dense matrices (one-hot languages,
expertise, industries, countries; 768 half-hour slots per mentor) with plain NumPy, then all of
them sorted. It gives the index's scores, so the two answers can be compared."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

from projections.matching.index import MatchingIndex
from projections.matching.projection import ENTREPRENEURS, STAGE_ORDER
from projections.matching.queries import excluded_for
from projections.matching.scoring import HOURS_ENOUGH, overlap_hours, week_slots
from projections.store import ReadModelStore

TOP = 20
"""The length of the match lists compared."""


def unpack(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Bitsets as one boolean column per bit."""
    as_bytes = np.ascontiguousarray(words).view(np.uint8).reshape(len(words), -1)
    bits: npt.NDArray[np.bool_] = np.unpackbits(as_bytes, axis=1, bitorder="little").astype(
        np.bool_)
    return bits


@dataclass
class BruteForce:
    """Every mentor scored from dense matrices with plain NumPy, then all of them sorted."""

    index: MatchingIndex

    def __post_init__(self) -> None:
        mentors = self.index.mentors
        n = mentors.n
        self.n = n
        self.languages = unpack(mentors["languages"][:n])
        self.expertise = unpack(mentors["expertise"][:n]).astype(np.float64)
        self.industries = unpack(mentors["industries"][:n])
        self.experience = unpack(mentors["experience"][:n])
        self.slots = unpack(self.index.weeks.slots[mentors["week"][:n]])
        self.country = mentors["country"][:n].copy()
        self.stages = mentors["stages"][:n].copy()
        self.capacity = mentors["capacity"][:n].astype(np.float64)
        self.current = mentors["current"][:n].astype(np.float64)
        self.open = mentors["open"][:n].astype(np.float64)
        self.responsiveness = mentors["responsiveness"][:n].copy()
        self.eligible = mentors["eligible"][:n].copy()
        self.ids = list(mentors.ids)

    def _vector(self, width: int, bits: list[int]) -> npt.NDArray[np.bool_]:
        vector = np.zeros(width, dtype=np.bool_)
        vector[[bit for bit in bits if 0 <= bit < width]] = True
        return vector

    def top(self, store: ReadModelStore, entrepreneur_id: UUID) -> list[tuple[UUID, float]]:
        row = store.rows(ENTREPRENEURS, where="member_id = %s", params=[entrepreneur_id])[0]
        excluded = set(excluded_for(store, entrepreneur_id, mentee=True)) | {entrepreneur_id}
        index = self.index
        languages = self._vector(self.languages.shape[1],
                                 [index.languages.find(code) for code in row["languages"]])
        needs = self._vector(self.expertise.shape[1],
                             [index.expertise.find(code) for code in row["need_areas"]])
        week = np.array(week_slots(row["time_zone"], row["working_hours"]), dtype=np.uint64)
        slots = unpack(week[np.newaxis, :])[0]
        country = index.countries.find(row["country"])
        industry = index.industries.find(row["industry"])
        stage = STAGE_ORDER.index(row["stage"]) if row["stage"] in STAGE_ORDER else -1

        shared = (self.languages & languages).any(axis=1)
        need_count = max(1, int(needs.sum()))
        remaining = self.capacity - self.current
        scores = {
            "language": shared.astype(np.float64),
            "expertise": self.expertise @ needs.astype(np.float64) / need_count,
            "industry": self.industries[:, industry].astype(np.float64) if industry >= 0
            else np.zeros(self.n),
            "country": ((self.country == country)
                        | (self.experience[:, country] if country >= 0
                           else np.zeros(self.n, dtype=np.bool_))).astype(np.float64),
            "hours": np.minimum(1.0, overlap_hours(1) * (self.slots & slots).sum(axis=1)
                                / HOURS_ENOUGH),
            "stage": self.stages[:, stage] if stage >= 0 else np.full(self.n, 0.5),
            "capacity": np.clip(remaining / np.maximum(self.capacity, 1), 0, 1),
            "responsiveness": self.responsiveness,
        }
        weights = index.weights
        total = sum((weights.of(name) * value for name, value in scores.items()),
                    start=np.zeros(self.n))
        total = total - weights.open_requests * np.minimum(
            1.0, self.open / np.maximum(remaining, 1))
        candidates = self.eligible & (remaining > 0)
        if index.language_filter:
            candidates &= shared
        for member_id in excluded:
            row_index = index.mentors.row_of.get(member_id)
            if row_index is not None:
                candidates[row_index] = False
        total = np.where(candidates, total, -np.inf)
        order = np.argsort(-total, kind="stable")[:TOP]
        return [(self.ids[i], float(total[i])) for i in order if np.isfinite(total[i])]
