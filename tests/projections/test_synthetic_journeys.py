"""The synthetic journeys that benchmarks rebuild read models from are a log the platform itself
can read: every event decodes, the application services load every aggregate back, and the
members can sign in. A benchmark on a log the domain could not read would measure nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.utils import get_topic

from bench.synthetic_journeys import (
    SPAN,
    SYNTHETIC_PASSWORD,
    JourneyLog,
    JourneyWriter,
    write_tenant_journeys,
)
from infra.container import Ithaca
from services.accounts.application import Accounts
from services.accounts.domain import SessionKind
from services.actor import Actor
from services.impact.application import Impact
from services.meetings.application import Meetings
from services.mentoring.application import Mentoring
from services.mentoring.domain import Conversation, Relationship
from services.mentoring.values import RelationshipStatus
from services.profiles.application import Profiles

EVENTS = 3000


@pytest.fixture
def journeys(ithaca: Ithaca) -> JourneyLog:
    ithaca.registry.provision_tenant(slug="synthetic", display_name="Synthetic",
                                     actor=Actor(kind="cli", id="test"))
    return write_tenant_journeys(ithaca, ithaca.tenant("synthetic"), events=EVENTS, seed=7)


def test_every_event_decodes_in_time_order_over_eighteen_months(
    ithaca: Ithaca, journeys: JourneyLog
) -> None:
    app = ithaca.tenant_application(ithaca.tenant("synthetic"), JourneyWriter)
    notifications = app.recorder.select_notifications(start=1, limit=10 * EVENTS)
    events: list[Any] = [app.mapper.to_domain_event(n) for n in notifications]

    assert len(events) == journeys.events == journeys.head
    assert EVENTS / 2 < journeys.events < EVENTS * 2
    assert Counter(get_topic(type(event)) for event in events) == journeys.topics
    times = [event.timestamp for event in events]
    assert times == sorted(times)
    assert journeys.first_at <= times[0]
    assert times[-1] <= journeys.first_at + SPAN
    assert times[-1] - times[0] > timedelta(days=365)
    # Messages are the bulk of a real tenant's log, and so of this one.
    messages = journeys.topics[get_topic(Conversation.MessageSent)]
    assert messages == max(journeys.topics.values())


def test_the_application_services_load_what_was_written(
    ithaca: Ithaca, journeys: JourneyLog
) -> None:
    tenant = ithaca.tenant("synthetic")
    mentoring = ithaca.tenant_application(tenant, Mentoring)
    statuses = Counter(
        relationship.status for relationship_id in journeys.relationship_ids
        if (relationship := mentoring.find(relationship_id, Relationship)) is not None
    )
    assert sum(statuses.values()) == len(journeys.relationship_ids)
    assert statuses[RelationshipStatus.COMPLETED] > 0
    assert statuses[RelationshipStatus.REQUESTED] + statuses[RelationshipStatus.EXPIRED] > 0

    # A mentor signs in with the shared password and reads a conversation: personal data
    # (message bodies) opens with the members' keys.
    completed = next(
        relationship for relationship_id in journeys.relationship_ids
        if (relationship := mentoring.get(relationship_id, Relationship, field="id")).status
        is RelationshipStatus.COMPLETED
    )
    accounts = ithaca.tenant_application(tenant, Accounts)
    signed_in = accounts.sign_in(email=journeys.emails[completed.mentor_id],
                                 password=SYNTHETIC_PASSWORD, kind=SessionKind.BEARER,
                                 actor=Actor(kind="visitor", id="anonymous"))
    mentor = accounts.authenticate(signed_in.token)
    messages = mentoring.messages(completed.id, mentor)
    assert messages
    assert all(message.body.strip() for message in messages)
    assert [entry.relationship_id for entry in mentoring.relationships_of(mentor.member_id)
            if entry.relationship_id == completed.id] == [completed.id]

    meetings = ithaca.tenant_application(tenant, Meetings)
    assert any(meeting.session_log is not None for meeting in meetings.meetings_of(completed.id))
    hours = meetings.volunteer_hours(completed.mentor_id)
    assert hours is not None
    assert hours.total_minutes > 0

    profiles = ithaca.tenant_application(tenant, Profiles)
    mentor_profile = profiles.find_mentor_profile(completed.mentor_id)
    assert mentor_profile is not None
    assert mentor_profile.employer  # a corporate volunteering programme
    assert ithaca.tenant_application(tenant, Impact).surveys_of(completed.mentee_id) is not None
    assert any(profiles.self_assessments_of(member_id) for member_id in journeys.entrepreneur_ids)


def test_a_seed_writes_the_same_journeys_again(ithaca: Ithaca, journeys: JourneyLog) -> None:
    ithaca.registry.provision_tenant(slug="synthetic-again", display_name="Synthetic again",
                                     actor=Actor(kind="cli", id="test"))
    again = write_tenant_journeys(ithaca, ithaca.tenant("synthetic-again"), events=EVENTS,
                                  seed=7)

    assert again.topics == journeys.topics
    assert again.relationship_ids == journeys.relationship_ids
