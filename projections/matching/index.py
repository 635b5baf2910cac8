"""The match index: a tenant's match features as NumPy arrays, scored whole in a few milliseconds.

One `MatchingIndex` per tenant stream and process, kept as long as the process keeps the stream
open. Before each query it refreshes from the read model: one statement reads the projection's
position and generation and which tables have rows beyond the index's position, then only those
rows are read (an indexed range scan; after one profile change, one row). A new generation (a
rebuild was swapped in) or a position that went back reloads everything.

Codes (languages, countries, expertise, industries) become bits of per-index vocabularies, so a
language filter is an AND over one or two 64-bit words per mentor, and shared needs are a
popcount. Working weeks become half-hour UTC slot bitsets; members share few distinct weeks, so
the overlap is computed once per distinct week and gathered. A mentor's total is their own part
(kept per entrepreneur stage, see `MatchingIndex`) plus a few whole-array operations for the
criteria that depend on the entrepreneur; candidates are masked, `argpartition` picks the top k,
and only those are sorted and explained.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

import msgspec
import numpy as np
import numpy.typing as npt

from projections.matching.columns import (
    Bools,
    Columns,
    Floats,
    Vocabulary,
    Weeks,
    any_shared,
    bit_set,
    count_shared,
    set_bits,
)
from projections.matching.offered import Offered, offered_codes
from projections.matching.projection import (
    ENTREPRENEURS,
    MATCHING,
    MENTORS,
    SETTINGS,
    STAGE_ORDER,
)
from projections.matching.queries import blocked_for, changed_rows, excluded_for
from projections.matching.results import (
    EntrepreneurFeatures,
    Match,
    MentorFeatures,
    Ranked,
    SearchFilters,
)
from projections.matching.scoring import explain, responsiveness, stage_affinity, week_slots
from projections.store import ReadModelStore
from projections.tables import Row, Table
from services.errors import NotFoundError
from services.matching.domain import MatchingWeights

__all__ = ["MatchingIndex", "index_for"]
Explainer = Callable[[npt.NDArray[np.int64]], dict[str, Floats]]
"""Gives each criterion's scores for some rows (the top k), to explain them."""

_TIEBREAK_SHIFT = 65
"""Equal totals are ordered by member id (its first 63 bits), so a list is the same in every
process and after every rebuild."""
_NO_STAGE = len(STAGE_ORDER)
"""The mentor's `base_<stage>` column used for entrepreneurs without a stage."""


