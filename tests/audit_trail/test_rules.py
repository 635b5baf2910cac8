"""The rule of the audit log, told against its application alone: every read an auditor makes
is recorded, whatever it asked for; a read is never refused for being recorded. (What the
auditors' trail shows of it is `test_audit_trail_api.py`'s story.)"""

from __future__ import annotations

import pytest

from services.accounts.domain import Role
from services.audit_log.application import AuditLog
from services.audit_log.domain import QUERY_MAX
from tests.rules import EmbeddedTenant

pytestmark = pytest.mark.rules


def test_every_auditor_read_is_recorded_in_order_however_long_its_query(
    embedded_tenant: EmbeddedTenant,
) -> None:
    audit_log = embedded_tenant.app(AuditLog)
    olga = embedded_tenant.member("Olga", Role.AUDITOR)

    first = audit_log.record_read("GET", "/api/v1/relationships", "status=active", olga.actor())
    # A query far beyond what is kept is cut, not refused.
    second = audit_log.record_read("GET", "/api/v1/members", "q=" + "x" * (3 * QUERY_MAX),
                                   olga.actor())
    assert first is not None
    assert second is not None
    assert first < second == audit_log.position
