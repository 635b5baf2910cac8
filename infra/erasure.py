"""The erasure procedure, end to end: what the API, the pages and anything else that erases run.

1. `Privacy.certify`: the erasure event, the member's `Erased`, their mentoring closed (one
   append; from here on they cannot sign in and nothing more is recorded about them).
2. `Privacy.destroy_keys`: their personal-data key, and the keys of stored answers that may
   quote them. Every copy of their personal data in the log (and in backups of it) is now
   unreadable.
3. Copies outside the log, as the features declare them: every read model is caught up (events
   now decode with the erased values) and the personal columns its tables declare are
   overwritten on the member's rows; every other `PersonalStore` forgets them (the mail outbox
   drops pending mail and clears error texts; point-in-time replays, built while the data was
   readable, are dropped).
4. The storage: old row versions (PostgreSQL) and freed pages and log frames (SQLite) that
   still hold what was overwritten are purged (`PersonalKeys.purge`).

Steps 2 to 4 are safe to repeat: erasing an already erased member (a 409) runs them again, so an
erasure interrupted after step 1 is finished by asking again. It lives in the composition layer
because it spans the write side, the read side and the stores beside them.
"""

from __future__ import annotations

from uuid import UUID

from infra.container import Ithaca
from infra.logging import get_logger
from infra.signing import SigningKey
from projections.reading import open_read_model
from projections.runtime import catch_up_tenant
from services.actor import Actor
from services.errors import ConflictError
from services.privacy.application import Certified, Privacy
from services.privacy.certificates import ErasureCertificate, sign_certificate
from services.privacy.domain import ErasureGround, RequestedBy
from tenants.directory import TenantRecord

__all__ = ["certificate_of", "complete_erasure", "erase_member", "personal_tables"]

_log = get_logger("ithaca.privacy")


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


def personal_tables(ithaca: Ithaca) -> tuple[str, ...]:
    """Every table in a tenant's storage that the features declare keeps personal data."""
    return (
        *(table.name for projection in ithaca.projections for table in projection.tables
          if table.personal_columns),
        *(table for store in ithaca.personal_stores for table in store.tables),
    )


def complete_erasure(ithaca: Ithaca, tenant: TenantRecord, certified: Certified) -> None:
    """Steps 2 to 4 of the module docstring."""
    privacy = ithaca.tenant_application(tenant, Privacy)
    member_id = certified.erasure.member_id
    destroyed = privacy.destroy_keys(member_id, certified.counterparts)
    now = privacy.clock()
    forgotten = {type(store).__name__: store.forget(ithaca, tenant, member_id, now)
                 for store in ithaca.personal_stores}
    overwritten = _overwrite_read_models(ithaca, tenant, member_id)
    purged = privacy.stream.personal_keys.purge(personal_tables(ithaca))
    _log.info("member_erased", tenant=tenant.slug, member=str(member_id),
              position=certified.position, destroyed=destroyed, forgotten=forgotten,
              read_model_rows=overwritten, storage_purged=purged)


def _overwrite_read_models(ithaca: Ithaca, tenant: TenantRecord, member_id: UUID) -> int:
    """Catches up each read model that keeps personal data, then overwrites its declared
    personal columns on the member's rows. Caught up first, a batch the worker computed from
    events read before the keys were destroyed can no longer commit (its position is stale);
    overwriting also covers a read model that does not handle `Member.Erased` itself."""
    personal = [projection for projection in ithaca.projections
                if any(table.personal_columns for table in projection.tables)]
    try:
        catch_up_tenant(ithaca, tenant, personal)
    except Exception:  # the worker catches up later; the rows are overwritten below anyway
        _log.exception("erasure_catch_up_failed", tenant=tenant.slug, member=str(member_id))
    rows = 0
    for projection in personal:
        store = open_read_model(ithaca, tenant, projection).store
        for table in projection.tables:
            if table.personal_columns:
                rows += store.erase_subject(table, member_id)
    return rows


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
