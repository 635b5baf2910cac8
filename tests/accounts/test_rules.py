"""The rules of accounts, told against the application alone: who may sign up as what, one
account per address, how sign-in locks after failures, how long sessions last, who may change
whose roles, what suspension does to a member's sessions, and the links that verify an address
or reset a password."""

from __future__ import annotations

from uuid import UUID

import pytest

from services.accounts.application import (
    RESET_LIFETIME,
    VERIFICATION_LIFETIME,
    Accounts,
    NotSignedInError,
)
from services.accounts.domain import Role, SessionKind
from services.accounts.throttling import TooManyAttemptsError
from services.actor import Actor
from services.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from services.mentoring.application import Mentoring
from services.moderation.application import Moderation
from services.tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkToken
from tests.rules import OPERATOR, PASSWORD, EmbeddedTenant

pytestmark = pytest.mark.rules

SIGN_UP = Actor(kind="anonymous", id="sign-up")
SOMEONE_ELSES_PASSWORD = "another long password"  # noqa: S105 - a test fixture
NEW_PASSWORD = "a brand new password"  # noqa: S105 - a test fixture


def test_people_sign_themselves_up_as_entrepreneurs_or_mentors_only(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)

    # Ana signs up as both an entrepreneur and a mentor: one account with both roles.
    ana_id, _ = accounts.sign_up(
        email="Ana@Acme.example ", name="Ana", password=PASSWORD,
        roles=[Role.ENTREPRENEUR, Role.MENTOR], locale="es", actor=SIGN_UP,
    )
    ana = accounts.get_member(ana_id)
    assert ana.roles == {Role.ENTREPRENEUR, Role.MENTOR}
    assert ana.locale == "es"
    assert not ana.email_verified
    # Her address is found however she types it.
    assert accounts.find_member_by_email("ana@acme.example") is not None

    # Nobody makes themselves staff, and everybody takes some role.
    for roles, problem in (
        ([Role.PROGRAMME_ADMIN], "only entrepreneur and mentor can be chosen at sign-up"),
        ([], "choose entrepreneur, mentor or both"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            accounts.sign_up(email="ben@acme.example", name="Ben", password=PASSWORD,
                             roles=roles, locale="en", actor=SIGN_UP)
        assert (refused.value.field, refused.value.problem) == ("roles", problem)
    assert accounts.find_member_by_email("ben@acme.example") is None


@pytest.mark.parametrize(("field", "change"), [
    ("email", {"email": "not-an-address"}),
    ("name", {"name": "  "}),
    ("password", {"password": "too short"}),
    ("locale", {"locale": "pt"}),
])
def test_a_sign_up_with_a_broken_detail_names_it(
    embedded_tenant: EmbeddedTenant, field: str, change: dict[str, str]
) -> None:
    details = {"email": "ana@acme.example", "name": "Ana", "password": PASSWORD, "locale": "en"}
    with pytest.raises(InvalidInputError) as refused:
        embedded_tenant.app(Accounts).sign_up(
            **{**details, **change}, roles=[Role.ENTREPRENEUR], actor=SIGN_UP
        )
    assert refused.value.field == field


def test_an_address_has_one_account_and_a_second_sign_up_reveals_nothing(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)

    # Someone signs up with Ana's address: they are answered as if it were new, but the id
    # they get leads to nobody, and Ana's account is untouched.
    stranger_id, _ = accounts.sign_up(
        email="ANA@acme.example", name="Not Ana", password=SOMEONE_ELSES_PASSWORD,
        roles=[Role.MENTOR], locale="en", actor=SIGN_UP,
    )
    assert stranger_id != ana.member_id
    with pytest.raises(NotFoundError):
        accounts.get_member(stranger_id)
    assert accounts.get_member(ana.member_id).roles == {Role.ENTREPRENEUR}
    with pytest.raises(NotSignedInError):
        accounts.sign_in(email="ana@acme.example", password=SOMEONE_ELSES_PASSWORD,
                         kind=SessionKind.BEARER, actor=SIGN_UP)

    # The CLI, which may know, is told plainly.
    with pytest.raises(ConflictError) as refused:
        accounts.create_member(email="ana@acme.example", name="Ana", password=PASSWORD,
                               roles=[Role.TENANT_ADMIN], locale="en", actor=OPERATOR)
    assert refused.value.field == "email"


def test_five_failed_sign_ins_lock_the_account_for_a_quarter_of_an_hour(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    embedded_tenant.member("Ana", Role.ENTREPRENEUR)

    def sign_in(password: str) -> None:
        accounts.sign_in(email="ana@acme.example", password=password, kind=SessionKind.COOKIE,
                         actor=SIGN_UP)

    for _ in range(5):
        with pytest.raises(NotSignedInError) as wrong:
            sign_in("a wrong password!")
        assert wrong.value.field == "password"

    # Now even the right password is refused, and she is told how long to wait.
    with pytest.raises(TooManyAttemptsError) as locked:
        sign_in(PASSWORD)
    assert locked.value.field == "email"
    assert locked.value.retry_after_seconds == 15 * 60

    embedded_tenant.clock.advance(minutes=15)
    sign_in(PASSWORD)

    # An unknown address is answered like a wrong password.
    with pytest.raises(NotSignedInError) as unknown:
        accounts.sign_in(email="nobody@acme.example", password=PASSWORD,
                         kind=SessionKind.BEARER, actor=SIGN_UP)
    assert unknown.value.field == "password"


def test_a_session_lasts_until_signed_out_or_expired(embedded_tenant: EmbeddedTenant) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)

    def sign_in(kind: SessionKind) -> str:
        return accounts.sign_in(email="ana@acme.example", password=PASSWORD, kind=kind,
                                actor=SIGN_UP).token

    bearer, cookie, other = (sign_in(kind) for kind in (
        SessionKind.BEARER, SessionKind.COOKIE, SessionKind.BEARER))

    # Signing out ends that session only.
    accounts.sign_out(accounts.authenticate(other).session_id, ana.actor())
    with pytest.raises(NotSignedInError):
        accounts.authenticate(other)
    assert accounts.authenticate(bearer).member_id == ana.member_id

    # A page's cookie session lasts two weeks, an API token thirty days.
    embedded_tenant.clock.advance(days=15)
    with pytest.raises(NotSignedInError):
        accounts.authenticate(cookie)
    assert accounts.authenticate(bearer).member_id == ana.member_id
    embedded_tenant.clock.advance(days=15)
    with pytest.raises(NotSignedInError) as expired:
        accounts.authenticate(bearer)
    assert expired.value.field == "authorization"


def test_staff_change_the_roles_only_of_members_they_outrank(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    pia = embedded_tenant.member("Pia", Role.PROGRAMME_ADMIN)
    paul = embedded_tenant.member("Paul", Role.PROGRAMME_ADMIN)
    tess = embedded_tenant.member("Tess", Role.TENANT_ADMIN)

    # A programme admin makes Ana a mentor too.
    accounts.change_roles(ana.member_id, [Role.ENTREPRENEUR, Role.MENTOR], "She volunteered.",
                          pia.actor())
    assert accounts.get_member(ana.member_id).roles == {Role.ENTREPRENEUR, Role.MENTOR}

    # A peer, a higher rank, and oneself are out of reach.
    for target, staff in ((paul, pia), (tess, pia), (pia, pia), (tess, tess)):
        with pytest.raises(ForbiddenError) as refused:
            accounts.change_roles(target.member_id, [Role.ENTREPRENEUR], "Demotion.",
                                  staff.actor())
        assert refused.value.field == "memberId"

    # The tenant admin outranks programme admins; the platform's operators outrank everyone.
    accounts.change_roles(paul.member_id, [Role.AUDITOR], "Moved to audit.", tess.actor())
    accounts.change_roles(tess.member_id, [Role.TENANT_ADMIN, Role.AUDITOR], "Both.", OPERATOR)
    assert accounts.get_member(paul.member_id).roles == {Role.AUDITOR}
    assert accounts.get_member(tess.member_id).roles == {Role.TENANT_ADMIN, Role.AUDITOR}


def test_a_suspended_member_can_neither_sign_in_nor_use_their_sessions_until_reinstated(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts, moderation = embedded_tenant.app(Accounts), embedded_tenant.app(Moderation)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    token = accounts.sign_in(email="ana@acme.example", password=PASSWORD,
                             kind=SessionKind.BEARER, actor=SIGN_UP).token
    pia = embedded_tenant.member("Pia", Role.PROGRAMME_ADMIN)

    moderation.suspend_member(ana.member_id, "Spam.", pia.actor(),
                              embedded_tenant.app(Mentoring))
    with pytest.raises(ForbiddenError) as suspended:
        accounts.authenticate(token)
    assert suspended.value.field == "status"
    with pytest.raises(ForbiddenError):
        accounts.sign_in(email="ana@acme.example", password=PASSWORD,
                         kind=SessionKind.BEARER, actor=SIGN_UP)

    moderation.reinstate(ana.member_id, "Appeal upheld.", pia.actor())
    assert accounts.authenticate(token).member_id == ana.member_id


def test_a_member_speaks_one_of_the_interface_languages(embedded_tenant: EmbeddedTenant) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    accounts.change_locale(ana.member_id, "fr", ana.actor())
    assert accounts.get_member(ana.member_id).locale == "fr"
    with pytest.raises(InvalidInputError) as refused:
        accounts.change_locale(ana.member_id, "de", ana.actor())
    assert refused.value.field == "locale"


def link(accounts: Accounts, purpose: str, member_id: UUID, nonce: str = "") -> str:
    """The link's token as the mailer mints it when it sends the mail."""
    lifetime = VERIFICATION_LIFETIME if purpose == VERIFY_EMAIL else RESET_LIFETIME
    return accounts.tokens.sign(LinkToken(
        purpose=purpose, member_id=member_id, nonce=nonce,
        expires_at=accounts.clock() + lifetime,
    ))


def test_an_address_is_verified_by_its_link_and_then_needs_no_more_mail(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    token = link(accounts, VERIFY_EMAIL, ana.member_id)
    accounts.request_verification_mail(ana.member_id, ana.actor())

    # A reset link does not verify an address.
    with pytest.raises(InvalidInputError) as wrong_purpose:
        accounts.verify_email(link(accounts, PASSWORD_RESET, ana.member_id), SIGN_UP)
    assert wrong_purpose.value.field == "token"

    accounts.verify_email(token, SIGN_UP)
    accounts.verify_email(token, SIGN_UP)  # a second click changes nothing
    assert accounts.get_member(ana.member_id).email_verified
    with pytest.raises(ConflictError) as verified:
        accounts.request_verification_mail(ana.member_id, ana.actor())
    assert verified.value.field == "emailVerified"


def test_a_reset_link_works_once_within_the_hour_and_ends_every_session(
    embedded_tenant: EmbeddedTenant,
) -> None:
    accounts = embedded_tenant.app(Accounts)
    ana = embedded_tenant.member("Ana", Role.ENTREPRENEUR)
    session = accounts.sign_in(email="ana@acme.example", password=PASSWORD,
                               kind=SessionKind.BEARER, actor=SIGN_UP).token

    def reset_link() -> str:
        accounts.request_password_reset("ana@acme.example", SIGN_UP)
        nonce = accounts.tokens.reset_nonce(ana.member_id, embedded_tenant.clock())
        return link(accounts, PASSWORD_RESET, ana.member_id, nonce)

    token = reset_link()
    accounts.reset_password(token, NEW_PASSWORD, SIGN_UP)
    with pytest.raises(NotSignedInError):
        accounts.authenticate(session)
    accounts.sign_in(email="ana@acme.example", password=NEW_PASSWORD, kind=SessionKind.BEARER,
                     actor=SIGN_UP)
    # The mail reached her, so her address counts as verified.
    assert accounts.get_member(ana.member_id).email_verified

    with pytest.raises(InvalidInputError) as used:
        accounts.reset_password(token, PASSWORD, SIGN_UP)
    assert used.value.field == "token"

    embedded_tenant.clock.advance(minutes=5)
    late = reset_link()
    embedded_tenant.clock.advance(minutes=61)
    with pytest.raises(InvalidInputError) as expired:
        accounts.reset_password(late, PASSWORD, SIGN_UP)
    assert expired.value.field == "token"
    assert "expired" in expired.value.problem
