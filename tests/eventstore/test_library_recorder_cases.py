"""The eventsourcing library's own recorder test cases, run against Ithaca's PostgreSQL recorders.

These cases are the library's contract for a persistence module: notification ids that are
contiguous and never interleave between concurrent writers, conflicts that surface as integrity
errors, tracking positions that only move forward, subscriptions that see new events. Passing
them is what lets `StreamApplication` and the projection runners trust our recorders.

Each test gets a database of its own on the server named by TEST_DATABASE_URL, with one stream
created the way provisioning creates it; the database is dropped afterwards. Without a reachable
server these tests fail; they never skip.
"""

from __future__ import annotations

import os
from unittest import TestCase
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import eventsourcing.tests.persistence as library_cases
import psycopg
from psycopg import sql

from infra.eventstore.postgres import (
    PostgresApplicationRecorder,
    PostgresProcessRecorder,
    PostgresSnapshotRecorder,
    PostgresTrackingRecorder,
)
from infra.eventstore.postgres_server import PostgresServer

STREAM = "tenant_library_cases"


class _FreshStream(TestCase):
    """A fresh database holding one stream, served by a `PostgresServer` (one shared pool)."""

    server: PostgresServer

    def setUp(self) -> None:
        server_url = os.environ.get("TEST_DATABASE_URL", "")
        if not server_url:
            self.fail("TEST_DATABASE_URL is not set; these cases need a real PostgreSQL server")
        database = f"ithaca_cases_{uuid4().hex[:12]}"
        try:
            with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        except psycopg.OperationalError as error:
            self.fail(f"TEST_DATABASE_URL={server_url} is unreachable: {error}")
        self.addCleanup(_drop_database, server_url, database)
        parts = urlsplit(server_url)
        # Ten connections: the library's concurrency cases run ten writers and two readers.
        self.server = PostgresServer(
            urlunsplit(parts._replace(path="/" + database)),
            pool_size=10,
            pool_timeout=30.0,
            application_name="ithaca:library-cases",
        )
        self.server.open()
        self.addCleanup(self.server.close)
        self.server.create_stream(STREAM)
        super().setUp()


def _drop_database(server_url: str, database: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


class TestApplicationRecorder(
    _FreshStream, library_cases.ApplicationRecorderTestCase[PostgresApplicationRecorder]
):
    def create_recorder(self) -> PostgresApplicationRecorder:
        return PostgresApplicationRecorder(self.server, STREAM)

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestProcessRecorderAsApplicationRecorder(
    _FreshStream, library_cases.ApplicationRecorderTestCase[PostgresProcessRecorder]
):
    """Every stream's events recorder is a process recorder, so it must also be a full
    application recorder."""

    def create_recorder(self) -> PostgresProcessRecorder:
        return PostgresProcessRecorder(self.server, STREAM)

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestNonInterleavingNotificationIDs(
    _FreshStream, library_cases.NonInterleavingNotificationIDsBaseCase
):
    def create_recorder(self) -> PostgresApplicationRecorder:
        return PostgresApplicationRecorder(self.server, STREAM)


class TestTrackingRecorder(_FreshStream, library_cases.TrackingRecorderTestCase):
    def create_recorder(self) -> PostgresTrackingRecorder:
        return PostgresTrackingRecorder(self.server, STREAM)


class TestProcessRecorder(_FreshStream, library_cases.ProcessRecorderTestCase):
    def create_recorder(self) -> PostgresProcessRecorder:
        return PostgresProcessRecorder(self.server, STREAM)


class TestSnapshotRecorder(_FreshStream, library_cases.AggregateRecorderTestCase):
    def create_recorder(self) -> PostgresSnapshotRecorder:
        return PostgresSnapshotRecorder(self.server, STREAM)
