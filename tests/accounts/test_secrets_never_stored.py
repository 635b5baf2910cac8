"""No secret is ever stored: not a session token (even when sign-in came with an
`Idempotency-Key`), not a link token, not a reset link's nonce; not in the log, not beside it,
not in a signed export. And tokens that an older release did keep are revoked by
`ithaca migrate`."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from uuid import uuid4

import msgspec
import pytest
from click.testing import CliRunner

from infra.audit.export import export_lines, export_range, tenant_stream
from infra.cli import cli
from infra.container import Ithaca
from infra.settings import Settings
from services.application import IdempotentCommand
from services.tokens import PASSWORD_RESET, TokenSigner
from tests.environment import environment_of, logging_restored
from tests.mail.fixtures import Mailroom, link_token
from tests.privacy.storage_search import found_in_storage
from tests.tenant_api import PASSWORD, TenantApi

__all__ = ["logging_restored"]  # the CLI configures logging; the fixture puts it back
pytestmark = pytest.mark.usefixtures("logging_restored")


def encodings_of(secret: str) -> dict[str, str | bytes]:
    """The secret as text, and as every way base64 can spell it inside a longer value (one for
    each alignment, without the characters that depend on its neighbours)."""
    forms: dict[str, str | bytes] = {"text": secret}
    for shift in range(3):
        for name, encode in (("base64", base64.b64encode),
                             ("base64url", base64.urlsafe_b64encode)):
            spelled = encode(b"\0" * shift + secret.encode()).decode()
            forms[f"{name}+{shift}"] = spelled[4 if shift else 0:-4]
    return forms


def exported(ithaca: Ithaca, slug: str) -> bytes:
    tenant = ithaca.tenant(slug)
    stream = tenant_stream(ithaca, tenant)
    key = ithaca.signing_keys.for_tenant(tenant.id)
    return b"".join(export_lines(stream, tenant, key, export_range(stream, None, None),
                                 exported_by="test"))


def test_no_token_link_or_nonce_is_stored_or_exported(mailroom: Mailroom) -> None:
    acme = mailroom.acme
    acme.accounts().reset_answer_seconds = 0
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    credentials = {"email": "ana@example.org", "password": PASSWORD}

    # Ana's client signs in with an Idempotency-Key, twice: the key is not used for sign-in,
    # whose answer is a credential, so each attempt signs in and neither answer is kept.
    key = {"Idempotency-Key": "sign-in-7"}
    first = acme.post("/api/v1/sessions", json=credentials, headers=key)
    second = acme.post("/api/v1/sessions", json=credentials, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.headers["cache-control"] == second.headers["cache-control"] == "no-store"
    assert "idempotent-replayed" not in second.headers
    tokens = [first.json()["token"], second.json()["token"]]
    assert tokens[0] != tokens[1]
    cookie_sign_in = acme.post("/api/v1/sessions", json={**credentials, "cookie": True},
                               headers={"Idempotency-Key": "cookie-sign-in"})
    cookie = cookie_sign_in.cookies["ithaca_session"]
    for token in (*tokens, cookie):
        assert acme.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).is_success

    # Her verification mail and a password reset's mail each carry a link.
    assert acme.post("/api/v1/password-resets", json={"email": "ana@example.org"},
                     headers={"Idempotency-Key": "reset-1"}).status_code == 202
    mailroom.deliver()
    links = [link_token(mail) for mail in mailroom.inbox("ana@example.org")]
    assert len(links) == 2
    signer = TokenSigner(acme.accounts().stream.personal_keys.stream_secret())
    reset = next(signer.open(link, PASSWORD_RESET, datetime.now(UTC)) for link in links
                 if link.startswith(base64.urlsafe_b64encode(b"password_reset").decode()[:16]))
    assert reset.nonce

    needles: dict[str, str | bytes] = {}
    for name, secret in (("bearer token", tokens[0]), ("second bearer token", tokens[1]),
                         ("session cookie", cookie), ("verification link", links[0]),
                         ("reset link", links[1]), ("reset nonce", reset.nonce)):
        for form, spelled in encodings_of(secret).items():
            needles[f"{name} as {form}"] = spelled
    ithaca: Ithaca = mailroom.served.app.state.ithaca
    export = exported(ithaca, "acme")
    assert b"ana@example.org" in export  # the export does open personal data: it is searched

    assert found_in_storage(mailroom.served.ithaca.settings, needles) == {}
    assert [name for name, needle in needles.items()
            if (needle if isinstance(needle, bytes) else needle.encode()) in export] == []


def test_migrate_revokes_tokens_an_older_release_kept_in_the_log(
    acme: TenantApi, settings: Settings,
) -> None:
    # Before this release, a sign-in's answer was kept for its Idempotency-Key, token and all.
    ana = acme.member("Ana", roles=["entrepreneur"])
    exposed = acme.post("/api/v1/sessions", json={"email": ana.email, "password": PASSWORD})
    token = exposed.json()["token"]
    markers = acme.accounts()
    marker = IdempotentCommand(id=uuid4(), fingerprint="in")
    marker.answer(status=201, body=msgspec.json.encode(exposed.json()),
                  content_type="application/json")
    markers.record(marker)
    bearer = {"Authorization": f"Bearer {token}"}
    assert acme.get("/api/v1/me", headers=bearer).status_code == 200
    assert found_in_storage(settings, {"token": token})  # the search does find such a token

    runner = CliRunner()
    for _ in range(2):  # and running it again changes nothing
        position = acme.accounts().position
        result = runner.invoke(cli, ["migrate"], env=environment_of(settings))
        assert result.exit_code == 0, result.output

    assert acme.get("/api/v1/me", headers=bearer).status_code == 401
    assert acme.get("/api/v1/me", ana).status_code == 200  # her other session goes on
    assert acme.accounts().position == position
