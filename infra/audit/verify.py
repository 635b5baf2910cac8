"""Offline verification of a tenant's export: the hash chain of its lines and its signed manifest.

This module is the whole verifier. It needs no database, no settings and nothing of Ithaca but
`infra.signing.PublicKey` (an Ed25519 public key), so an auditor can read it on its own and
write the same checks in another language. The format it checks:

- An export is UTF-8 JSON Lines. Every line but the last is one event; the last is the manifest.
- **Canonical JSON** of a value is `canonical_json`: object keys sorted by code point, no
  whitespace (separators `,` and `:`), non-ASCII characters written as themselves (not `\\u`
  escapes), UTF-8 bytes; exactly Python's `json.dumps(value, sort_keys=True,
  separators=(",", ":"), ensure_ascii=False).encode()`. Exports hold no JSON floats (every
  non-integer number is a string), so no language's float formatting matters.
- **Each event line** has a `hash`: the SHA-256 (lower-case hex) of the previous line's hash
  (its 32 raw bytes) followed by the canonical JSON of the line's object without `hash`. The
  first line's previous hash is the manifest's `genesis`, which is
  `SHA-256("ithaca export v1\\n" + tenant_id + "\\n" + from_position + "\\n")` in hex.
- **The manifest line** is `{"manifest": {...}, "signature": <base64>}`; the signature is
  Ed25519 over the canonical JSON of the manifest object, by the key whose raw 32 bytes are
  the manifest's `public_key` (base64) and whose `key_id` is the first 16 hex digits of their
  SHA-256. The manifest's `head` is the last event line's hash (the genesis when there are no
  events) and `events` the number of event lines.

A line edited, removed, inserted or moved breaks the hash of that line or the next one; lines
cut from the end break the count and the head; an edited manifest breaks the signature. Only a
key the auditor obtained independently (`GET /api/v1/audit/public-key`) proves that the tenant's
key, and not someone else's, signed the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from infra.signing import SIGNATURE_ALGORITHM, PublicKey

__all__ = [
    "EXPORT_FORMAT",
    "HASH_ALGORITHM",
    "LiveStoreCheck",
    "Manifest",
    "Verdict",
    "canonical_json",
    "chain_hash",
    "genesis_hash",
    "verify_export",
    "verify_lines",
]

EXPORT_FORMAT = "ithaca-export/1"
HASH_ALGORITHM = "SHA-256"
_GENESIS_LABEL = "ithaca export v1\n"


def canonical_json(value: Any) -> bytes:
    """The bytes that are hashed and signed (see the module docstring)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
    ).encode("utf-8")


def genesis_hash(tenant_id: str, from_position: int) -> str:
    """The previous hash of an export's first line: ties the chain to the tenant and the range."""
    seed = f"{_GENESIS_LABEL}{tenant_id}\n{from_position}\n".encode()
    return hashlib.sha256(seed).hexdigest()


def chain_hash(previous: str, line_without_hash: dict[str, Any]) -> str:
    """The hash a line must carry, given the previous line's."""
    return hashlib.sha256(bytes.fromhex(previous) + canonical_json(line_without_hash)).hexdigest()


class LiveStoreCheck(msgspec.Struct, frozen=True, kw_only=True):
    """What the live store's own check said when the export was written."""

    ok: bool
    sealed_through: int
    problem: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """The signed last line of an export."""

    format: str
    tenant: str
    tenant_id: str
    stream: str
    from_position: int
    to_position: int
    events: int
    genesis: str
    head: str
    hash: str
    exported_at: str
    exported_by: str
    algorithm: str
    key_id: str
    public_key: str
    live_store_check: LiveStoreCheck


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of verifying one export."""

    ok: bool
    problem: str = ""
    """Empty when ok; else one sentence, naming the line where there is one."""
    line: int | None = None
    """The first bad line (1-based), when the problem is in a line."""
    events: int = 0
    """Event lines read."""
    manifest: Manifest | None = None
    """The manifest, once it has been read (whether or not its signature holds)."""
    key_given: bool = False
    """The signature was checked against a key given by the auditor, not only the file's own."""


class _BadExportError(Exception):
    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


def verify_export(path: Path, public_key: str | None = None) -> Verdict:
    """Verifies the export at `path`; with `public_key` (base64), also that this key signed it.

    Raises ValueError when `public_key` is not an Ed25519 public key in base64."""
    given = PublicKey.from_base64(public_key) if public_key is not None else None
    with path.open("rb") as lines:
        return verify_lines(lines, given)


def verify_lines(lines: Iterable[bytes], given: PublicKey | None = None) -> Verdict:
    """Verifies an export read line by line (memory stays flat however long it is)."""
    chain = _Chain()
    pending: tuple[int, bytes] | None = None
    for number, raw in enumerate(lines, start=1):
        if pending is not None:
            chain.add(*pending)
        pending = (number, raw.rstrip(b"\r\n"))
    if pending is None:
        return Verdict(ok=False, problem="the file is empty: it holds no manifest")
    manifest: Manifest | None = None
    try:
        manifest = _signed_manifest(*pending, given)
        chain.finish(manifest)
    except _BadExportError as failure:
        return Verdict(ok=False, problem=failure.problem, line=failure.line, events=chain.events,
                       manifest=manifest, key_given=given is not None)
    return Verdict(ok=True, events=chain.events, manifest=manifest, key_given=given is not None)


