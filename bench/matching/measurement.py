"""The measurement: write and project the synthetic programme, then, repeatedly, change one
entrepreneur's profile (a real `Profiles` command), catch the projection up, and time the
entrepreneur's top mentors on the index (its refresh included) against the brute-force
baseline on the same read model."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time as clock_time
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import msgspec
import numpy as np
import psycopg
from psycopg import sql

from bench.matching.baseline import TOP, BruteForce
from bench.matching.loading import (
    ACTOR,
    BulkLoader,
    ProvisionedKeys,
    email,
    write_members,
    write_relationships,
)
from bench.matching.synthesis import Synthesis, check_vocabulary
from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.settings import Settings
from projections.engine import Projector
from projections.matching.index import MatchingIndex, index_for
from projections.matching.projection import MATCHING, STAGE_ORDER
from projections.reading import ReadModel, open_read_model
from services.accounts.domain import Member
from services.actor import Actor
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurDetails, WorkingHours


def percentile(values: Sequence[float], fraction: float) -> float:
    return float(np.percentile(np.array(values), fraction * 100)) if values else 0.0


def changed_details(details: EntrepreneurDetails, rng: np.random.Generator) -> EntrepreneurDetails:
    """A realistic edit: the team grows, sometimes the stage moves on, English gets added or
    the working hours shift."""
    languages = list(details.languages)
    if "en" not in languages and rng.random() < 0.3:
        languages.append("en")
    stage = details.stage
    if rng.random() < 0.3 and stage != STAGE_ORDER[-1]:
        stage = STAGE_ORDER[STAGE_ORDER.index(stage) + 1]
    hours = details.working_hours
    if rng.random() < 0.3:
        start = (hours.start.hour + 1) % 12 + 6
        hours = WorkingHours(start=clock_time(start), end=clock_time(min(start + 8, 23)),
                             weekdays=hours.weekdays)
    return msgspec.structs.replace(details, languages=languages, stage=stage,
                                   working_hours=hours, employees=details.employees + 1)


@dataclass
class Figures:
    events_written: int = 0
    write_seconds: float = 0.0
    events_projected: int = 0
    projection_seconds: float = 0.0
    cold_load_seconds: float = 0.0
    catch_up: list[float] = field(default_factory=list)
    index: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    repeated: list[float] = field(default_factory=list)
    mismatches: int = 0


def run(args: argparse.Namespace, url: str, progress: Callable[[str], None]) -> Figures:
    figures = Figures()
    check_vocabulary()
    # Bulk loading opens a personal-data key per member, each its own commit: without this
    # the load is bound by the disk's flushes. The timed reads are unaffected.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(
            sql.Identifier(urlsplit(url).path.lstrip("/"))))
    with tempfile.TemporaryDirectory() as data_dir:
        ithaca = bootstrap(Settings.from_env(
            {}, database_url=url, data_dir=data_dir, projections_in_process="off",
            log_level="warning", pool_size=4))
        try:
            ithaca.registry.provision_tenant(slug="bench", display_name="Bench", actor=ACTOR)
            tenant = ithaca.tenant("bench")
            stream = open_read_model(ithaca, tenant, MATCHING).stream
            secret = stream.personal_keys.stream_secret()
            mentors = [Member.create_id(email("mentor", n), secret) for n in range(args.mentors)]
            entrepreneurs = [Member.create_id(email("entrepreneur", n), secret)
                             for n in range(args.entrepreneurs)]
            progress(f"writing {args.mentors} mentors and {args.entrepreneurs} entrepreneurs")
            began = time.perf_counter()
            loader = BulkLoader(stream, ProvisionedKeys(stream, [*mentors, *entrepreneurs]))
            synthesis = Synthesis(args.seed)
            capacities = write_members(loader, synthesis, mentors, entrepreneurs, progress)
            progress(f"writing {args.relationships} mentoring requests")
            write_relationships(loader, synthesis, mentors, entrepreneurs, capacities,
                                args.relationships)
            figures.write_seconds = time.perf_counter() - began
            figures.events_written = loader.position
            progress(f"  {figures.events_written} events in {figures.write_seconds:.0f} s;"
                     " projecting")

            model: ReadModel[Any] = open_read_model(ithaca, tenant, MATCHING)
            projector = Projector(model.stream, MATCHING)
            began = time.perf_counter()
            done = projector.catch_up()
            figures.projection_seconds = time.perf_counter() - began
            figures.events_projected = done.events

            index = index_for(model.stream.events)
            began = time.perf_counter()
            index.refresh(model.store)
            figures.cold_load_seconds = time.perf_counter() - began
            progress(f"  projected in {figures.projection_seconds:.0f} s, index loaded in "
                     f"{figures.cold_load_seconds:.1f} s; querying")
            baseline = BruteForce(index)
            measure(args, ithaca, tenant, model, projector, index, baseline, entrepreneurs,
                    figures)
        finally:
            ithaca.close()
    return figures


def measure(
    args: argparse.Namespace, ithaca: Ithaca, tenant: Any, model: ReadModel[Any],
    projector: Projector, index: MatchingIndex, baseline: BruteForce,
    entrepreneurs: list[UUID], figures: Figures,
) -> None:
    profiles = ithaca.tenant_application(tenant, Profiles)
    rng = np.random.default_rng(args.seed + 1)
    for number in range(args.queries + args.warm_up):
        entrepreneur_id = entrepreneurs[int(rng.integers(0, len(entrepreneurs)))]
        profile = profiles.get_entrepreneur_profile(entrepreneur_id)
        assert profile.details is not None
        profiles.save_entrepreneur_profile(
            entrepreneur_id, changed_details(profile.details, rng),
            Actor(kind="cli", id="bench-matching", correlation_id=str(uuid4())))
        began = time.perf_counter()
        projector.catch_up()
        caught_up = time.perf_counter()
        ranked = index.mentors_for(model.store, entrepreneur_id, TOP)
        answered = time.perf_counter()
        brute = baseline.top(model.store, entrepreneur_id)
        brute_answered = time.perf_counter()
        index.mentors_for(model.store, entrepreneur_id, TOP)
        repeated = time.perf_counter()
        if number < args.warm_up:
            continue
        figures.catch_up.append(caught_up - began)
        figures.index.append(answered - caught_up)
        figures.baseline.append(brute_answered - answered)
        figures.repeated.append(repeated - brute_answered)
        figures.candidates.append(ranked.total)
        fast = sorted(match.score for match in ranked.matches)
        slow = sorted(score for _, score in brute)
        if len(fast) != len(slow) or not np.allclose(fast, slow, rtol=0, atol=1e-5):
            figures.mismatches += 1
