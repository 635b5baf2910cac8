"""Match features: what matching needs to know of every mentor and entrepreneur of a tenant.

One row per mentor and per entrepreneur (keyed by profile id: the profile's events name it, and
`create_id` derives it from a member id) holds the codes their profile declares (languages,
country, countries of experience, expertise or self-assessed needs, industries, stage, time zone
and working hours), the counts their relationships give (places taken, open requests, requests
answered and left to expire, recent answer times, the stages of the businesses a mentor took
on), and whether they may be matched at all (suspended, or no longer holding the role). Blocks
and relationships are kept per pair, the programme's language filter and the matching weights
as settings, so a match list is reproducible at any stream position.

Every row is stamped with the stream position that last changed it (indexed): the in-memory
index (`projections.matching.index`) refreshes from the rows beyond its own position.

Free-text search needs mentors' headlines and bios, which are sealed personal data: this
projection opens those two fields only, and keeps a lower-cased search text of them. An erased
member (`Member.Erased`) has their search text cleared and is never matched again (they read as
suspended, no longer holding their roles). Nothing else personal is opened or kept.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from projections.engine import BatchRows, ProjectedEvent, Projection
from projections.tables import Column, ColumnType, Row, Table
from services.accounts.domain import Member, Role
from services.matching.domain import MatchingConfiguration
from services.mentoring.domain import Block, Relationship
from services.mentoring.values import CURRENT, RelationshipStatus
from services.personal_data import Personal
from services.profiles.domain import EntrepreneurProfile, MentorProfile
from services.programme.domain import ProgrammeConfiguration
from services.taxonomy import STAGES

__all__ = [
    "BLOCKS",
    "ENTREPRENEURS",
    "MATCHING",
    "MEMBERS",
    "MENTORS",
    "RELATIONSHIPS",
    "SETTINGS",
    "STAGE_ORDER",
    "MatchingProjection",
]

STAGE_ORDER: tuple[str, ...] = tuple(STAGES)
"""Business stages from idea to established; a mentor's stage counts follow this order."""
ANSWER_TIMES_KEPT = 25
"""A mentor's answer speed is the median of their most recent answers."""

_C = Column
_T = ColumnType


def _features(*extra: Column) -> tuple[Column, ...]:
    return (
        _C("profile_id", _T.UUID), _C("member_id", _T.UUID),
        _C("profiled", _T.BOOL), _C("role_held", _T.BOOL), _C("suspended", _T.BOOL),
        _C("languages", _T.JSON), _C("country", _T.TEXT),
        _C("time_zone", _T.TEXT), _C("working_hours", _T.JSON, nullable=True),
        _C("current", _T.INT), _C("open_requests", _T.INT),
        *extra,
        _C("position", _T.INT),
    )


MENTORS = Table(
    "matching_mentors",
    _features(
        _C("countries_of_experience", _T.JSON), _C("expertise", _T.JSON),
        _C("industries", _T.JSON), _C("capacity", _T.INT),
        _C("received", _T.INT), _C("answered", _T.INT), _C("expired", _T.INT),
        _C("answer_hours", _T.JSON), _C("median_answer_hours", _T.REAL, nullable=True),
        _C("stage_counts", _T.JSON),
        _C("search_text", _T.TEXT, personal=Personal(erased="")),
    ),
    key=("profile_id",),
    indexes=(("position",), ("member_id",)),
    subject="member_id",
)
"""A mentor's match features. `current`: relationships holding a place (accepted, active,
paused); `open_requests`: requests waiting for their answer; `received`, `answered`, `expired`:
requests sent to them, answered (accepted or declined) and left to expire; `answer_hours`: their
latest answer times, `median_answer_hours` the median; `stage_counts`: the businesses they
accepted, by stage (in `STAGE_ORDER`); `search_text`: headline and bio, lower-cased."""

ENTREPRENEURS = Table(
    "matching_entrepreneurs",
    _features(
        _C("industry", _T.TEXT), _C("stage", _T.TEXT), _C("need_areas", _T.JSON),
    ),
    key=("profile_id",),
    indexes=(("position",), ("member_id",)),
)
"""An entrepreneur's match features; `need_areas` from their latest self-assessment."""

RELATIONSHIPS = Table(
    "matching_relationships",
    (
        _C("relationship_id", _T.UUID), _C("mentee_id", _T.UUID), _C("mentor_id", _T.UUID),
        _C("status", _T.TEXT), _C("requested_at", _T.TIMESTAMP), _C("position", _T.INT),
    ),
    key=("relationship_id",),
    indexes=(("mentee_id",), ("mentor_id",)),
)
"""Every mentoring request and its status: pairs already connected are not matched again."""

