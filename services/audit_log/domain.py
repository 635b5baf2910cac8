"""One auditor's read: who looked at what, when, and in which request.

Auditors may read everything in a tenant, so what they read is itself part of the record: each
request an auditor makes (an API GET, a page) appends one `AuditorRead`. A read is a fact on its
own with nothing to decide, so each is a one-event aggregate with a fresh id: recording one never
conflicts with anything else being written.

The path and query are the auditor's request as sent (without the `/t/{slug}` prefix); ids in
them are not personal data, and auditors search by codes, dates and ids.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from services.actor import Actor

__all__ = ["QUERY_MAX", "AuditorRead"]

QUERY_MAX = 2000
"""Longer query strings are cut: a read is recorded, never refused for its length."""


class AuditorRead(Aggregate):
    """An auditor read `path?query` (with `method`, GET); `actor` carries the request's id."""

    class Recorded(Aggregate.Created):
        method: str
        path: str
        query: str
        actor: Actor

    @event(Recorded)
    def __init__(self, method: str, path: str, query: str, actor: Actor) -> None:
        self.method, self.path, self.query = method, path, query
