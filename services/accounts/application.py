"""Accounts: sign-up, sign-in and sessions, roles. Every endpoint's caller comes from here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from infra.eventstore.streams import EventStream
from infra.settings import Settings
from services.accounts.domain import (
    SELF_SERVICE_ROLES,
    Member,
    Role,
    Session,
    SessionKind,
    normalise_email,
)
from services.actor import Actor
from services.application import TenantApplication
from services.errors import ConflictError, ForbiddenError, InvalidInputError, IthacaError

__all__ = ["Accounts", "Caller", "NotSignedInError", "SignedIn"]

SESSION_LIFETIME = {SessionKind.BEARER: timedelta(days=30), SessionKind.COOKIE: timedelta(days=14)}
_EMAIL_MAX = 254
_PASSWORD_MIN, _PASSWORD_MAX = 10, 200


class NotSignedInError(IthacaError):
    """No current session: missing, unknown, expired or ended token (401)."""

    status_code = 401


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


class Accounts(TenantApplication):
    name = "accounts"

    def __init__(self, stream: EventStream, settings: Settings | None = None) -> None:
        super().__init__(stream, settings)
        self.hasher = PasswordHasher(
            time_cost=self.settings.password_hash_time_cost,
            memory_cost=self.settings.password_hash_memory_kib,
        )
        # Unknown addresses are checked against this, so they take as long as known ones.
        self._decoy_hash = self.hasher.hash("not a password of anyone's")

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
        if session is None or not session.is_current(datetime.now(UTC)):
            raise NotSignedInError("the session is unknown, expired or signed out")
        member = self.get_member(session.member_id)
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
    ) -> tuple[Member, int]:
        email = _valid_email(email)
        if not 1 <= len(name.strip()) <= 120:
            raise InvalidInputError("must be 1 to 120 characters", field="name")
        _check_password(password)
        if not roles:
            raise InvalidInputError("choose entrepreneur, mentor or both", field="roles")
        if not set(roles) <= SELF_SERVICE_ROLES:
            raise InvalidInputError(
                "only entrepreneur and mentor can be chosen at sign-up", field="roles"
            )
        member_id = self.member_id_for(email)
        if member_id in self.repository:
            raise _duplicate_email()
        member = Member._create(
            Member.SignedUp, id=member_id, email=email, name=name.strip(),
            password_hash=self.hasher.hash(password), roles=sorted(set(roles)), locale=locale,
            actor=actor,
        )
        try:
            position = self.record(member)
        except Exception as error:
            if member_id in self.repository:  # a racing sign-up with the same address won
                raise _duplicate_email() from error
            raise
        return member, position

    def sign_in(
        self, *, email: str, password: str, kind: SessionKind, actor: Actor
    ) -> SignedIn:
        member = self.find_member_by_email(email)
        if member is None:
            self._verify(self._decoy_hash, password)
            raise NotSignedInError("the e-mail address or the password is wrong")
        if not self._verify(member.password_hash, password):
            self.retrying(lambda: self._record_failure(member.id, actor))
            raise NotSignedInError("the e-mail address or the password is wrong")
        if member.suspended:
            raise ForbiddenError("this account is suspended", field="status")
        token = Session.new_token()
        expires_at = datetime.now(UTC) + SESSION_LIFETIME[kind]
        session = Session._create(
            Session.Started, id=Session.create_id(token), member_id=member.id, kind=kind,
            expires_at=expires_at, actor=actor,
        )
        position = self.record(session)
        return SignedIn(member_id=member.id, token=token, expires_at=expires_at, position=position)

    def sign_out(self, session_id: UUID, actor: Actor) -> int:
        def command() -> int:
            session = self.get(session_id, Session, field="session")
            if session.ended:
                return self.position
            session.end(reason="signed out", actor=actor)
            return self.record(session)

        return self.retrying(command)

    def change_roles(
        self, member_id: UUID, roles: list[Role], reason: str, actor: Actor
    ) -> int:
        def command() -> int:
            member = self.get_member(member_id)
            member.change_roles(roles=sorted(set(roles)), reason=reason, actor=actor)
            return self.record(member)

        return self.retrying(command)

    # ----------------------------------------------------------------------------------------

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _record_failure(self, member_id: UUID, actor: Actor) -> int:
        member = self.get_member(member_id)
        member.fail_sign_in(at=datetime.now(UTC), actor=actor)
        return self.record(member)


def _duplicate_email() -> IthacaError:
    return ConflictError("an account with this e-mail address already exists", field="email")


def _valid_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > _EMAIL_MAX or " " in email:
        raise InvalidInputError(f"'{email}' is not an e-mail address", field="email")
    return email


def _check_password(password: str) -> None:
    if not _PASSWORD_MIN <= len(password) <= _PASSWORD_MAX:
        raise InvalidInputError(
            f"must be {_PASSWORD_MIN} to {_PASSWORD_MAX} characters", field="password"
        )
