"""Each tenant's Ed25519 signing key: signs exports, checkpoints of the event log and erasure
certificates, so that an auditor holding the tenant's public key can check them offline.

The private keys are never stored: each is derived (HKDF-SHA256) from the deployment's signing
secret (`ITHACA_SIGNING_SECRET`, kept outside the database) and the tenant's id. Someone who can
rewrite the database therefore still cannot sign a forged checkpoint or export. The public key is
published at `GET /api/v1/audit/public-key`; its `key_id` (the first 16 hex digits of the SHA-256
of the raw public key) names it inside every signed document.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from infra.settings import Settings

__all__ = [
    "SIGNATURE_ALGORITHM",
    "PublicKey",
    "SigningKey",
    "TenantSigningKeys",
]

SIGNATURE_ALGORITHM = "Ed25519"
_DERIVATION_LABEL = b"ithaca audit signing key v1\n"


@dataclass(frozen=True)
class PublicKey:
    """A tenant's public key as auditors receive it: raw 32 bytes, base64 in documents."""

    raw: bytes

    @classmethod
    def from_base64(cls, text: str) -> PublicKey:
        raw = base64.b64decode(text, validate=True)
        if len(raw) != 32:
            msg = "an Ed25519 public key is 32 bytes"
            raise ValueError(msg)
        return cls(raw)

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """One tenant's private key, with its public half."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


class TenantSigningKeys:
    """Derives each tenant's signing key from the deployment's signing secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            msg = "the signing secret is empty"
            raise ValueError(msg)
        self._secret = secret.encode()

    @classmethod
    def from_settings(cls, settings: Settings) -> TenantSigningKeys:
        return cls(settings.audit_signing_secret())

    def for_tenant(self, tenant_id: UUID) -> SigningKey:
        seed = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None,
            info=_DERIVATION_LABEL + str(tenant_id).encode(),
        ).derive(self._secret)
        return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))
