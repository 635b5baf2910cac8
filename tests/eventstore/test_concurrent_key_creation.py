"""Two processes creating the same key at the same moment (the first sign-ups of a new tenant
reaching two workers, or two requests about one new member) both get the one key stored, and
neither keeps an empty answer: a process that cached one refused every sign-up until restarted.

Each process is a separately bootstrapped `Ithaca` (its own pool or SQLite connections, its own
key cache) over the same store; their threads meet at a barrier before every key."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

from infra.bootstrap import bootstrap
from infra.container import Ithaca
from infra.eventstore.personal import STREAM_SECRET_SUBJECT, PersonalKeys
from infra.settings import Settings
from services.accounts.application import Accounts
from services.actor import Actor

# Enough meetings that two statements overlap in the database many times (each lasts well
# under a millisecond), few enough to take a second or two.
SUBJECTS = 300


def _personal_keys(ithaca: Ithaca, slug: str) -> PersonalKeys:
    accounts = ithaca.tenant_application(ithaca.tenant(slug), Accounts)
    keys = accounts.stream.personal_keys
    assert keys is not None
    return keys


def test_two_processes_creating_the_same_keys_at_once_both_get_the_stored_ones(
    ithaca: Ithaca, settings: Settings
) -> None:
    ithaca.registry.provision_tenant(
        slug="acme", display_name="Acme Mentoring", actor=Actor(kind="cli", id="test")
    )
    other_process = bootstrap(settings)
    try:
        here, there = _personal_keys(ithaca, "acme"), _personal_keys(other_process, "acme")
        # The stream's own secret first: every sign-up needs it.
        subjects = [STREAM_SECRET_SUBJECT, *(uuid4() for _ in range(SUBJECTS))]
        both_ready = threading.Barrier(2)

        def create_every_key(keys: PersonalKeys) -> list[bytes | None]:
            created = []
            for subject in subjects:
                both_ready.wait(timeout=10)
                created.append(keys.key_for(subject, create=True))
            return created

        with ThreadPoolExecutor(max_workers=2) as threads:
            made_here, made_there = threads.map(create_every_key, [here, there])

        empty = (made_here + made_there).count(None)
        assert not empty, f"{empty} of {2 * len(subjects)} keys came back empty"
        assert made_here == made_there
        # Nothing empty was kept either: each process answers the stored key from now on.
        assert here.stream_secret() == there.stream_secret() == made_here[0]
        assert _keys_of(there, subjects) == _keys_of(here, subjects) == made_here
    finally:
        other_process.close()


def _keys_of(keys: PersonalKeys, subjects: list[UUID]) -> list[bytes | None]:
    return [keys.key_for(subject, create=True) for subject in subjects]
