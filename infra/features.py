"""The one explicit list of what Ithaca is made of. The web app, the CLI, the worker, the
mailer and erasure assemble from it (through `infra.bootstrap`); a feature declares what it
contributes in its own package (`<package>/feature.py`, see `infra.feature`)."""

from __future__ import annotations

from infra.audit.feature import FEATURE as AUDIT
from infra.delivery.feature import FEATURE as DELIVERY
from infra.feature import Feature
from infra.mail.feature import FEATURE as MAIL
from projections.audit_trail.feature import FEATURE as AUDIT_TRAIL
from projections.dashboards.feature import FEATURE as DASHBOARDS
from projections.feature import FEATURE as PROJECTIONS
from projections.matching.feature import FEATURE as MATCHING
from projections.replay.feature import FEATURE as REPLAY
from projections.timelines.feature import FEATURE as TIMELINES
from services.accounts.feature import FEATURE as ACCOUNTS
from services.impact.feature import FEATURE as IMPACT
from services.matching.feature import FEATURE as MATCHING_WEIGHTS
from services.meetings.feature import FEATURE as MEETINGS
from services.mentoring.feature import FEATURE as MENTORING
from services.moderation.feature import FEATURE as MODERATION
from services.notifications.feature import FEATURE as NOTIFICATIONS
from services.nudges.feature import FEATURE as NUDGES
from services.privacy.feature import FEATURE as PRIVACY
from services.profiles.feature import FEATURE as PROFILES
from services.programme.feature import FEATURE as PROGRAMME
from tenants.feature import FEATURE as TENANTS

__all__ = ["FEATURES"]

FEATURES: tuple[Feature, ...] = (
    TENANTS, ACCOUNTS, PROFILES, PROGRAMME, MENTORING, MEETINGS, MODERATION, IMPACT,
    MATCHING_WEIGHTS, PRIVACY, NOTIFICATIONS, NUDGES,
    # Read models, in the order the worker brings them up to date.
    TIMELINES, DASHBOARDS, MATCHING, AUDIT_TRAIL,
    REPLAY, AUDIT, PROJECTIONS, MAIL, DELIVERY,
)
