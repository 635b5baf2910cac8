"""An erasure made by one process is seen by the others: their caches of keys and of opened
aggregates stop serving the person's data within `ERASURE_CHECK_SECONDS`."""

from __future__ import annotations

import time

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.erasure import erase_member
from infra.eventstore.personal import ERASURE_CHECK_SECONDS
from infra.settings import Settings
from services.accounts.application import Accounts
from services.accounts.domain import Role
from services.actor import Actor
from services.privacy.domain import ErasureGround, RequestedBy
from tests.tenant_api import PASSWORD

CLI = Actor(kind="cli", id="test")


def test_another_process_stops_reading_an_erased_name(ithaca: Ithaca, settings: Settings) -> None:
    ithaca.registry.provision_tenant(slug="acme", display_name="Acme", actor=CLI)
    tenant = ithaca.tenant("acme")
    ana, _ = ithaca.tenant_application(tenant, Accounts).create_member(
        email="ana@example.org", name="Ana Pereira", password=PASSWORD,
        roles=[Role.ENTREPRENEUR], locale="en", actor=CLI)
    other = bootstrap(settings)  # a second worker process, as far as caches go
    try:
        elsewhere = other.tenant_application(other.tenant("acme"), Accounts)
        assert elsewhere.get_member(ana.id).name == "Ana Pereira"  # its caches are warm

        erase_member(ithaca, tenant, ana.id, requested_by=RequestedBy.TENANT_ADMIN,
                     ground=ErasureGround.MEMBER_REQUEST, actor=CLI)

        time.sleep(ERASURE_CHECK_SECONDS + 0.1)
        assert elsewhere.get_member(ana.id).name == "[erased]"
        assert elsewhere.get_member(ana.id).erased
    finally:
        other.close()
