"""Point-in-time replays: the tenant's read models as of a moment, for auditors; their API,
pages and `ithaca audit replay | replays`."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from infra.container import Ithaca
from infra.feature import Command, Feature
from infra.web.pages import audit_replay
from projections.replay.commands import replay, replays
from projections.replay.controllers import ROUTES
from projections.replay.engine import drop_replays
from tenants.directory import TenantRecord


class _Replays:
    """Replays are built while personal data is readable: an erasure drops them all (they are
    rebuilt on demand, reading the erased values)."""

    tables: tuple[str, ...] = ()  # kept apart from the tenant's storage, dropped whole

    def forget(self, ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, now: datetime) -> int:
        return drop_replays(ithaca, tenant)


FEATURE = Feature(
    name="replay",
    api=ROUTES,
    pages=audit_replay.PAGES,
    commands=(Command(replay, under="audit"), Command(replays, under="audit")),
    personal_stores=(_Replays(),),
)
