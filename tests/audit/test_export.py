"""`ithaca audit export` and `ithaca audit verify`, driven as an auditor would, on both backends.

Acme's history is real: members sign up through the API, Ana asks Ben for mentoring and Ben
accepts. The export is then checked as written, after each kind of tampering (every one must be
caught, naming the line or what is wrong), by range, after an erasure, and with no database at
all. The live store's own check is reached through `verify --tenant`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from psycopg import sql

from infra.audit.export import tenant_stream
from infra.audit.verify import canonical_json
from infra.cli import cli
from infra.container import Ithaca
from infra.eventstore.chain_check import StreamCheck, check_stream
from infra.eventstore.sqlite import SQLiteStorage
from infra.settings import Settings
from infra.signing import PublicKey
from services.actor import Actor
from tests.environment import environment_of, logging_restored
from tests.mentoring.conftest import Cohort
from tests.tenant_api import SignedInMember, TenantApi

__all__ = ["logging_restored"]
pytestmark = pytest.mark.usefixtures("logging_restored")


@dataclass
class History:
    """Acme after a short mentoring story, and an auditor's command line beside it."""

    acme: TenantApi
    ana: SignedInMember
    ben: SignedInMember
    relationship_id: UUID
    env: dict[str, str]
    folder: Path

    @property
    def ithaca(self) -> Ithaca:
        return self.acme.served.ithaca

    def ithaca_command(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=env or self.env, catch_exceptions=False)

    def export(self, *args: str, name: str = "acme.jsonl") -> Path:
        path = self.folder / name
        result = self.ithaca_command("audit", "export", "--tenant", "acme", "--output",
                                     str(path), *args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return path

    def verify(self, path: Path, *args: str) -> Result:
        return self.ithaca_command("audit", "verify", str(path), *args)

    def public_key(self, slug: str = "acme") -> str:
        return self.ithaca.signing_keys.for_tenant(self.ithaca.tenant(slug).id).public.base64


@pytest.fixture
def history(acme: TenantApi, settings: Settings, tmp_path: Path) -> History:
    cohort = Cohort(acme)
    ana = cohort.entrepreneur("Ana Oliveira")
    ben = cohort.mentor("Ben Carter")
    relationship_id = cohort.request(ana, ben)
    cohort.move(relationship_id, "accept", ben)
    folder = tmp_path / "exports"
    folder.mkdir()
    return History(acme, ana, ben, relationship_id, environment_of(settings), folder)


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rewrite(path: Path, change: Any) -> None:
    """Replaces the file's lines (as text) with what `change` makes of them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(line + "\n" for line in change(lines)), encoding="utf-8")


def edited(line: str, change: Any) -> str:
    value = json.loads(line)
    change(value)
    return canonical_json(value).decode()


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "NOT VERIFIED" in result.stdout
    for word in words:
        assert word in result.stdout, result.stdout


# The export as written ---------------------------------------------------------------------


def test_an_export_holds_the_tenants_history_and_verifies(history: History) -> None:
    path = history.export()

    result = history.verify(path)
    assert result.exit_code == 0, result.stdout
    assert "verified" in result.stdout
    # Without a key of their own, the auditor is told what the check proved and what it did not.
    assert "public key inside the file" in result.stdout
    assert "/api/v1/audit/public-key" in result.stdout

    *events, last = lines_of(path)
    manifest = last["manifest"]
    assert manifest["tenant"] == "acme"
    assert manifest["tenant_id"] == str(history.ithaca.tenant("acme").id)
    assert manifest["events"] == len(events)
    assert manifest["from_position"] == 1
    assert manifest["to_position"] == events[-1]["position"]
    assert manifest["head"] == events[-1]["hash"]
    assert manifest["algorithm"] == "Ed25519"
    assert manifest["public_key"] == history.public_key()
    assert manifest["live_store_check"]["ok"] is True
    assert manifest["exported_by"].startswith("cli:")
    positions = [event["position"] for event in events]
    assert positions == sorted(set(positions))

    # Ben's acceptance reads as what happened: its type, who did it, on which relationship.
    accepted = next(event for event in events if event["type"] == "Relationship.Accepted")
    assert accepted["aggregate_id"] == str(history.relationship_id)
    assert accepted["topic"].endswith(":Relationship.Accepted")
    assert accepted["actor"]["kind"] == "member"
    assert accepted["actor"]["id"] == str(history.ben.id)
    assert accepted["time"].endswith("Z")
    requested = next(event for event in events if event["type"] == "Relationship.Requested")
    assert "bakery in Porto" in json.dumps(requested["payload"])
    # Personal data is opened: the export holds the members' names as they gave them; their
    # password hashes are withheld, though the events that set them are there.
    text = path.read_text(encoding="utf-8")
    assert "Ana Oliveira" in text
    assert "$argon2" not in text
    signed_up = next(event for event in events if event["type"] == "Member.SignedUp")
    assert signed_up["payload"]["password_hash"] == "[withheld]"  # noqa: S105


def test_an_export_to_standard_output_is_the_same_format(history: History) -> None:
    result = history.ithaca_command("audit", "export", "--tenant", "acme")
    assert result.exit_code == 0, result.stderr
    path = history.folder / "piped.jsonl"
    path.write_bytes(result.stdout_bytes)
    assert history.verify(path, "--public-key", history.public_key()).exit_code == 0
    assert "check it with: ithaca audit verify" in result.stderr


def test_a_range_export_holds_that_range_only_and_verifies(history: History) -> None:
    path = history.export("--from-position", "3", "--to-position", "6")

    assert history.verify(path, "--public-key", history.public_key()).exit_code == 0
    *events, last = lines_of(path)
    manifest = last["manifest"]
    assert (manifest["from_position"], manifest["to_position"]) == (3, 6)
    assert events
    assert all(3 <= event["position"] <= 6 for event in events)


def test_an_erased_members_personal_fields_read_as_erased(history: History) -> None:
    stream = tenant_stream(history.ithaca, history.ithaca.tenant("acme"))
    assert stream.personal_keys.erase(history.ana.id)

    path = history.export()

    assert history.verify(path).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "Ana Oliveira" not in text
    assert history.ana.email not in text
    assert "[erased]" in text
    # Her events are all still there, and Ben's data reads as before.
    assert str(history.ana.id) in text
    assert "Ben Carter" in text


def test_bad_ranges_are_refused_naming_the_option(history: History) -> None:
    result = history.ithaca_command("audit", "export", "--tenant", "acme", "--from-position",
                                    "0")
    assert result.exit_code == 2
    assert "error: fromPosition: must be a position from 1" in result.stderr

    result = history.ithaca_command("audit", "export", "--tenant", "acme", "--to-position",
                                    "100000")
    assert result.exit_code == 2
    assert "error: toPosition: the stream ends at position" in result.stderr

    result = history.ithaca_command("audit", "export", "--tenant", "acme", "--from-position",
                                    "5", "--to-position", "4")
    assert result.exit_code == 2
    assert "error: toPosition:" in result.stderr


def test_an_unknown_tenant_is_refused(history: History) -> None:
    result = history.ithaca_command("audit", "export", "--tenant", "nobody")
    assert result.exit_code == 2
    assert "error: slug: no tenant 'nobody'" in result.stderr


# Offline ------------------------------------------------------------------------------------


def test_verify_needs_no_database(history: History, tmp_path: Path) -> None:
    path = history.export()
    nowhere = tmp_path / "no-such-data-dir"
    env = {**history.env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
           "ITHACA_DATA_DIR": str(nowhere), "ITHACA_SIGNING_SECRET": ""}

    result = history.ithaca_command("audit", "verify", str(path), "--public-key",
                                    history.public_key(), env=env)

    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "verified" in result.stdout
    assert not nowhere.exists()  # nothing was composed, not even the embedded storage


# Tampering ----------------------------------------------------------------------------------


def test_a_changed_line_is_named(history: History) -> None:
    path = history.export()

    def change_payload(lines: list[str]) -> list[str]:
        lines[2] = edited(lines[2], lambda line: line["payload"].update(edited_by="mallory"))
        return lines

    rewrite(path, change_payload)

    refused(history.verify(path), "line 3: its hash does not match its content or the line "
                                  "before it")


def test_a_changed_line_with_its_hash_recomputed_breaks_the_next_line(history: History) -> None:
    path = history.export()

    def change_and_rehash(lines: list[str]) -> list[str]:
        previous = json.loads(lines[1])["hash"]

        def change(line: dict[str, Any]) -> None:
            line["aggregate_version"] += 1
            del line["hash"]
            line["hash"] = _chain(previous, line)

        lines[2] = edited(lines[2], change)
        return lines

    rewrite(path, change_and_rehash)

    refused(history.verify(path), "line 4:")


def test_a_removed_line_is_named(history: History) -> None:
    path = history.export()
    rewrite(path, lambda lines: lines[:4] + lines[5:])

    refused(history.verify(path), "line 5: its hash does not match")


def test_two_swapped_lines_are_named_at_the_first(history: History) -> None:
    path = history.export()
    rewrite(path, lambda lines: [*lines[:3], lines[4], lines[3], *lines[5:]])

    refused(history.verify(path), "line 4: its hash does not match")


def test_the_first_line_changed_is_named(history: History) -> None:
    path = history.export()
    rewrite(path, lambda lines: [edited(lines[0], lambda line: line.update(position=99)),
                                 *lines[1:]])

    refused(history.verify(path), "line 1: its hash does not match")


def test_a_cut_export_is_caught(history: History) -> None:
    path = history.export()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    refused(history.verify(path), "the last line is not a manifest", "cut short")


def test_the_last_events_removed_are_caught_by_the_count(history: History) -> None:
    path = history.export()
    rewrite(path, lambda lines: [*lines[:-2], lines[-1]])

    refused(history.verify(path), "the manifest says", "lines were removed or added")


def test_an_edited_manifest_is_caught_by_its_signature(history: History) -> None:
    path = history.export()

    def fewer_events(lines: list[str]) -> list[str]:
        lines[-1] = edited(lines[-1], lambda line: line["manifest"].update(events=3))
        return lines

    rewrite(path, fewer_events)

    refused(history.verify(path), "the manifest's signature does not verify")


def test_a_manifest_signed_with_another_key_is_caught(history: History) -> None:
    path = history.export()
    impostor = Ed25519PrivateKey.generate()

    def resign(lines: list[str]) -> list[str]:
        line = json.loads(lines[-1])
        line["signature"] = base64.b64encode(
            impostor.sign(canonical_json(line["manifest"]))).decode()
        return [*lines[:-1], canonical_json(line).decode()]

    rewrite(path, resign)

    refused(history.verify(path), "the manifest's signature does not verify")


def test_a_forgery_with_its_own_key_is_caught_only_by_the_tenants_key(history: History) -> None:
    path = history.export()
    impostor = Ed25519PrivateKey.generate()
    impostor_key = PublicKey(impostor.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def forge(lines: list[str]) -> list[str]:
        line = json.loads(lines[-1])
        line["manifest"].update(public_key=impostor_key.base64, key_id=impostor_key.key_id)
        line["signature"] = base64.b64encode(
            impostor.sign(canonical_json(line["manifest"]))).decode()
        return [*lines[:-1], canonical_json(line).decode()]

    rewrite(path, forge)

    # Consistent in itself: only the key the auditor fetched from the tenant tells.
    assert history.verify(path).exit_code == 0
    refused(history.verify(path, "--public-key", history.public_key()),
            f"signed with key {impostor_key.key_id}, not with the key given")


def test_another_tenants_public_key_is_refused(history: History) -> None:
    history.ithaca.registry.provision_tenant(
        slug="globex", display_name="Globex", actor=Actor(kind="cli", id="test"))
    path = history.export()

    refused(history.verify(path, "--public-key", history.public_key("globex")),
            "not with the key given")
    assert history.verify(path, "--public-key", history.public_key()).exit_code == 0


def test_a_public_key_that_is_not_one_is_a_usage_error(history: History) -> None:
    path = history.export()
    result = history.verify(path, "--public-key", "not-a-key")
    assert result.exit_code == 2
    assert "--public-key" in result.stderr


def test_a_file_and_a_tenant_together_are_a_usage_error(history: History) -> None:
    path = history.export()
    result = history.ithaca_command("audit", "verify", str(path), "--tenant", "acme")
    assert result.exit_code == 2
    assert "one of them" in result.stderr
    result = history.ithaca_command("audit", "verify")
    assert result.exit_code == 2


# The live store -----------------------------------------------------------------------------


def test_verify_tenant_checks_the_live_store_and_names_a_changed_event(history: History) -> None:
    ithaca = history.ithaca
    sealed = wait_until_sealed(ithaca, "acme")
    assert sealed.ok
    assert sealed.sealed_through == sealed.head

    result = history.ithaca_command("audit", "verify", "--tenant", "acme")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "live store: ok" in result.stdout

    _flip_last_byte_of_event(ithaca, "tenant_acme", position=4)

    result = history.ithaca_command("audit", "verify", "--tenant", "acme")
    assert result.exit_code == 1, result.stdout
    assert "NOT OK: position 4" in result.stdout


def wait_until_sealed(ithaca: Ithaca, slug: str, timeout: float = 20.0) -> StreamCheck:
    """The in-process projection worker seals new events by itself; wait until it has sealed
    everything there is now."""
    tenant = ithaca.tenant(slug)
    stream = tenant_stream(ithaca, tenant)
    key = ithaca.signing_keys.for_tenant(tenant.id).public
    deadline = time.monotonic() + timeout
    while True:
        check = check_stream(stream, key)
        if check.sealed_through >= check.head or time.monotonic() > deadline:
            return check
        time.sleep(0.05)


def _chain(previous: str, line: dict[str, Any]) -> str:
    """The documented rule, restated: SHA-256(previous hash bytes || canonical line)."""
    return hashlib.sha256(bytes.fromhex(previous) + canonical_json(line)).hexdigest()


def _flip_last_byte_of_event(ithaca: Ithaca, stream_name: str, position: int) -> None:
    """What someone with write access to the database could do."""
    storage = ithaca.locations["main"]
    if isinstance(storage, SQLiteStorage):
        with sqlite3.connect(storage.path(stream_name)) as database:
            (state,) = database.execute(
                "SELECT state FROM events WHERE rowid = ?", (position,)).fetchone()
            database.execute("UPDATE events SET state = ? WHERE rowid = ?",
                             (state[:-1] + bytes([state[-1] ^ 1]), position))
        database.close()
        return
    table = sql.SQL("{}.events").format(sql.Identifier(stream_name))
    with psycopg.connect(ithaca.settings.database_url, autocommit=True) as connection:
        row = connection.execute(
            sql.SQL("SELECT state FROM {} WHERE notification_id = %s").format(table),
            (position,)).fetchone()
        assert row is not None
        state = bytes(row[0])
        connection.execute(
            sql.SQL("UPDATE {} SET state = %s WHERE notification_id = %s").format(table),
            (state[:-1] + bytes([state[-1] ^ 1]), position))