BLOCKS = Table(
    "matching_blocks",
    (
        _C("block_id", _T.UUID), _C("member_a", _T.UUID), _C("member_b", _T.UUID),
        _C("blockers", _T.JSON), _C("in_force", _T.BOOL), _C("position", _T.INT),
    ),
    key=("block_id",),
    indexes=(("member_a",), ("member_b",)),
)
"""Blocks between two members (`member_a` < `member_b`); in force while anyone blocks."""

MEMBERS = Table(
    "matching_members",
    (
        _C("member_id", _T.UUID), _C("roles", _T.JSON, nullable=True), _C("suspended", _T.BOOL),
        _C("position", _T.INT),
    ),
    key=("member_id",),
)
"""Members whose roles changed or who were suspended, for profiles written afterwards."""

SETTINGS = Table(
    "matching_settings",
    (_C("name", _T.TEXT), _C("value", _T.JSON), _C("position", _T.INT)),
    key=("name",),
    indexes=(("position",),),
)
"""`programme`: {"languageFilter": bool}; `weights`: the matching weights, by criterion."""

_STATUS_AFTER: dict[type, RelationshipStatus] = {
    Relationship.Requested: RelationshipStatus.REQUESTED,
    Relationship.Accepted: RelationshipStatus.ACCEPTED,
    Relationship.Declined: RelationshipStatus.DECLINED,
    Relationship.Withdrawn: RelationshipStatus.WITHDRAWN,
    Relationship.Expired: RelationshipStatus.EXPIRED,
    Relationship.Started: RelationshipStatus.ACTIVE,
    Relationship.Paused: RelationshipStatus.PAUSED,
    Relationship.Resumed: RelationshipStatus.ACTIVE,
    Relationship.Completed: RelationshipStatus.COMPLETED,
    Relationship.Ended: RelationshipStatus.ENDED,
}
_CURRENT = frozenset(str(status) for status in CURRENT)
_REQUESTED = str(RelationshipStatus.REQUESTED)
_PROFILE_EVENTS = (MentorProfile.Changed, EntrepreneurProfile.Changed,
                   EntrepreneurProfile.NeedsAssessed)
_MEMBER_EVENTS = (Member.Suspended, Member.Reinstated, Member.RolesChanged, Member.Erased)
_BLOCK_EVENTS = (Block.Opened, Block.Imposed, Block.Lifted)


def _hours(working_hours: Any) -> Any:
    return msgspec.to_builtins(working_hours)


def _new_features(profile_id: UUID, member_id: UUID, member: Row | None) -> Row:
    return {
        "profile_id": profile_id, "member_id": member_id, "profiled": False,
        "role_held": True, "suspended": bool(member and member["suspended"]),
        "languages": [], "country": "", "time_zone": "", "working_hours": None,
        "current": 0, "open_requests": 0, "position": 0,
    }


def _holds(member: Row | None, role: Role) -> bool:
    """Whether the member holds the role; a member whose roles never changed holds the roles
    they signed up with, which include it (a profile can only be written with its role)."""
    return member is None or member["roles"] is None or str(role) in member["roles"]


def new_mentor(profile_id: UUID, member_id: UUID, member: Row | None) -> Row:
    return {
        **_new_features(profile_id, member_id, member),
        "role_held": _holds(member, Role.MENTOR),
        "countries_of_experience": [], "expertise": [], "industries": [], "capacity": 0,
        "received": 0, "answered": 0, "expired": 0, "answer_hours": [],
        "median_answer_hours": None, "stage_counts": [0] * len(STAGE_ORDER), "search_text": "",
    }


def new_entrepreneur(profile_id: UUID, member_id: UUID, member: Row | None) -> Row:
    return {
        **_new_features(profile_id, member_id, member),
        "role_held": _holds(member, Role.ENTREPRENEUR),
        "industry": "", "stage": "", "need_areas": [],
    }


