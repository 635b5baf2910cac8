"""`Idempotency-Key`: a command and its answer are kept together or not at all, so a retry
always learns what the first attempt did; and a kept answer goes only to a caller who is still
signed in."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from infra.settings import Settings
from tests.tenant_api import PASSWORD, TenantApi

EMAIL = "carla@example.org"
SIGN_UP = {"email": EMAIL, "name": "Carla Mendes", "password": PASSWORD, "roles": ["entrepreneur"]}


@contextmanager
def answers_refused(settings: Settings, slug: str) -> Iterator[None]:
    """While inside, the tenant's database refuses to store any idempotency answer, as a full
    disk or a lost connection would refuse the second of two writes."""
    schema = f"tenant_{slug}"
    if settings.database_url:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL(
                "CREATE FUNCTION {}.refuse_answers() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$"
            ).format(sql.Identifier(schema)))
            conn.execute(sql.SQL(
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON {}.events FOR EACH ROW"
                " WHEN (NEW.topic LIKE '%IdempotentCommand.Answer%')"
                " EXECUTE FUNCTION {}.refuse_answers()"
            ).format(sql.Identifier(schema), sql.Identifier(schema)))
            try:
                yield
            finally:
                conn.execute(sql.SQL("DROP TRIGGER refuse_answers ON {}.events").format(
                    sql.Identifier(schema)))
        return
    path = settings.data_path / "tenants" / f"{schema}.sqlite3"
    database = sqlite3.connect(path, isolation_level=None)
    try:
        database.execute(
            "CREATE TRIGGER refuse_answers BEFORE INSERT ON events"
            " WHEN NEW.topic LIKE '%IdempotentCommand.Answer%'"
            " BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
        )
        try:
            yield
        finally:
            database.execute("DROP TRIGGER refuse_answers")
    finally:
        database.close()


def test_a_command_whose_answer_cannot_be_kept_is_not_kept_either(
    acme: TenantApi, settings: Settings,
) -> None:
    # Carla's sign-up reaches the server while its database refuses the answer's write.
    key = {"Idempotency-Key": "carla-signs-up"}
    before = acme.accounts().position
    with answers_refused(settings, "acme"):
        refused = acme.post("/api/v1/accounts", json=SIGN_UP, headers=key)
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"]
    assert refused.json()["error"]["field"]
    # Nothing of it was kept: no member, no marker that would refuse her retries for ever.
    assert acme.accounts().position == before
    assert acme.accounts().find_member_by_email(EMAIL) is None

    # Her client retries with the same key: it is done now, once, and the answer is kept.
    retried = acme.post("/api/v1/accounts", json=SIGN_UP, headers=key)
    assert retried.status_code == 201, retried.text
    again = acme.post("/api/v1/accounts", json=SIGN_UP, headers=key)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == retried.json()
    member = acme.accounts().find_member_by_email(EMAIL)
    assert member is not None
    assert str(member.id) == retried.json()["memberId"]


def test_a_kept_answer_goes_only_to_a_caller_still_signed_in(acme: TenantApi) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    path, key = "/api/v1/me/verification-mail", {"Idempotency-Key": "mail-me-again"}
    first = acme.post(path, ana, headers=key)
    assert first.status_code == 202, first.text
    assert acme.post(path, ana, headers=key).headers["idempotent-replayed"] == "true"

    assert acme.request("DELETE", "/api/v1/sessions/current", ana).status_code == 200
    after_sign_out = acme.post(path, ana, headers=key)
    assert after_sign_out.status_code == 401
    assert "idempotent-replayed" not in after_sign_out.headers
