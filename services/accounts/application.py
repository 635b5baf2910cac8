"""Accounts: sign-up, sign-in and sessions, roles, e-mail verification and password resets.
Every endpoint's caller comes from here.

Sign-in is throttled three ways: an account with `ACCOUNT_FAILURES` failed sign-ins (events on
the member) within `SIGN_IN_WINDOW` answers 429 until the window has passed, even to the right
password; an unknown address locks the same way (counted in memory, so a lock-out tells nothing
about whether an account exists); and a client address with `ADDRESS_FAILURES` failures in the
window is refused (counted in memory, per process: see `throttling`). Time comes from `clock`,
which tests replace.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.utils import get_topic

from infra.clock import Clock, system_clock
from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.domain import (
    SELF_SERVICE_ROLES,
    Member,
    Role,
    Session,
    SessionKind,
    check_email,
    check_password,
)
from services.accounts.throttling import (
    SIGN_IN_WINDOW,
    SignInLimits,
    TooManyAttemptsError,
    account_locked,
    refuse_if_account_locked,
)
from services.actor import Actor
from services.application import IdempotentCommand, TenantApplication
from services.errors import ConflictError, ForbiddenError, InvalidInputError, IthacaError
from services.tokens import (
    PASSWORD_RESET,
    VERIFY_EMAIL,
    LinkToken,
    used_link_digest,
)
from tenants.domain import INTERFACE_LOCALES

__all__ = [
    "RESET_LIFETIME",
    "VERIFICATION_LIFETIME",
    "Accounts",
    "Caller",
    "NotSignedInError",
    "SignedIn",
    "require_rank_over",
]

SESSION_LIFETIME = {SessionKind.BEARER: timedelta(days=30), SessionKind.COOKIE: timedelta(days=14)}
VERIFICATION_LIFETIME = timedelta(days=7)
"""How long the link in a verification mail works."""
RESET_LIFETIME = timedelta(hours=1)
"""How long the link in a password-reset mail works (once)."""
RESET_MAIL_INTERVAL = timedelta(minutes=2)
"""A second reset request within this time sends no second mail (no mail bombing)."""
SIGN_UP_MAIL_INTERVAL = timedelta(minutes=10)
"""Sign-ups with a taken address within this time of the last one that told its owner send no
second mail (no mail bombing)."""
RESET_ANSWER_SECONDS = 0.25
"""A reset request takes at least this long, whether or not the account exists."""
_SCAN_BATCH = 500


class NotSignedInError(IthacaError):
    """No current session: missing, unknown, expired or ended token (401); the credentials
    (`Authorization` or the session cookie) are what is wrong, unless a sign-in names another."""

    status_code = 401

    def __init__(self, problem: str, *, field: str = "authorization") -> None:
        super().__init__(problem, field=field)


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    """Who is asking, as every handler sees them."""

    member_id: UUID
    roles: frozenset[Role]
    session_id: UUID
    locale: str

    def actor(self, correlation_id: str = "", idempotency_key: str = "") -> Actor:
        return Actor(
            kind="member", id=str(self.member_id), correlation_id=correlation_id,
            idempotency_key=idempotency_key,
        )

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    member_id: UUID
    token: str
    expires_at: datetime
    position: int
    kind: SessionKind = SessionKind.BEARER


class Accounts(TenantApplication):
    name = "accounts"

    def __init__(
        self, stream: EventStream, settings: Settings | None = None, clock: Clock = system_clock
    ) -> None:
        super().__init__(stream, settings, clock)
        self.hasher = PasswordHasher(
            time_cost=self.settings.password_hash_time_cost,
            memory_cost=self.settings.password_hash_memory_kib,
        )
        # Unknown addresses are checked against this, so they take as long as known ones.
        self._decoy_hash = self.hasher.hash("not a password of anyone's")
        self.reset_answer_seconds = RESET_ANSWER_SECONDS

    # Queries --------------------------------------------------------------------------------

    def member_id_for(self, email: str) -> UUID:
        return Member.create_id(email, self.stream.personal_keys.stream_secret())

    def get_member(self, member_id: UUID) -> Member:
        return self.get(member_id, Member, field="memberId")

    def find_member_by_email(self, email: str) -> Member | None:
        return self.find(self.member_id_for(email), Member)

    def authenticate(self, token: str) -> Caller:
        """The caller a session token stands for; refuses suspended members."""
        session = self.find(Session.create_id(token), Session)
        if session is None or not session.is_current(self.clock()):
            raise NotSignedInError("the session is unknown, expired or signed out")
        member = self.get_member(session.member_id)
        # The generation moves on when the password changes or the account is erased.
        if session.generation != member.session_generation or member.erased:
            raise NotSignedInError("the session is unknown, expired or signed out")
        if member.suspended:
            raise ForbiddenError("this account is suspended", field="status")
        return Caller(
            member_id=member.id, roles=frozenset(member.roles), session_id=session.id,
            locale=member.locale,
        )

    # Commands -------------------------------------------------------------------------------

    def sign_up(
        self, *, email: str, name: str, password: str, roles: list[Role], locale: str,
        actor: Actor,
    ) -> tuple[UUID, int]:
        """A person signs themselves up (entrepreneur, mentor or both): answers the new
        member's id and the position reached.

        An address that already has an account is answered alike, so that sign-up tells
        nobody who is a member: the attempt is recorded on the account (`SignUpAttempted`), its
        owner is told by mail, and the id answered leads to nobody (`Member.unrelated_id`).
        Both paths hash the password and append once, so they take about as long."""
        if not roles:
            raise InvalidInputError("choose entrepreneur, mentor or both", field="roles")
        if not set(roles) <= SELF_SERVICE_ROLES:
            raise InvalidInputError(
                "only entrepreneur and mentor can be chosen at sign-up", field="roles"
            )
        try:
            member, position = self.create_member(
                email=email, name=name, password=password, roles=roles, locale=locale,
                actor=actor,
            )
        except _EmailTakenError:
            return Member.unrelated_id(), self.retrying(
                lambda: self._note_sign_up_attempt(email, actor))
        return member.id, position

    def create_member(
        self, *, email: str, name: str, password: str, roles: list[Role], locale: str,
        actor: Actor,
    ) -> tuple[Member, int]:
        """A member with any roles (the CLI bootstraps a tenant's first admin with it)."""
        email = check_email(email)
        if not 1 <= len(name.strip()) <= 120:
            raise InvalidInputError("must be 1 to 120 characters", field="name")
        check_password(password)
        if not roles:
            raise InvalidInputError("give the member at least one role", field="roles")
        _check_locale(locale)
        # Hashed first: a taken address costs the same time as a new one (see `sign_up`).
        password_hash = self.hasher.hash(password)
        member_id = self.member_id_for(email)
        if member_id in self.repository:
            raise _duplicate_email()
        member = Member(
            id=member_id, email=email, name=name.strip(),
            password_hash=password_hash, roles=sorted(set(roles)), locale=locale, actor=actor,
        )
        try:
            position = self.record(member)
        except Exception as error:
            if member_id in self.repository:  # a racing sign-up with the same address won
                raise _duplicate_email() from error
            raise
        return member, position

    def sign_in(
        self, *, email: str, password: str, kind: SessionKind, actor: Actor,
        client_address: str = "", limits: SignInLimits | None = None,
    ) -> SignedIn:
        """Starts a session. `limits` are the process's in-memory counts (per client address
        and per unknown address); without them only the account's own lock applies."""
        now = self.clock()
        address_key = (self.stream.name, client_address)
        if limits is not None and client_address:
            wait = limits.addresses.retry_after(address_key, now)
            if wait is not None:
                raise TooManyAttemptsError(
                    "too many failed sign-ins from this address; try again in %(minutes)s "
                    "minute(s)", field="address",
                    retry_after=wait,
                )
        member_id = self.member_id_for(email)
        member = self.find(member_id, Member)
        if member is not None and member.erased:
            member = None  # answered exactly as an unknown address: nothing is recorded
        if member is None:
            unknown_key = (self.stream.name, member_id.hex)
            wait = limits.unknown_accounts.retry_after(unknown_key, now) if limits else None
            if wait is not None:
                raise account_locked(wait)
            self._verify(self._decoy_hash, password)
            if limits is not None:
                limits.unknown_accounts.hit(unknown_key, now)
                if client_address:
                    limits.addresses.hit(address_key, now)
            raise NotSignedInError("the e-mail address or the password is wrong", field="password")
        refuse_if_account_locked(member.recent_failures(now, SIGN_IN_WINDOW), now)
        if not self._verify(member.password_hash, password):
            self.retrying(lambda: self._record_failure(member.id, now, actor))
            if limits is not None and client_address:
                limits.addresses.hit(address_key, now)
            raise NotSignedInError("the e-mail address or the password is wrong", field="password")
        if member.suspended:
            raise ForbiddenError("this account is suspended", field="status")
        token = Session.new_token()
        expires_at = now + SESSION_LIFETIME[kind]
        session = Session(
            id=Session.create_id(token), member_id=member.id, kind=kind,
            expires_at=expires_at, actor=actor, generation=member.session_generation,
        )
        position = self.record(session)
        return SignedIn(
            member_id=member.id, token=token, expires_at=expires_at, position=position, kind=kind
        )

    def sign_out(self, session_id: UUID, actor: Actor) -> int:
        def command() -> int:
            session = self.get(session_id, Session, field="session")
            if session.ended:
                return self.position
            session.end(reason="signed out", actor=actor)
            return self.record(session)

        return self.retrying(command)

    def end_sessions_exposed_in_kept_answers(self, actor: Actor) -> int:
        """Ends every session whose token an idempotency answer kept: sign-ins made with an
        `Idempotency-Key` before such answers stopped being kept had their token written into
        the log, where an auditor or an export's reader could take it. Run by `ithaca migrate`;
        running it again ends nothing more. Answers how many sessions it ended."""
        topics = [get_topic(IdempotentCommand.Answered), get_topic(IdempotentCommand.AnswerSealed)]
        ended, after = 0, 0
        while notifications := self.recorder.select_notifications(
            after, _SCAN_BATCH, topics=topics, inclusive_of_start=False
        ):
            after = notifications[-1].id
            for notification in notifications:
                answer = self.mapper.to_domain_event(notification)
                token = _token_in(getattr(answer, "body", None))
                session = self.find(Session.create_id(token), Session) if token else None
                if session is not None and not session.ended:
                    session.end(reason="its token was kept in the log; revoked", actor=actor)
                    self.record(session)
                    ended += 1
        return ended

    def change_roles(
        self, member_id: UUID, roles: list[Role], reason: str, actor: Actor
    ) -> int:
        def command() -> int:
            member = self.get_member(member_id)
            member.refuse_if_erased()
            require_rank_over(self, member, actor)
            member.change_roles(roles=sorted(set(roles)), reason=reason, actor=actor)
            return self.record(member)

        return self.retrying(command)

    def change_locale(self, member_id: UUID, locale: str, actor: Actor) -> int:
        """The member's interface language (pages, mail)."""
        _check_locale(locale)

        def command() -> int:
            member = self.get_member(member_id)
            member.refuse_if_erased()
            if member.locale == locale:
                return self.position
            member.change_locale(locale=locale, actor=actor)
            return self.record(member)

        return self.retrying(command)

    def verify_email(self, token: str, actor: Actor) -> int:
        """Marks the member's address verified; a token used twice changes nothing more."""
        claim = self.tokens.open(token, VERIFY_EMAIL, self.clock())

        def command() -> int:
            member = self._member_of(claim)
            if member.email_verified:
                return self.position
            member.verify_email(actor=actor)
            return self.record(member)

        return self.retrying(command)

    def request_verification_mail(self, member_id: UUID, actor: Actor) -> int:
        """Sends the verification mail again (409 once the address is verified)."""

        def command() -> int:
            member = self.get_member(member_id)
            member.refuse_if_erased()
            member.request_verification_mail(
                expires_at=self.clock() + VERIFICATION_LIFETIME, actor=actor
            )
            return self.record(member)

        return self.retrying(command)

    def request_password_reset(self, email: str, actor: Actor) -> None:
        """Queues a reset mail if an active account has this address; otherwise nothing. Either
        way the caller learns nothing, and waits about as long."""
        started = time.monotonic()
        try:
            email = check_email(email)
            self.retrying(lambda: self._request_reset(email, actor))
        finally:
            remaining = self.reset_answer_seconds - (time.monotonic() - started)
            if remaining > 0:
                time.sleep(remaining)

    def reset_password(self, token: str, password: str, actor: Actor) -> int:
        """Sets a new password through a reset link: once per link, before it expires. Every
        session of the member ends; the address counts as verified (the mail reached it)."""
        check_password(password)
        claim = self.tokens.open(token, PASSWORD_RESET, self.clock())
        password_hash = self.hasher.hash(password)

        def command() -> int:
            member = self._member_of(claim)
            used = used_link_digest(claim.nonce)
            if used in member.used_reset_links:
                raise InvalidInputError(
                    "this link has already been used; ask for a new one", field="token"
                )
            member.change_password(password_hash=password_hash, actor=actor, used_reset_link=used)
            if not member.email_verified:
                member.verify_email(actor=actor)
            return self.record(member)

        return self.retrying(command)

    def confirm_password(self, member_id: UUID, password: str, actor: Actor) -> Member:
        """The member, when `password` is theirs: a signed-in member confirms a grave command
        (erasing their account) with it. A wrong password counts towards the account's sign-in
        lock, as at sign-in."""
        member = self.get_member(member_id)
        member.refuse_if_erased()
        now = self.clock()
        refuse_if_account_locked(member.recent_failures(now, SIGN_IN_WINDOW), now)
        if not self._verify(member.password_hash, password):
            self.retrying(lambda: self._record_failure(member.id, now, actor))
            raise ForbiddenError("the password is wrong", field="password")
        return member

    # ----------------------------------------------------------------------------------------

    def _member_of(self, claim: LinkToken) -> Member:
        member = self.find(claim.member_id, Member)
        # None cannot happen for a token we signed, unless the stream was reset.
        if member is None or member.erased:
            raise InvalidInputError("this link is not valid; ask for a new one", field="token")
        return member

    def _request_reset(self, email: str, actor: Actor) -> int | None:
        member = self.find_member_by_email(email)
        if member is None or member.suspended or member.erased:
            return None
        now = self.clock()
        last = member.last_reset_requested_at
        if last is not None and now - last < RESET_MAIL_INTERVAL:
            return None
        # No nonce is recorded: the link's is derived from this request (`tokens.reset_nonce`).
        member.request_password_reset(
            nonce="", requested_at=now, expires_at=now + RESET_LIFETIME, actor=actor,
        )
        return self.record(member)

    def _note_sign_up_attempt(self, email: str, actor: Actor) -> int:
        member = self.get_member(self.member_id_for(email))
        now = self.clock()
        last = member.last_sign_up_mail_at
        mail = not member.erased and (last is None or now - last >= SIGN_UP_MAIL_INTERVAL)
        member.note_sign_up_attempt(at=now, mail=mail, actor=actor)
        return self.record(member)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _record_failure(self, member_id: UUID, at: datetime, actor: Actor) -> int:
        member = self.get_member(member_id)
        member.fail_sign_in(at=at, actor=actor)
        return self.record(member)


def require_rank_over(app: TenantApplication, member: Member, actor: Actor) -> None:
    """Refuses a staff command on `member` unless the member acting outranks them
    (`services.accounts.domain.outranks`), by their roles as recorded now. Operators and the CLI
    act for the platform, above every tenant role."""
    if actor.kind != "member":
        return
    staff = app.find(UUID(actor.id), Member)
    if staff is None or staff.id == member.id:
        raise ForbiddenError("you cannot do this to your own account", field="memberId")
    member.refuse_unless_outranked_by(staff)


class _EmailTakenError(ConflictError):
    """The address has an account: refused to whoever may know (the CLI, an operator), never
    told to someone signing up (`Accounts.sign_up`)."""


def _duplicate_email() -> IthacaError:
    return _EmailTakenError("an account with this e-mail address already exists", field="email")


def _token_in(answer_body: bytes | None) -> str | None:
    """The session token a kept sign-in answer quoted, if any."""
    try:
        answer = msgspec.json.decode(answer_body or b"null")
    except msgspec.DecodeError:
        return None
    token = answer.get("token") if isinstance(answer, dict) else None
    return token if isinstance(token, str) and token else None


def _check_locale(locale: str) -> None:
    if locale not in INTERFACE_LOCALES:
        raise InvalidInputError(
            "'%(locale)s' is not one of %(locales)s", field="locale",
            values={"locale": locale, "locales": ", ".join(INTERFACE_LOCALES)},
        )
