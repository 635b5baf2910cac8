"""The erasure procedure, end to end: what the API (and anything else that erases) runs.

1. `Privacy.certify`: the erasure event, the member's `Erased`, their mentoring closed (one
   append; from here on they cannot sign in and nothing more is recorded about them).
2. `Privacy.destroy_keys`: their personal-data key, and the keys of stored answers that may
   quote them. Every copy of their personal data in the log (and in backups of it) is now
   unreadable.
3. Copies outside the log: their mail (pending mail dropped, error texts cleared), every
   point-in-time replay of the tenant (they were built while the data was readable), and the
   read models that keep personal data (matching's search text, the dashboards' employer),
   which handle `Member.Erased` and are caught up at once so the member leaves match lists now.
4. The storage: old row versions (PostgreSQL) and freed pages and log frames (SQLite) that
   still hold what was overwritten are purged (`PersonalKeys.purge`).

Steps 2 to 4 are safe to repeat: erasing an already erased member (a 409) runs them again, so an
erasure interrupted after step 1 is finished by asking again.
"""

from __future__ import annotations

from uuid import UUID

from infra.bootstrap import Ithaca
from infra.logging import get_logger
from infra.mail.outbox import Outbox
from infra.signing import SigningKey
from projections.dashboards.projection import DASHBOARDS
from projections.dashboards.projection import MEMBERS as DASHBOARD_MEMBERS
from projections.matching.projection import ENTREPRENEURS, MATCHING, MENTORS
from projections.replay.engine import drop_replays
from projections.runtime import catch_up_tenant
from services.actor import Actor
from services.errors import ConflictError
from services.privacy.application import Certified, Privacy
from services.privacy.certificates import ErasureCertificate, sign_certificate
from services.privacy.domain import ErasureGround, RequestedBy
from tenants.directory import TenantRecord

__all__ = ["certificate_of", "complete_erasure", "erase_member"]

_log = get_logger("ithaca.privacy")

PERSONAL_READ_MODELS = (MATCHING, DASHBOARDS)
"""The projections that keep personal data, and clear it on `Member.Erased`."""
_OVERWRITTEN_TABLES = (MENTORS.name, ENTREPRENEURS.name, DASHBOARD_MEMBERS.name, "mail_outbox")


def erase_member(
    ithaca: Ithaca, tenant: TenantRecord, member_id: UUID, *, requested_by: RequestedBy,
    ground: ErasureGround, actor: Actor,
) -> ErasureCertificate:
    """Erases the member and answers their signed certificate; 404 for an unknown member (or
    another tenant's), 409 for one already erased."""
    privacy = ithaca.tenant_application(tenant, Privacy)
    try:
        certified = privacy.certify(member_id, requested_by, ground, actor)
    except ConflictError:
        earlier = privacy.erasure_of(member_id)
        if earlier is not None:
            complete_erasure(ithaca, tenant, earlier)
        raise
    complete_erasure(ithaca, tenant, certified)
    return certificate_of(tenant, certified, ithaca.signing_keys.for_tenant(tenant.id))


def complete_erasure(ithaca: Ithaca, tenant: TenantRecord, certified: Certified) -> None:
    """Steps 2 to 4 of the module docstring."""
    privacy = ithaca.tenant_application(tenant, Privacy)
    member_id = certified.erasure.member_id
    destroyed = privacy.destroy_keys(member_id, certified.counterparts)
    forgotten = Outbox.of(privacy.stream).forget(member_id, privacy.clock())
    replays = drop_replays(ithaca, tenant)
    try:
        catch_up_tenant(ithaca, tenant, PERSONAL_READ_MODELS)
    except Exception:  # the worker catches up later; the purge below then misses those rows
        _log.exception("erasure_catch_up_failed", tenant=tenant.slug, member=str(member_id))
    purged = privacy.stream.personal_keys.purge(_OVERWRITTEN_TABLES)
    _log.info("member_erased", tenant=tenant.slug, member=str(member_id),
              position=certified.position, destroyed=destroyed, mails=forgotten,
              replays_dropped=replays, storage_purged=purged)


def certificate_of(
    tenant: TenantRecord, certified: Certified, key: SigningKey
) -> ErasureCertificate:
    erasure = certified.erasure
    return sign_certificate(ErasureCertificate(
        certificate_id=erasure.certificate_id, tenant_id=tenant.id, tenant=tenant.slug,
        member_id=erasure.member_id, erased_at=erasure.erased_at, position=certified.position,
        requested_by=str(erasure.requested_by), ground=str(erasure.ground),
        destroyed=list(erasure.destroyed), key_id="", public_key="",
    ), key)