class MatchingIndex:
    """One tenant's match index; every public method refreshes it first (see the module
    docstring) and is safe to call from several threads.

    A mentor's own criteria (free places, responsiveness, the open-request penalty) and their
    stage affinity do not depend on who asks, so each mentor row keeps their weighted sum per
    entrepreneur stage (`base_<stage>`), recomputed when the row or the weights change; a query
    adds the criteria that depend on the entrepreneur to one of those columns.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = -1
        self.position = -1
        self._reset()

    def _reset(self) -> None:
        self.languages, self.countries = Vocabulary(), Vocabulary()
        self.expertise, self.industries = Vocabulary(), Vocabulary()
        self.weeks = Weeks()
        self.weights = MatchingWeights()
        self.language_filter = True
        common = {"eligible": np.bool_, "country": np.int32, "week": np.int32,
                  "open": np.int32, "current": np.int32, "tiebreak": np.int64}
        bases = {f"base_{stage}": np.float64 for stage in range(_NO_STAGE + 1)}
        self.mentors = Columns(
            {**common, "capacity": np.int32, "responsiveness": np.float64,
             "taking": np.bool_, "capacity_score": np.float64, "exposure": np.float64,
             **bases},
            {"languages": self.languages, "experience": self.countries,
             "expertise": self.expertise, "industries": self.industries},
            {"stages": len(STAGE_ORDER)},
        )
        self.entrepreneurs = Columns(
            {**common, "industry": np.int32, "stage": np.int32, "need_count": np.int32},
            {"languages": self.languages, "needs": self.expertise}, {},
        )
        self._mentor_cache: dict[int, MentorFeatures] = {}
        self._entrepreneur_cache: dict[int, EntrepreneurFeatures] = {}

    # Refreshing -----------------------------------------------------------------------------

    def refresh(self, store: ReadModelStore) -> int:
        """Brings the index to the read model's position; answers that position."""
        if self.position < 0:
            state = store.state(MATCHING.name)
            if state is None:
                return 0
            position, generation = state.position, state.generation
            changed: tuple[Table, ...] = (SETTINGS, MENTORS, ENTREPRENEURS)
        else:
            looked = self._look(store)
            if looked is None:
                return self.position
            position, generation, changed = looked
        if generation != self.generation or position < self.position:
            self._reset()
            self.position = -1
            changed = (SETTINGS, MENTORS, ENTREPRENEURS)
        if position == self.position:
            return self.position
        self._load(store, changed, since=self.position)
        self.generation, self.position = generation, position
        return self.position

    def _look(self, store: ReadModelStore) -> tuple[int, int, tuple[Table, ...]] | None:
        """The projection's position and generation, and which tables have rows beyond the
        index's position, in one statement (the only one when nothing changed). `max` of an
        indexed column reads one index entry whatever the planner knows of the table."""
        tables = (SETTINGS, MENTORS, ENTREPRENEURS)
        found = store.select(
            "SELECT position, generation, "
            + ", ".join(f"(SELECT max(position) FROM {{{table.name}}})" for table in tables)
            + " FROM {state} WHERE name = %s",
            [MATCHING.name], state="projection_state",
            **{table.name: table.name for table in tables})
        if not found:
            return None
        position, generation, *latest = found[0]
        return int(position), int(generation), tuple(
            table for table, last in zip(tables, latest, strict=True)
            if last is not None and last > self.position)

    def _load(self, store: ReadModelStore, tables: tuple[Table, ...], since: int) -> None:
        reweighed = since < 0
        if SETTINGS in tables:
            for row in changed_rows(store, SETTINGS, since):
                if row["name"] == "programme":
                    self.language_filter = bool(row["value"]["languageFilter"])
                elif row["name"] == "weights":
                    self.weights = msgspec.convert(row["value"], MatchingWeights)
                    reweighed = True
        mentors = self.mentors.upsert(
            [self._mentor(row) for row in changed_rows(store, MENTORS, since)]
            if MENTORS in tables else [])
        entrepreneurs = self.entrepreneurs.upsert(
            [self._entrepreneur(row) for row in changed_rows(store, ENTREPRENEURS, since)]
            if ENTREPRENEURS in tables else [])
        self.mentors.widen()
        self.entrepreneurs.widen()
        self._rebase(np.arange(self.mentors.n) if reweighed else mentors)
        for row in mentors.tolist():
            self._mentor_cache.pop(row, None)
        for row in entrepreneurs.tolist():
            self._entrepreneur_cache.pop(row, None)

    def _rebase(self, rows: npt.NDArray[np.int64]) -> None:
        mentors, weights = self.mentors, self.weights
        own = (weights.capacity * mentors["capacity_score"][rows]
               + weights.responsiveness * mentors["responsiveness"][rows]
               - weights.open_requests * mentors["exposure"][rows])
        for stage in range(_NO_STAGE):
            mentors[f"base_{stage}"][rows] = own + weights.stage * mentors["stages"][rows, stage]
        mentors[f"base_{_NO_STAGE}"][rows] = own + weights.stage * 0.5

    def _common(self, row: Row) -> dict[str, Any]:
        return {
            "eligible": row["profiled"] and row["role_held"] and not row["suspended"],
            "languages": self.languages.bits(row["languages"]),
            "country": self.countries.bit(row["country"]) if row["country"] else -1,
            "week": self.weeks.id_of(week_slots(row["time_zone"], row["working_hours"])),
            "open": row["open_requests"], "current": row["current"],
            "tiebreak": row["member_id"].int >> _TIEBREAK_SHIFT,
        }

    def _mentor(self, row: Row) -> tuple[UUID, dict[str, Any]]:
        common = self._common(row)
        capacity, current = row["capacity"], row["current"]
        remaining = capacity - current
        return row["member_id"], {
            **common,
            "experience": self.countries.bits(row["countries_of_experience"]),
            "expertise": self.expertise.bits(row["expertise"]),
            "industries": self.industries.bits(row["industries"]),
            "capacity": capacity,
            "responsiveness": responsiveness(row["answered"], row["expired"],
                                             row["median_answer_hours"]),
            "taking": common["eligible"] and remaining > 0,
            "capacity_score": min(1.0, max(0.0, remaining / max(capacity, 1))),
            "exposure": min(1.0, row["open_requests"] / max(remaining, 1)),
            **{f"base_{stage}": 0.0 for stage in range(_NO_STAGE + 1)},
            "stages": stage_affinity(row["stage_counts"]),
            "text": row["search_text"],
        }

    def _entrepreneur(self, row: Row) -> tuple[UUID, dict[str, Any]]:
        stage = row["stage"]
        return row["member_id"], {
            **self._common(row),
            "industry": self.industries.bit(row["industry"]) if row["industry"] else -1,
            "stage": STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1,
            "needs": self.expertise.bits(row["need_areas"]),
            "need_count": len(set(row["need_areas"])),
        }

    def warm(self, store: ReadModelStore) -> int:
        """Refreshes between queries (`projections.matching.warming`); answers the position."""
        with self._lock:
            return self.refresh(store)

    # Queries --------------------------------------------------------------------------------

    def mentors_for(
        self, store: ReadModelStore, entrepreneur_id: UUID, limit: int = 20
    ) -> Ranked:
        """The mentors best matched to an entrepreneur, best first, each explained. Never
        blocked, suspended or full mentors, nor those already asked or mentoring them."""
        excluded = excluded_for(store, entrepreneur_id, mentee=True)
        with self._lock:
            position = self.refresh(store)
            entrepreneur = self._row(self.entrepreneurs, entrepreneur_id, "entrepreneur")
            total, candidates, explained = self._score_mentors(entrepreneur)
            self._exclude(self.mentors, candidates, [*excluded, entrepreneur_id])
            return self._ranked(self.mentors, total, candidates, explained, limit, position,
                                self._mentor_features)

    def entrepreneurs_for(
        self, store: ReadModelStore, mentor_id: UUID, limit: int = 20
    ) -> Ranked:
        """The entrepreneurs who need what a mentor offers, best matched first."""
        excluded = excluded_for(store, mentor_id, mentee=False)
        with self._lock:
            position = self.refresh(store)
            mentor = self._row(self.mentors, mentor_id, "mentor")
            criteria, candidates = self._entrepreneur_criteria(mentor)
            self._exclude(self.entrepreneurs, candidates, [*excluded, mentor_id])
            return self._ranked(self.entrepreneurs, self._total(criteria), candidates,
                                _explainer(criteria), limit, position,
                                self._entrepreneur_features)

    def search_mentors(
        self, store: ReadModelStore, caller_id: UUID, filters: SearchFilters, limit: int = 20
    ) -> Ranked:
        """Mentors taking requests that pass every filter; ranked as the caller's match list
        when the caller has an entrepreneur profile, else by capacity and responsiveness."""
        blocked = blocked_for(store, caller_id)
        with self._lock:
            position = self.refresh(store)
            mentors = self.mentors
            n = mentors.n
            entrepreneur = self.entrepreneurs.row_of.get(caller_id, -1)
            if entrepreneur >= 0 and self.entrepreneurs["eligible"][entrepreneur]:
                total, candidates, explained = self._score_mentors(entrepreneur)
            else:
                criteria = {
                    "capacity": mentors["capacity_score"][:n],
                    "responsiveness": mentors["responsiveness"][:n],
                    "openRequests": mentors["exposure"][:n],
                }
                total, explained = self._total(criteria), _explainer(criteria)
                candidates = mentors["taking"][:n].copy()
            candidates &= self._filtered(filters)
            self._exclude(mentors, candidates, [*blocked, caller_id])
            words = filters.text.lower().split()
            if words:
                texts = mentors.texts
                for row in np.flatnonzero(candidates).tolist():
                    if not all(word in texts[row] for word in words):
                        candidates[row] = False
            return self._ranked(mentors, total, candidates, explained, limit, position,
                                self._mentor_features)

    def offered(self, store: ReadModelStore) -> Offered:
        """The codes of the mentors taking requests (what a search can find)."""
        with self._lock:
            self.refresh(store)
            return offered_codes(self)

    # Scoring --------------------------------------------------------------------------------

    def _score_mentors(self, entrepreneur: int) -> tuple[Floats, Bools, Explainer]:
        """Every mentor's total for one entrepreneur, who may be listed, and the explainer."""
        mentors, entrepreneurs, weights = self.mentors, self.entrepreneurs, self.weights
        n = mentors.n
        stage = int(entrepreneurs["stage"][entrepreneur])
        total: Floats = mentors[f"base_{stage if stage >= 0 else _NO_STAGE}"][:n].copy()
        need_count = int(entrepreneurs["need_count"][entrepreneur])
        covered = count_shared(mentors["expertise"], n, entrepreneurs["needs"][entrepreneur])
        if need_count and weights.expertise:
            total += covered * (weights.expertise / need_count)
        shared = any_shared(mentors["languages"], n, entrepreneurs["languages"][entrepreneur])
        industry = bit_set(mentors["industries"], n,
                            int(entrepreneurs["industry"][entrepreneur]))
        country_bit = int(entrepreneurs["country"][entrepreneur])
        country = bit_set(mentors["experience"], n, country_bit)
        if country_bit >= 0:
            country |= mentors["country"][:n] == country_bit
        # The three yes/no criteria as one 3-bit code per mentor, and their points by code.
        code = (shared.view(np.uint8) | (industry.view(np.uint8) << 1)
                | (country.view(np.uint8) << 2))
        points = np.array([weights.language * (c & 1) + weights.industry * (c >> 1 & 1)
                           + weights.country * (c >> 2 & 1) for c in range(8)])
        total += points[code]
        hours = self.weeks.overlap_scores(int(entrepreneurs["week"][entrepreneur]))
        weeks = mentors["week"][:n]
        if weights.hours:
            total += (hours * weights.hours)[weeks]
        candidates: Bools = mentors["taking"][:n].copy()
        if self.language_filter:
            candidates &= shared

        def explained(rows: npt.NDArray[np.int64]) -> dict[str, Floats]:
            return {
                "language": shared[rows].astype(np.float64),
                "expertise": covered[rows] / need_count if need_count else np.zeros(len(rows)),
                "industry": industry[rows].astype(np.float64),
                "country": country[rows].astype(np.float64),
                "hours": hours[weeks[rows]],
                "stage": (mentors["stages"][rows, stage] if stage >= 0
                          else np.full(len(rows), 0.5)),
                "capacity": mentors["capacity_score"][rows],
                "responsiveness": mentors["responsiveness"][rows],
                "openRequests": mentors["exposure"][rows],
            }

        return total, candidates, explained

    def _entrepreneur_criteria(self, mentor: int) -> tuple[dict[str, Floats], Bools]:
        mentors, entrepreneurs = self.mentors, self.entrepreneurs
        n = entrepreneurs.n
        shared = any_shared(entrepreneurs["languages"], n, mentors["languages"][mentor])
        covered = count_shared(entrepreneurs["needs"], n, mentors["expertise"][mentor])
        industries = np.zeros(len(self.industries.codes) + 1)  # the last: no industry (-1)
        industries[set_bits(mentors["industries"][mentor])] = 1.0
        countries = np.zeros(len(self.countries.codes) + 1)
        countries[set_bits(mentors["experience"][mentor])] = 1.0
        if mentors["country"][mentor] >= 0:
            countries[mentors["country"][mentor]] = 1.0
        stages = np.append(mentors["stages"][mentor], 0.5)  # the last: no stage (-1)
        hours = self.weeks.overlap_scores(int(mentors["week"][mentor]))
        criteria = {
            "language": shared.astype(np.float64),
            "expertise": covered / np.maximum(entrepreneurs["need_count"][:n], 1),
            "industry": industries[entrepreneurs["industry"][:n]],
            "country": countries[entrepreneurs["country"][:n]],
            "hours": hours[entrepreneurs["week"][:n]],
            "stage": stages[entrepreneurs["stage"][:n]],
        }
        candidates: Bools = entrepreneurs["eligible"][:n] & (covered > 0)
        if self.language_filter:
            candidates &= shared
        return criteria, candidates

    def _filtered(self, filters: SearchFilters) -> Bools:
        mentors = self.mentors
        n = mentors.n
        passing = np.ones(n, dtype=np.bool_)
        if filters.language is not None:
            passing &= bit_set(mentors["languages"], n, self.languages.find(filters.language))
        if filters.country is not None:
            country = self.countries.find(filters.country)
            passing &= ((mentors["country"][:n] == country) & (country >= 0)) | bit_set(
                mentors["experience"], n, country)
        if filters.expertise is not None:
            passing &= bit_set(mentors["expertise"], n, self.expertise.find(filters.expertise))
        if filters.industry is not None:
            passing &= bit_set(mentors["industries"], n, self.industries.find(filters.industry))
        return passing

    @staticmethod
    def _exclude(columns: Columns, candidates: Bools, member_ids: Iterable[UUID]) -> None:
        rows = [row for member in member_ids if (row := columns.row_of.get(member)) is not None]
        candidates[rows] = False

    def _total(self, criteria: dict[str, Floats]) -> Floats:
        total = np.zeros(len(next(iter(criteria.values()))))
        for criterion, scores in criteria.items():
            weight = self.weights.of(criterion)
            if weight:
                total += (-weight if criterion == "openRequests" else weight) * scores
        return total

    def _ranked(
        self, columns: Columns, total: Floats, candidates: Bools, explained: Explainer,
        limit: int, position: int, features: Callable[[int], Any],
    ) -> Ranked:
        """The top `limit` candidates by total (equal totals by member id), each explained."""
        count = int(np.count_nonzero(candidates))
        tiebreak = columns["tiebreak"]
        if count > limit:
            np.copyto(total, -np.inf, where=~candidates)
            chosen = np.argpartition(total, len(total) - limit)[len(total) - limit:]
            threshold = total[chosen].min()
            above = chosen[total[chosen] > threshold]
            tied = np.flatnonzero(total == threshold)
            tied = tied[np.argsort(tiebreak[tied], kind="stable")[:limit - len(above)]]
            chosen = np.concatenate([above, tied])
        else:
            chosen = np.flatnonzero(candidates)
        ordered = chosen[np.lexsort((tiebreak[chosen], -total[chosen]))]
        criteria = explained(ordered)
        matches = []
        for place, row in enumerate(ordered.tolist()):
            score, explanation = explain(
                {criterion: float(scores[place]) for criterion, scores in criteria.items()},
                self.weights)
            matches.append(Match(columns.ids[row], score, explanation, features(row)))
        return Ranked(matches, count, position, self.language_filter)

    # Reading rows back ----------------------------------------------------------------------

    @staticmethod
    def _row(columns: Columns, member_id: UUID, kind: str) -> int:
        row = columns.row_of.get(member_id)
        if row is None or not columns.profiled(row):
            raise NotFoundError("no %(kind)s profile for member %(id)s", field="memberId",
                                values={"kind": kind, "id": member_id})
        return row

    def _mentor_features(self, row: int) -> MentorFeatures:
        cached = self._mentor_cache.get(row)
        if cached is not None:
            return cached
        mentors = self.mentors
        country = int(mentors["country"][row])
        features = self._mentor_cache[row] = MentorFeatures(
            languages=self.languages.decode(mentors["languages"][row]),
            country=self.countries.codes[country] if country >= 0 else "",
            countries_of_experience=self.countries.decode(mentors["experience"][row]),
            expertise=self.expertise.decode(mentors["expertise"][row]),
            industries=self.industries.decode(mentors["industries"][row]),
            remaining_capacity=max(0, int(mentors["capacity"][row] - mentors["current"][row])),
            open_requests=int(mentors["open"][row]),
        )
        return features

    def _entrepreneur_features(self, row: int) -> EntrepreneurFeatures:
        cached = self._entrepreneur_cache.get(row)
        if cached is not None:
            return cached
        entrepreneurs = self.entrepreneurs
        country = int(entrepreneurs["country"][row])
        industry = int(entrepreneurs["industry"][row])
        stage = int(entrepreneurs["stage"][row])
        features = self._entrepreneur_cache[row] = EntrepreneurFeatures(
            languages=self.languages.decode(entrepreneurs["languages"][row]),
            country=self.countries.codes[country] if country >= 0 else "",
            industry=self.industries.codes[industry] if industry >= 0 else "",
            stage=STAGE_ORDER[stage] if stage >= 0 else "",
            need_areas=self.expertise.decode(entrepreneurs["needs"][row]),
        )
        return features


def _explainer(criteria: dict[str, Floats]) -> Explainer:
    def explained(rows: npt.NDArray[np.int64]) -> dict[str, Floats]:
        return {criterion: scores[rows] for criterion, scores in criteria.items()}

    return explained


_INDEXES: weakref.WeakKeyDictionary[object, MatchingIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(stream_events: object) -> MatchingIndex:
    """The process's index of the stream whose events recorder is given (an index lives as long
    as the process keeps the stream open, so idle tenants hold none)."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(stream_events)
        if index is None:
            index = _INDEXES[stream_events] = MatchingIndex()
        return index
