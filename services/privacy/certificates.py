"""Erasure certificates: a signed JSON document an erased member keeps, checkable offline.

The document names the tenant, the member id, when the erasure happened, the stream position of
the erasure event, what was destroyed and the signing key's id; `signature` is the tenant's
Ed25519 signature (`infra.signing`) over the canonical JSON of every other field: keys
sorted, separators `(",", ":")`, ASCII only. `verify` needs no database: only the document and,
to prove who signed it, the tenant's public key (`GET /api/v1/audit/public-key`). Without one it
checks the document against the public key it carries, which proves it is intact but not who
made it; `verify_certificate` says which of the two was checked.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from infra.signing import SIGNATURE_ALGORITHM, PublicKey, SigningKey
from services.errors import InvalidInputError
from services.schemas import CamelBody

__all__ = [
    "CERTIFICATE_TYPE",
    "ErasureCertificate",
    "Verification",
    "canonical_json",
    "sign_certificate",
    "verify_certificate",
]

CERTIFICATE_TYPE = "ithaca.erasure-certificate"


class ErasureCertificate(CamelBody):
    """What the member keeps; every field but `signature` is signed."""

    type: str = CERTIFICATE_TYPE
    version: int = 1
    certificate_id: UUID
    tenant_id: UUID
    tenant: str
    """The tenant's slug."""
    member_id: UUID
    erased_at: datetime
    position: int
    """The stream position of the erasure event (`Erasure.Certified`)."""
    requested_by: str
    ground: str
    destroyed: list[str]
    algorithm: str = SIGNATURE_ALGORITHM
    key_id: str
    public_key: str
    """The signer's public key, base64; check it against the tenant's published key."""
    signature: str = ""
    """base64 Ed25519 signature over `canonical_json` of the other fields."""


class Verification(msgspec.Struct, kw_only=True):
    valid: bool
    problem: str = ""
    against_trusted_key: bool = False
    """True when checked against a key given by the verifier, not the one the document carries."""


def canonical_json(document: dict[str, Any]) -> bytes:
    """The signed bytes: the document without its signature, keys sorted, no spaces."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign_certificate(certificate: ErasureCertificate, key: SigningKey) -> ErasureCertificate:
    public = key.public
    unsigned = msgspec.structs.replace(
        certificate, key_id=public.key_id, public_key=public.base64, signature="")
    message = canonical_json(msgspec.to_builtins(unsigned))
    signature = base64.b64encode(key.sign(message)).decode("ascii")
    return msgspec.structs.replace(unsigned, signature=signature)


def verify_certificate(  # noqa: PLR0911 - one return per way a certificate can be wrong
    document: bytes, trusted_key: PublicKey | None = None,
) -> Verification:
    """Checks a certificate as it was handed out (the JSON file's bytes)."""
    try:
        raw = json.loads(document)
        certificate = msgspec.convert(raw, ErasureCertificate)
    except (ValueError, msgspec.ValidationError) as error:
        return Verification(valid=False, problem=f"not an erasure certificate: {error}")
    if certificate.type != CERTIFICATE_TYPE:
        return Verification(valid=False, problem=f"not an erasure certificate: {certificate.type}")
    if certificate.algorithm != SIGNATURE_ALGORITHM:
        return Verification(valid=False, problem=f"unknown algorithm {certificate.algorithm}")
    try:
        carried = PublicKey.from_base64(certificate.public_key)
        signature = base64.b64decode(certificate.signature, validate=True)
    except (ValueError, binascii.Error):
        return Verification(valid=False, problem="the public key or signature is not base64")
    key = trusted_key or carried
    if trusted_key is not None and trusted_key.raw != carried.raw:
        return Verification(valid=False, against_trusted_key=True,
                            problem="signed with another key than the tenant's")
    if certificate.key_id != key.key_id:
        return Verification(valid=False, problem="keyId does not name the signing key")
    if not key.verifies(signature, canonical_json(raw)):
        return Verification(valid=False, against_trusted_key=trusted_key is not None,
                            problem="the signature does not match the document (altered?)")
    return Verification(valid=True, against_trusted_key=trusted_key is not None)


def parse_public_key(text: str) -> PublicKey:
    try:
        return PublicKey.from_base64(text.strip())
    except (ValueError, binascii.Error) as error:
        raise InvalidInputError("not a base64 Ed25519 public key (32 bytes)",
                                field="public-key") from error
