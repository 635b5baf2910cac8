"""Each tenant's audit signing key: derived, stable, the tenant's own, never stored."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

from infra.bootstrap import bootstrap
from infra.settings import Settings
from infra.signing import PublicKey, TenantSigningKeys


def test_a_tenants_key_is_stable_and_its_own() -> None:
    keys = TenantSigningKeys("a deployment's secret")
    acme, globex = uuid.uuid4(), uuid.uuid4()
    assert keys.for_tenant(acme).public == TenantSigningKeys("a deployment's secret").for_tenant(
        acme).public
    assert keys.for_tenant(acme).public != keys.for_tenant(globex).public
    assert keys.for_tenant(acme).public != TenantSigningKeys("another").for_tenant(acme).public


def test_a_signature_verifies_only_with_the_signers_public_key_and_the_same_message() -> None:
    keys = TenantSigningKeys("a deployment's secret")
    acme, globex = keys.for_tenant(uuid.uuid4()), keys.for_tenant(uuid.uuid4())
    signature = acme.sign(b"head 42")
    published = PublicKey.from_base64(acme.public.base64)
    assert published.verifies(signature, b"head 42")
    assert not published.verifies(signature, b"head 43")
    assert not globex.public.verifies(signature, b"head 42")
    assert len(published.key_id) == 16


def test_without_a_configured_secret_the_data_directory_keeps_one_private_to_its_owner(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), log_format="console")
    tenant = uuid.uuid4()
    first = bootstrap(settings)
    try:
        public = first.signing_keys.for_tenant(tenant).public
    finally:
        first.close()
    kept = tmp_path / "data" / "signing_secret"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    again = bootstrap(settings)
    try:
        assert again.signing_keys.for_tenant(tenant).public == public  # a restart keeps the key
    finally:
        again.close()
    configured = Settings.from_env({"ITHACA_SIGNING_SECRET": "from the secret store"},
                                   data_dir=str(tmp_path / "data"))
    assert TenantSigningKeys.from_settings(configured).for_tenant(tenant).public != public
