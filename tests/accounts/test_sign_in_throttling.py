"""Sign-in throttling: per account (recorded), per unknown address and per client address (in
memory, per process). Time is the test's one clock (`ithaca_clock`), stopped and moved by each
test."""

from __future__ import annotations

from datetime import datetime, timedelta

from infra.clock import SettableClock
from tests.tenant_api import PASSWORD, TenantApi

SESSIONS = "/api/v1/sessions"
WRONG = "not the password at all"


def stopped(clock: SettableClock) -> datetime:
    """Stops the clock at the current moment; the test moves it on from there."""
    return clock.set(clock.now)


def attempt(acme: TenantApi, email: str, password: str) -> tuple[int, dict[str, object], str]:
    response = acme.post(SESSIONS, json={"email": email, "password": password})
    return response.status_code, response.json(), response.headers.get("retry-after", "")


def test_five_wrong_passwords_lock_anas_account_for_the_rest_of_the_window(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    accounts = acme.accounts()
    start = stopped(ithaca_clock)
    for minute in range(5):
        ithaca_clock.set(start + timedelta(minutes=minute))
        assert attempt(acme, "ana@example.org", WRONG)[0] == 401

    # Even the right password is refused until 15 minutes after the first of the five.
    position = accounts.position
    ithaca_clock.set(start + timedelta(minutes=5))
    status, body, retry_after = attempt(acme, "ana@example.org", PASSWORD)
    assert status == 429
    assert body["error"]["field"] == "email"  # type: ignore[index]
    assert retry_after == str(10 * 60)
    assert accounts.position == position  # refused attempts are not recorded

    ithaca_clock.set(start + timedelta(minutes=14, seconds=59))
    assert attempt(acme, "ana@example.org", PASSWORD)[0] == 429
    ithaca_clock.set(start + timedelta(minutes=15))
    assert attempt(acme, "ana@example.org", PASSWORD)[0] == 201


def test_failures_spread_over_more_than_the_window_lock_nothing(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    start = stopped(ithaca_clock)
    for minute in (0, 4, 8, 12, 16, 20, 24):  # never five within 15 minutes
        ithaca_clock.set(start + timedelta(minutes=minute))
        assert attempt(acme, "ana@example.org", WRONG)[0] == 401
    assert attempt(acme, "ana@example.org", PASSWORD)[0] == 201


def test_an_unknown_address_locks_exactly_like_a_real_account(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    accounts = acme.accounts()
    stopped(ithaca_clock)
    for _ in range(5):
        assert attempt(acme, "ana@example.org", WRONG)[0] == 401
        assert attempt(acme, "nobody@example.org", WRONG)[0] == 401
    position = accounts.position
    real = attempt(acme, "ana@example.org", WRONG)
    unknown = attempt(acme, "nobody@example.org", WRONG)
    assert real == unknown
    assert real[0] == 429
    assert accounts.position == position


def test_twenty_failures_from_one_address_shut_it_out_for_a_while(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    accounts = acme.accounts()
    start = stopped(ithaca_clock)
    for n in range(20):  # a different address each time: no account is locked
        assert attempt(acme, f"guess{n}@example.org", WRONG)[0] == 401

    position = accounts.position
    status, body, retry_after = attempt(acme, "ana@example.org", PASSWORD)
    assert status == 429
    assert body["error"]["field"] == "address"  # type: ignore[index]
    assert retry_after == str(15 * 60)
    assert accounts.position == position

    ithaca_clock.set(start + timedelta(minutes=15))
    assert attempt(acme, "ana@example.org", PASSWORD)[0] == 201


def test_successful_sign_ins_do_not_count_against_an_address(
    acme: TenantApi, ithaca_clock: SettableClock,
) -> None:
    acme.member("Ana", roles=["entrepreneur"], email="ana@example.org")
    stopped(ithaca_clock)
    for _ in range(25):  # a shared office address signs in all morning
        assert attempt(acme, "ana@example.org", PASSWORD)[0] == 201
