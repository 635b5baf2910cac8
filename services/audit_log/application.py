"""Recording auditors' reads in the tenant's stream (`AuditLog.record_read`)."""

from __future__ import annotations

from eventsourcing.persistence import RecordConflictError

from infra.logging import get_logger
from services.actor import Actor
from services.application import TenantApplication
from services.audit_log.domain import QUERY_MAX, AuditorRead

__all__ = ["AuditLog"]

_log = get_logger("ithaca.audit")


class AuditLog(TenantApplication):
    name = "audit_log"

    def record_read(self, method: str, path: str, query: str, actor: Actor) -> int | None:
        """Appends one `AuditorRead`; answers the position, or None if it could not be recorded
        because of a conflict (the read itself is served all the same).

        Saved directly rather than through `record`: a read is no command, so an
        `Idempotency-Key` sent with it must not claim the key."""
        read = AuditorRead(method=method, path=path, query=query[:QUERY_MAX], actor=actor)
        try:
            recordings = self.save(read)
        except RecordConflictError:
            # A fresh id cannot collide; should the store still say so, the reader is not
            # refused for it, and the miss is logged where operators look.
            _log.warning("auditor_read_not_recorded", path=path, actor=str(actor))
            return None
        return recordings[-1].notification.id