class MatchingProjection(Projection):
    name = "matching"
    version = 1
    reads_personal_data = frozenset({"headline", "bio"})
    """Mentors' headline and bio, for free-text search; no other personal field is opened."""
    tables = (MENTORS, ENTREPRENEURS, RELATIONSHIPS, BLOCKS, MEMBERS, SETTINGS)
    event_classes = (
        *_PROFILE_EVENTS, *_MEMBER_EVENTS, *_STATUS_AFTER, *_BLOCK_EVENTS,
        ProgrammeConfiguration.SettingsChanged, MatchingConfiguration.WeightsChanged,
    )

    def apply(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        self._prefetch(events, rows)
        for position, event in events:
            kind = type(event)
            if kind in _STATUS_AFTER:
                self._relationship(position, event, rows)
            elif kind is MentorProfile.Changed:
                self._mentor_changed(position, event, rows)
            elif kind is EntrepreneurProfile.Changed:
                self._entrepreneur_changed(position, event, rows)
            elif kind is EntrepreneurProfile.NeedsAssessed:
                row = rows.get(ENTREPRENEURS, event.originator_id)
                if row is not None:
                    rows.put(ENTREPRENEURS, {**row, "need_areas": list(event.need_areas),
                                             "position": position})
            elif kind in _MEMBER_EVENTS:
                self._member(position, event, rows)
            elif kind in _BLOCK_EVENTS:
                self._block(position, event, rows)
            elif kind is ProgrammeConfiguration.SettingsChanged:
                rows.put(SETTINGS, {"name": "programme", "position": position, "value": {
                    "languageFilter": event.settings.language_filter}})
            elif kind is MatchingConfiguration.WeightsChanged:
                rows.put(SETTINGS, {"name": "weights", "position": position,
                                    "value": msgspec.to_builtins(event.weights)})

    # Loading every row the batch touches, one query per table -------------------------------

    def _prefetch(self, events: Sequence[ProjectedEvent], rows: BatchRows) -> None:
        relationship_ids, block_ids, member_ids = set(), set(), set()
        mentor_ids: set[UUID] = set()
        entrepreneur_ids: set[UUID] = set()
        for _, event in events:
            kind = type(event)
            if kind in _STATUS_AFTER:
                relationship_ids.add(event.originator_id)
                if kind is Relationship.Requested:
                    mentor_ids.add(event.mentor_id)
                    entrepreneur_ids.add(event.mentee_id)
            elif kind in _BLOCK_EVENTS:
                block_ids.add(event.originator_id)
            elif kind in _MEMBER_EVENTS:
                member_ids.add(event.originator_id)
                mentor_ids.add(event.originator_id)
                entrepreneur_ids.add(event.originator_id)
            elif kind in (MentorProfile.Changed, EntrepreneurProfile.Changed):
                member_ids.add(event.member_id)
        rows.load(RELATIONSHIPS, [(key,) for key in relationship_ids])
        rows.load(BLOCKS, [(key,) for key in block_ids])
        rows.load(MEMBERS, [(key,) for key in member_ids])
        for relationship_id in relationship_ids:
            known = rows.get(RELATIONSHIPS, relationship_id)
            if known is not None:
                mentor_ids.add(known["mentor_id"])
                entrepreneur_ids.add(known["mentee_id"])
        profile_ids = {MentorProfile.create_id(member) for member in mentor_ids}
        profile_ids |= {event.originator_id for _, event in events
                        if type(event) is MentorProfile.Changed}
        rows.load(MENTORS, [(key,) for key in profile_ids])
        profile_ids = {EntrepreneurProfile.create_id(member) for member in entrepreneur_ids}
        profile_ids |= {event.originator_id for _, event in events
                        if type(event) in _PROFILE_EVENTS[1:]}
        rows.load(ENTREPRENEURS, [(key,) for key in profile_ids])

    # Profiles --------------------------------------------------------------------------------

    def _mentor_changed(self, position: int, event: Any, rows: BatchRows) -> None:
        row = rows.get(MENTORS, event.originator_id) or new_mentor(
            event.originator_id, event.member_id, rows.get(MEMBERS, event.member_id))
        text = f"{event.headline or ''}\n{event.bio or ''}".lower().strip()
        rows.put(MENTORS, {
            **row, "profiled": True, "languages": list(event.languages),
            "country": event.country, "time_zone": event.time_zone,
            "working_hours": _hours(event.working_hours),
            "countries_of_experience": list(event.countries_of_experience),
            "expertise": list(event.expertise), "industries": list(event.industries),
            "capacity": event.capacity, "search_text": text, "position": position,
        })

    def _entrepreneur_changed(self, position: int, event: Any, rows: BatchRows) -> None:
        row = rows.get(ENTREPRENEURS, event.originator_id) or new_entrepreneur(
            event.originator_id, event.member_id, rows.get(MEMBERS, event.member_id))
        rows.put(ENTREPRENEURS, {
            **row, "profiled": True, "languages": list(event.languages),
            "country": event.country, "time_zone": event.time_zone,
            "working_hours": _hours(event.working_hours), "industry": event.industry,
            "stage": event.stage, "position": position,
        })

    # Members ---------------------------------------------------------------------------------

    def _member(self, position: int, event: Any, rows: BatchRows) -> None:
        member_id: UUID = event.originator_id
        member = rows.get(MEMBERS, member_id) or {
            "member_id": member_id, "roles": None, "suspended": False, "position": 0}
        if type(event) is Member.RolesChanged:
            member = {**member, "roles": sorted(str(role) for role in event.roles)}
        elif type(event) is Member.Erased:
            member = {**member, "roles": [], "suspended": True}
        else:
            member = {**member, "suspended": type(event) is Member.Suspended}
        rows.put(MEMBERS, {**member, "position": position})
        for table, role, kind in ((MENTORS, Role.MENTOR, MentorProfile),
                                  (ENTREPRENEURS, Role.ENTREPRENEUR, EntrepreneurProfile)):
            row = rows.get(table, kind.create_id(member_id))
            if row is not None:
                if type(event) is Member.Erased and "search_text" in row:
                    row = {**row, "search_text": ""}
                rows.put(table, {**row, "suspended": member["suspended"],
                                 "role_held": _holds(member, role), "position": position})

    # Relationships ---------------------------------------------------------------------------

    def _relationship(self, position: int, event: Any, rows: BatchRows) -> None:
        new_status = str(_STATUS_AFTER[type(event)])
        relationship: Row
        if type(event) is Relationship.Requested:
            relationship = {
                "relationship_id": event.originator_id, "mentee_id": event.mentee_id,
                "mentor_id": event.mentor_id, "status": "", "requested_at": event.requested_at,
                "position": position,
            }
        else:
            known = rows.get(RELATIONSHIPS, event.originator_id)
            if known is None:  # a relationship is always requested first
                return
            relationship = known
        old_status = relationship["status"]
        rows.put(RELATIONSHIPS, {**relationship, "status": new_status, "position": position})
        mentor_key = MentorProfile.create_id(relationship["mentor_id"])
        mentee_key = EntrepreneurProfile.create_id(relationship["mentee_id"])
        mentor = rows.get(MENTORS, mentor_key) or new_mentor(
            mentor_key, relationship["mentor_id"], rows.get(MEMBERS, relationship["mentor_id"]))
        mentee = rows.get(ENTREPRENEURS, mentee_key) or new_entrepreneur(
            mentee_key, relationship["mentee_id"], rows.get(MEMBERS, relationship["mentee_id"]))
        opened = (new_status == _REQUESTED) - (old_status == _REQUESTED)
        taken = (new_status in _CURRENT) - (old_status in _CURRENT)
        mentor = _counted(mentor, opened, taken, position)
        mentee = _counted(mentee, opened, taken, position)
        kind = type(event)
        if kind is Relationship.Requested:
            mentor["received"] += 1
        elif kind in (Relationship.Accepted, Relationship.Declined):
            mentor = _answered(mentor, event.at, relationship["requested_at"])
            if kind is Relationship.Accepted and mentee["stage"] in STAGE_ORDER:
                counts = list(mentor["stage_counts"])
                counts[STAGE_ORDER.index(mentee["stage"])] += 1
                mentor["stage_counts"] = counts
        elif kind is Relationship.Expired:
            mentor["expired"] += 1
        rows.put(MENTORS, mentor)
        rows.put(ENTREPRENEURS, mentee)

    # Blocks ----------------------------------------------------------------------------------

    def _block(self, position: int, event: Any, rows: BatchRows) -> None:
        if type(event) is Block.Opened:
            first, second = sorted(event.member_ids)
            rows.put(BLOCKS, {"block_id": event.originator_id, "member_a": first,
                              "member_b": second, "blockers": [], "in_force": False,
                              "position": position})
            return
        block = rows.get(BLOCKS, event.originator_id)
        if block is None:  # a block is always opened first
            return
        blockers = {str(member) for member in block["blockers"]}
        if type(event) is Block.Imposed:
            blockers.add(str(event.by))
        else:
            blockers.discard(str(event.by))
        rows.put(BLOCKS, {**block, "blockers": sorted(blockers), "in_force": bool(blockers),
                          "position": position})


def _counted(row: Row, opened: int, taken: int, position: int) -> Row:
    return {**row, "open_requests": max(0, row["open_requests"] + opened),
            "current": max(0, row["current"] + taken), "position": position}


def _answered(mentor: Row, at: datetime, requested_at: datetime) -> Row:
    hours = max(0.0, (at - requested_at).total_seconds() / 3600)
    recent = [*mentor["answer_hours"], round(hours, 3)][-ANSWER_TIMES_KEPT:]
    return {**mentor, "answered": mentor["answered"] + 1, "answer_hours": recent,
            "median_answer_hours": statistics.median(recent)}


MATCHING = MatchingProjection()
