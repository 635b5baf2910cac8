"""Stored-event encoding: MsgspecMapper versus the library's default JSON mapper.

The event is shaped like the mentoring events Ithaca stores: several ids, a time, free text, a
list of strings and a Decimal. Both mappers encode it to a stored event and decode it back; the
figures are stored bytes per event and microseconds per encode and per decode (best of --repeat
runs of --number events each).

Usage: python -m bench.codec [--number 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import timeit
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
)

from infra.eventstore.codec import MsgspecMapper


@dataclass(frozen=True)
class SessionLogged(DomainEvent):
    relationship_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    programme_id: UUID
    held_at: datetime
    hours: Decimal
    summary: str
    topics: list[str]
    next_step: str


def sample_event() -> SessionLogged:
    return SessionLogged(
        originator_id=uuid4(),
        originator_version=4,
        timestamp=SessionLogged.create_timestamp(),
        relationship_id=uuid4(),
        mentee_id=uuid4(),
        mentor_id=uuid4(),
        programme_id=uuid4(),
        held_at=datetime(2025, 3, 14, 15, 30, tzinfo=UTC),
        hours=Decimal("1.50"),
        summary="Reviewed export pricing for the shea butter range; compared three freight quotes.",
        topics=["pricing", "export paperwork", "freight"],
        next_step="Send the revised price list to the Ghana distributor by Friday",
    )


def library_default_mapper() -> Mapper[UUID]:
    """What `eventsourcing.application.Application` builds by default."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def measure(mapper: Mapper[UUID], number: int, repeat: int) -> tuple[int, float, float]:
    domain_event = sample_event()
    stored = mapper.to_stored_event(domain_event)
    assert mapper.to_domain_event(stored) == domain_event
    encode = min(timeit.repeat(
        lambda: mapper.to_stored_event(domain_event), number=number, repeat=repeat
    ))
    decode = min(timeit.repeat(
        lambda: mapper.to_domain_event(stored), number=number, repeat=repeat
    ))
    return len(stored.state), 1e6 * encode / number, 1e6 * decode / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--number", type=int, default=20000, help="events per timing run")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs (best is kept)")
    args = parser.parse_args()
    ours = measure(MsgspecMapper(), args.number, args.repeat)
    library = measure(library_default_mapper(), args.number, args.repeat)
    for name, (size, encode, decode) in (("msgspec", ours), ("library JSON", library)):
        print(f"{name:<13} {size:5d} bytes/event  encode {encode:6.2f} us  decode {decode:6.2f} us")
    print(f"codec bytes: msgspec {ours[0]} vs JSON {library[0]} ratio {ours[0] / library[0]:.2f}")
    print(f"codec encode: msgspec {ours[1]:.2f} us vs JSON {library[1]:.2f} us "
          f"speed-up {library[1] / ours[1]:.1f}x")
    print(f"codec decode: msgspec {ours[2]:.2f} us vs JSON {library[2]:.2f} us "
          f"speed-up {library[2] / ours[2]:.1f}x")


if __name__ == "__main__":
    main()
