"""What the replay API, pages and CLI show of a replay: its summary, its member directory, its
relationships, a member's match lists, its dashboard, and two replays compared. Every function
reads an `OpenReplay` with the ordinary queries of each read model; "now" in a replay is its
as-of time (a request past its expiry then reads as expired, as it did then)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.projection import MEMBERS as DASHBOARD_MEMBERS
from projections.dashboards.queries import Filters, read_dashboard
from projections.dashboards.schemas import Dashboard, Figure, Series
from projections.matching.projection import SETTINGS as MATCHING_SETTINGS
from projections.matching.schemas import (
    EntrepreneurMatches,
    EntrepreneurMatchView,
    MentorMatches,
    MentorMatchView,
)
from projections.replay.directory import DIRECTORY_MEMBERS
from projections.replay.engine import OpenReplay
from projections.replay.places import PlacedReplay
from projections.replay.schemas import (
    ComparedFigure,
    Comparison,
    DirectoryMember,
    ReplayMatches,
    ReplayMembers,
    ReplayRelationships,
    ReplayView,
)
from projections.tables import Row
from projections.timelines.projection import RELATIONSHIPS as TIMELINE_RELATIONSHIPS
from projections.timelines.queries import member_relationships, message_totals
from projections.timelines.schemas import RelationshipSummaryView, summary_view
from services.errors import NotFoundError

__all__ = [
    "compare",
    "headline_figures",
    "replay_dashboard",
    "replay_matches",
    "replay_members",
    "replay_relationships",
    "replay_view",
]

MATCH_LIMIT = 20


def _settings(replay: OpenReplay) -> dict[str, Any]:
    return {row["name"]: row["value"] for row in replay.store.rows(MATCHING_SETTINGS)}


def replay_view(replay: OpenReplay, placed: PlacedReplay | None = None) -> ReplayView:
    info = replay.info
    store = replay.store
    members = store.select("SELECT count(*) FROM {t}", t=DIRECTORY_MEMBERS.name)
    statuses = store.select("SELECT status, count(*) FROM {t} GROUP BY status ORDER BY status",
                            t=TIMELINE_RELATIONSHIPS.name)
    settings = _settings(replay)
    programme = settings.get("programme")
    return ReplayView(
        position=info.position, as_of=info.as_of, built_at=info.built_at, events=info.events,
        build_seconds=info.seconds, size_bytes=placed.size_bytes if placed else None,
        members=int(members[0][0]) if members else 0,
        relationships={str(status): int(count) for status, count in statuses},
        weights=settings.get("weights"),
        language_filter=None if programme is None else bool(programme["languageFilter"]),
    )


def replay_members(replay: OpenReplay, limit: int, offset: int = 0) -> ReplayMembers:
    """The members as they stood, by name."""
    rows = replay.store.rows(DIRECTORY_MEMBERS)
    rows.sort(key=lambda row: (row["name"].casefold(), str(row["member_id"])))
    page = rows[offset:offset + limit]
    dimensions = {
        row["member_id"]: row for row in replay.store.rows(
            DASHBOARD_MEMBERS, "member_id IN (" + ", ".join("%s" for _ in page) + ")",
            [row["member_id"] for row in page])
    } if page else {}
    return ReplayMembers(
        position=replay.position, as_of=replay.info.as_of, total=len(rows),
        members=[_member(row, dimensions.get(row["member_id"])) for row in page],
    )


def _member(row: Row, dimensions: Row | None) -> DirectoryMember:
    country = None
    if dimensions is not None:
        country = dimensions["country"] or dimensions["mentor_country"]
    return DirectoryMember(member_id=row["member_id"], name=row["name"], roles=row["roles"],
                           status=row["status"], joined_at=row["joined_at"], country=country)


def replay_relationships(
    replay: OpenReplay, limit: int, before: int | None = None, member_id: UUID | None = None,
) -> ReplayRelationships:
    """Relationships as they stood, newest request first (a member's only, if given)."""
    store = replay.store
    if member_id is not None:
        found = member_relationships(store, member_id, before, limit)
    else:
        where, params = ("requested_position < %s", [before]) if before is not None else ("", [])
        found = store.rows(TIMELINE_RELATIONSHIPS, where, params,
                           order_by="requested_position DESC", limit=limit + 1)
    page = found[:limit]
    totals = message_totals(store, [row["relationship_id"] for row in page])
    return ReplayRelationships(
        position=replay.position, as_of=replay.info.as_of,
        relationships=[summary_view(row, totals.get(row["relationship_id"]), replay.as_of)
                       for row in page],
        next_before=page[-1]["requested_position"] if len(found) > limit else None,
    )


def relationship_summary_then(replay: OpenReplay, row: Row) -> RelationshipSummaryView:
    totals = message_totals(replay.store, [row["relationship_id"]])
    return summary_view(row, totals.get(row["relationship_id"]), replay.as_of)


def replay_matches(replay: OpenReplay, member_id: UUID, limit: int = MATCH_LIMIT
                   ) -> ReplayMatches:
    """The member's match lists with the weights then in force; 404 if they had no profile."""
    index = replay.match_index()
    mentors = entrepreneurs = None
    try:
        ranked = index.mentors_for(replay.store, member_id, limit)
        mentors = MentorMatches(
            member_id=member_id, language_filter=ranked.language_filter,
            candidates=ranked.total, matches=[MentorMatchView.of(m) for m in ranked.matches],
            position=ranked.position)
    except NotFoundError:
        pass
    try:
        ranked = index.entrepreneurs_for(replay.store, member_id, limit)
        entrepreneurs = EntrepreneurMatches(
            member_id=member_id, language_filter=ranked.language_filter,
            candidates=ranked.total,
            matches=[EntrepreneurMatchView.of(m) for m in ranked.matches],
            position=ranked.position)
    except NotFoundError:
        pass
    if mentors is None and entrepreneurs is None:
        raise NotFoundError("no member with id %(id)s had a profile at position %(position)s",
                            field="memberId",
                            values={"id": member_id, "position": replay.position})
    return ReplayMatches(member_id=member_id, position=replay.position,
                         weights=_settings(replay).get("weights"), mentors=mentors,
                         entrepreneurs=entrepreneurs)


def replay_dashboard(replay: OpenReplay, filters: Filters, *, corporate: bool) -> Dashboard:
    return read_dashboard(replay.model(DASHBOARDS), filters, corporate=corporate)


# Comparing -----------------------------------------------------------------------------------


def _total(series: Series | Figure) -> float | None:
    figure = series.total if isinstance(series, Series) else series
    return None if figure.value is None else float(figure.value)


def headline_figures(view: ReplayView, dashboard: Dashboard
                     ) -> dict[tuple[str, str], float | None]:
    """The figures a comparison shows, by (section, figure)."""
    figures: dict[tuple[str, str], float | None] = {("directory", "members"): view.members}
    for status, count in view.relationships.items():
        figures["relationships by status", status] = count
    for role in dashboard.members.by_role:
        figures["members by role", role.role] = _total(role.members)
    requests, relationships = dashboard.requests, dashboard.relationships
    meetings = dashboard.meetings
    named: list[tuple[str, str, Series | Figure]] = [
        ("requests", "sent", requests.sent), ("requests", "accepted", requests.accepted),
        ("requests", "acceptanceRate", requests.acceptance_rate),
        ("requests", "medianHoursToFirstAnswer", requests.median_hours_to_first_answer),
        ("relationships", "started", relationships.started),
        ("relationships", "completed", relationships.completed),
        ("relationships", "activeNow", relationships.active_now),
        ("meetings", "meetings", meetings.meetings), ("meetings", "sessions", meetings.sessions),
        ("meetings", "sessionHours", meetings.session_hours),
        ("outcomes", "baselines", dashboard.outcomes.baselines),
        ("outcomes", "followUpsMentored", dashboard.outcomes.follow_ups.mentored),
        ("outcomes", "followUpsNonMentored", dashboard.outcomes.follow_ups.non_mentored),
    ]
    for section, name, figure in named:
        figures[section, name] = _total(figure)
    return figures


def compare(a: tuple[ReplayView, Dashboard], b: tuple[ReplayView, Dashboard]) -> Comparison:
    """The two replays' headline figures side by side, with b - a."""
    first, second = headline_figures(*a), headline_figures(*b)
    figures = []
    for key in [*first, *(key for key in second if key not in first)]:
        value_a, value_b = first.get(key, 0.0), second.get(key, 0.0)
        if key[0] == "relationships by status":
            value_a, value_b = value_a or 0.0, value_b or 0.0
        difference = None if value_a is None or value_b is None else round(value_b - value_a, 6)
        figures.append(ComparedFigure(section=key[0], figure=key[1], a=value_a, b=value_b,
                                      difference=difference))
    return Comparison(a=a[0], b=b[0], figures=figures)
