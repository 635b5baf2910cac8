"""A tenant's verifiable export: its stream (or a range of it) as hash-chained JSON Lines, closed
by a manifest signed with the tenant's Ed25519 key.

One line per event, in stream order: `position`, `time` (the event's timestamp, ISO 8601 UTC),
`type` (the event class, `Relationship.Accepted`), `topic` (module and class), `aggregate_id`,
`aggregate_version`, `actor` (who caused it, when the event records it; else null), `payload`
(every other field) and `hash`. Personal fields are opened: an erased person's read as the erased
value, as every reader sees them; credentials (password hashes) are withheld. UUIDs, datetimes,
Decimals and floats are strings, so no language's number formatting can change a hash. The
format, the chain and the manifest are defined, and checked, by `infra.audit.verify`, which this
module uses for every hash it writes.

The export streams: rows are read and written a batch at a time, so a tenant of a million events
is exported in flat memory. The manifest also records what the live store's own check
(`infra.eventstore.chain_check.check_stream`) said at the time.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from infra.audit.verify import (
    EXPORT_FORMAT,
    HASH_ALGORITHM,
    canonical_json,
    chain_hash,
    genesis_hash,
)
from infra.container import Ithaca
from infra.eventstore.chain_check import StreamCheck, check_stream
from infra.eventstore.codec import MsgspecMapper
from infra.eventstore.postgres import NotificationRow
from infra.eventstore.streams import EventStream, StreamApplication
from infra.signing import SIGNATURE_ALGORITHM, SigningKey
from services.actor import Actor
from services.errors import InvalidInputError
from tenants.directory import TenantRecord

__all__ = [
    "EXPORT_BATCH",
    "EXPORT_MEDIA_TYPE",
    "WITHHELD",
    "WITHHELD_FIELDS",
    "ExportProgress",
    "ExportRange",
    "export_lines",
    "export_range",
    "tenant_stream",
]

EXPORT_BATCH = 1000
"""Events read, decoded and written at a time."""
EXPORT_MEDIA_TYPE = "application/x-ndjson"
_ENVELOPE = ("originator_id", "originator_version", "timestamp")
WITHHELD_FIELDS = frozenset({"password_hash"})
"""Credentials: an export would let anyone holding it attack them offline, and an audit needs
only to see that they changed. Written as `WITHHELD`."""
WITHHELD = "[withheld]"


class ExportRange(msgspec.Struct, frozen=True, kw_only=True):
    """The positions an export covers, both included (positions may have gaps on PostgreSQL)."""

    from_position: int
    to_position: int


class ExportProgress(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    """The last position written."""
    to_position: int
    events: int
    """Events written so far."""


class _AuditStream(StreamApplication):
    """Gives the tenant's open stream (the application itself is never used)."""

    name = "audit_export"


def tenant_stream(ithaca: Ithaca, tenant: TenantRecord) -> EventStream:
    """The tenant's stream, as the process keeps it open."""
    return ithaca.tenant_application(tenant, _AuditStream).stream


def export_range(
    stream: EventStream, from_position: int | None, to_position: int | None,
) -> ExportRange:
    """The range asked for, checked against the stream as it is now; the whole stream (up to its
    head now, not what is appended meanwhile) when neither end is given."""
    head = stream.events.max_notification_id() or 0
    start = 1 if from_position is None else from_position
    if start < 1:
        raise InvalidInputError("must be a position from 1", field="fromPosition")
    if from_position is not None and start > head:
        raise InvalidInputError("the stream ends at position %(head)s", field="fromPosition",
                                values={"head": head})
    if to_position is None:
        return ExportRange(from_position=start, to_position=head)
    if to_position < start:
        raise InvalidInputError("must not come before the first position, %(start)s",
                                field="toPosition", values={"start": start})
    if to_position > head:
        raise InvalidInputError("the stream ends at position %(head)s", field="toPosition",
                                values={"head": head})
    return ExportRange(from_position=start, to_position=to_position)


def export_lines(
    stream: EventStream,
    tenant: TenantRecord,
    key: SigningKey,
    span: ExportRange,
    *,
    exported_by: str,
    on_progress: Callable[[ExportProgress], None] | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[bytes]:
    """The export's bytes, one chunk per batch of events, the signed manifest last."""
    mapper = MsgspecMapper(stream.personal_keys, open_personal=True)
    previous = genesis = genesis_hash(str(tenant.id), span.from_position)
    position, events = span.from_position - 1, 0
    while position < span.to_position:
        rows = stream.notification_rows(position, span.to_position, EXPORT_BATCH)
        if not rows:
            break
        chunk = bytearray()
        for row in rows:
            line = _event_line(row, mapper)
            line["hash"] = previous = chain_hash(previous, line)
            chunk += canonical_json(line) + b"\n"
        position, events = rows[-1][0], events + len(rows)
        if on_progress is not None:
            on_progress(ExportProgress(position=position, to_position=span.to_position,
                                       events=events))
        yield bytes(chunk)
    check = check_stream(stream, key.public)
    manifest = {
        "format": EXPORT_FORMAT,
        "tenant": tenant.slug,
        "tenant_id": str(tenant.id),
        "stream": stream.name,
        "from_position": span.from_position,
        "to_position": span.to_position,
        "events": events,
        "genesis": genesis,
        "head": previous,
        "hash": HASH_ALGORITHM,
        "exported_at": _instant(now()),
        "exported_by": exported_by,
        "algorithm": SIGNATURE_ALGORITHM,
        "key_id": key.public.key_id,
        "public_key": key.public.base64,
        "live_store_check": _live_store_check(check),
    }
    signature = base64.b64encode(key.sign(canonical_json(manifest))).decode("ascii")
    yield canonical_json({"manifest": manifest, "signature": signature}) + b"\n"


def _live_store_check(check: StreamCheck) -> dict[str, Any]:
    return {"ok": check.ok, "sealed_through": check.sealed_through, "problem": check.problem}


def _event_line(row: NotificationRow, mapper: MsgspecMapper) -> dict[str, Any]:
    position, originator_id, version, topic, state = row
    values = dict(vars(mapper.decode(originator_id, version, topic, state)))
    timestamp = values.get("timestamp")
    for name in _ENVELOPE:
        values.pop(name, None)
    actor = values.get("actor")
    if isinstance(actor, Actor):
        del values["actor"]
    for name in WITHHELD_FIELDS.intersection(values):
        values[name] = WITHHELD
    return {
        "position": position,
        "time": _instant(timestamp) if isinstance(timestamp, datetime) else None,
        "type": topic.rpartition(":")[2],
        "topic": topic,
        "aggregate_id": str(originator_id),
        "aggregate_version": version,
        "actor": _plain(actor) if isinstance(actor, Actor) else None,
        "payload": _plain(values),
    }


def _instant(moment: datetime) -> str:
    text: str = msgspec.to_builtins(moment.astimezone(UTC))
    return text


def _plain(value: Any) -> Any:
    """JSON's own types only, floats written as strings (see the module docstring)."""
    return _floats_as_text(msgspec.to_builtins(value))


def _floats_as_text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {key: _floats_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats_as_text(item) for item in value]
    return value