class _Chain:
    """Follows the event lines, remembering the first that does not hold. The first line's
    previous hash (the genesis) is in the manifest, at the end, so that line is checked last."""

    def __init__(self) -> None:
        self.events = 0
        self.previous = ""
        self.first: tuple[int, dict[str, Any], str] | None = None
        self.first_failure: _BadExportError | None = None
        self.first_position: tuple[int, int] | None = None
        self.last_position: tuple[int, int] | None = None

    def add(self, number: int, raw: bytes) -> None:
        self.events += 1
        line = _event_line(number, raw)
        if line is None:
            self._fail(f"line {number}: not an event line of an export (not a JSON object "
                       "with a hash)", number)
            return
        stated = line.pop("hash")
        if self.first is None:
            self.first = (number, line, stated)
        elif chain_hash(self.previous, line) != stated:
            self._fail(f"line {number}: its hash does not match its content or the line before "
                       "it", number)
        self.previous = stated
        position = line.get("position")
        if not isinstance(position, int) or isinstance(position, bool):
            self._fail(f"line {number}: it has no position", number)
            return
        if self.last_position is not None and position <= self.last_position[1]:
            self._fail(f"line {number}: position {position} does not come after position "
                       f"{self.last_position[1]}", number)
        self.first_position = self.first_position or (number, position)
        self.last_position = (number, position)

    def _fail(self, problem: str, number: int) -> None:
        if self.first_failure is None:
            self.first_failure = _BadExportError(problem, number)

    def finish(self, manifest: Manifest) -> None:
        expected_genesis = genesis_hash(manifest.tenant_id, manifest.from_position)
        if manifest.genesis != expected_genesis:
            raise _BadExportError("the manifest's genesis is not the one of its tenant and "
                                  "first position")
        if self.first is not None:
            number, line, stated = self.first
            if chain_hash(manifest.genesis, line) != stated:
                raise _BadExportError(f"line {number}: its hash does not match its content or "
                                      "the line before it", number)
        if self.first_failure is not None:
            raise self.first_failure
        for number, position in filter(None, (self.first_position, self.last_position)):
            if not manifest.from_position <= position <= manifest.to_position:
                raise _BadExportError(
                    f"line {number}: position {position} is outside the manifest's range "
                    f"{manifest.from_position}-{manifest.to_position}", number)
        if self.events != manifest.events:
            raise _BadExportError(f"the file holds {self.events} events but the manifest says "
                                  f"{manifest.events}: lines were removed or added")
        head = self.previous or manifest.genesis
        if head != manifest.head:
            raise _BadExportError("the last line's hash is not the manifest's head: lines were "
                                  "removed, added or changed at the end")


def _event_line(number: int, raw: bytes) -> dict[str, Any] | None:
    try:
        line = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    if not isinstance(line, dict) or not isinstance(line.get("hash"), str):
        return None
    stated: str = line["hash"]
    try:
        bytes.fromhex(stated)
    except ValueError:
        return None
    return line


def _signed_manifest(number: int, raw: bytes, given: PublicKey | None) -> Manifest:
    """The last line as a manifest whose signature holds; _BadExportError otherwise."""

    def bad(problem: str) -> _BadExportError:
        return _BadExportError(f"line {number}: {problem}", number)

    try:
        line = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        line = None
    if not isinstance(line, dict) or not isinstance(line.get("manifest"), dict):
        raise bad("the last line is not a manifest; the file was cut short or its manifest "
                  "removed")
    try:
        manifest = msgspec.convert(line["manifest"], Manifest)
        signature = base64.b64decode(line.get("signature", ""), validate=True)
        key = PublicKey.from_base64(manifest.public_key)
    except (msgspec.ValidationError, binascii.Error, TypeError, ValueError) as error:
        raise bad(f"the manifest is malformed: {error}") from error
    if manifest.format != EXPORT_FORMAT or manifest.hash != HASH_ALGORITHM:
        raise bad(f"not an export this verifier knows ({manifest.format}, {manifest.hash})")
    if manifest.algorithm != SIGNATURE_ALGORITHM:
        raise bad(f"the manifest is signed with {manifest.algorithm}, not "
                  f"{SIGNATURE_ALGORITHM}")
    if manifest.key_id != key.key_id:
        raise bad(f"the manifest's key id {manifest.key_id} does not name its public key")
    if given is not None and given.raw != key.raw:
        raise bad(f"the export is signed with key {key.key_id}, not with the key given "
                  f"({given.key_id})")
    if not key.verifies(signature, canonical_json(line["manifest"])):
        raise bad("the manifest's signature does not verify: the manifest was changed after "
                  "it was signed, or signed with another key")
    return manifest
