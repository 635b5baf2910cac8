"""Synthetic tenant logs: about eighteen months of a mentoring programme, written fast.

Read models are only as fast as the log they are rebuilt from, so benchmarks and tests need a log
shaped like a real tenant's: many members who mostly sign in and fill in forms, fewer
relationships, and inside each active relationship the bulk of the log, its messages, with
meetings, session logs and surveys in between. Driving the HTTP API for a million events would
take hours (argon2 alone costs milliseconds a member), so this package plays the journeys out on
the domain aggregates themselves, the way the application services do (the same commands, the
same aggregates recorded together), and appends the events a couple of thousand at a time
through a `StreamApplication` bound to the tenant's stream.

Time is simulated: every command runs at its moment on one clock, in time order, so the stream's
order is the order of the events' times, their `timestamp` and their `at` fields agree, and the
log spans `SPAN` from `start`. The clock is put into the library's `create_timestamp` for the
duration of a run, so no other thread of the process should create domain events meanwhile.

Every member's password is `SYNTHETIC_PASSWORD` (one cheap argon2 hash shared by all), so a test
can sign in as any of them. A seed fixes every choice; ids come from it too, but ciphertexts and
member ids (keyed with the stream's secret) differ between streams.

Modules: `simulation` (the agenda, the clock, the appends), `people` (who takes part),
`population` (who joins and when), `accounts`, `assessments`, `mentoring`, `conversations`
and `meetings` (the steps of each journey), `writing` (the entry points and what a run wrote).
"""

from bench.synthetic_journeys.simulation import SPAN, SYNTHETIC_PASSWORD
from bench.synthetic_journeys.writing import (
    EVENTS_PER_ENTREPRENEUR,
    JourneyLog,
    JourneyWriter,
    write_journeys,
    write_tenant_journeys,
)

__all__ = [
    "EVENTS_PER_ENTREPRENEUR",
    "SPAN",
    "SYNTHETIC_PASSWORD",
    "JourneyLog",
    "JourneyWriter",
    "write_journeys",
    "write_tenant_journeys",
]
