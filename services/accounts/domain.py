"""Members of a tenant and their sign-in sessions.

A member's id is derived from a keyed digest of their normalised e-mail address (keyed with the
tenant stream's secret), so a second sign-up with the same address collides on the stream's
primary key and a look-up by address needs no read model, while the id reveals nothing about the
address. The address, the name and the password hash are personal data, sealed with the member's
own key.

A session's id is derived from a digest of its token: presenting the token finds the session,
and the token itself is never stored. A password change starts a new session generation: the
sessions of earlier generations stop authenticating, with no list of sessions to walk.

Mail is derived from events: `SignedUp` and `VerificationMailRequested` send the verification
mail, `PasswordResetRequested` the reset mail (see `services.accounts.mail`).

An erased member (`Erased`, recorded with the privacy context's erasure certificate) stays in
the log with their personal fields unreadable; they can no longer sign in, every session they had
stops authenticating, and nothing more can be recorded about them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.actor import Actor
from services.errors import ConflictError, ForbiddenError, InvalidInputError
from services.personal_data import PersonalText
from services.tokens import used_link_digest

__all__ = [
    "Member",
    "MemberStatus",
    "Role",
    "Session",
    "SessionKind",
    "check_email",
    "check_password",
    "normalise_email",
    "outranks",
]

_NAMESPACE = UUID("3c1e4b1a-98a7-4d63-8a8b-5f3e8e0f9b42")
_EMAIL_MAX = 254
_PASSWORD_MIN, _PASSWORD_MAX = 10, 200


class Role(StrEnum):
    """A member's roles in one tenant; one person may hold several (entrepreneur and mentor)."""

    ENTREPRENEUR = "entrepreneur"
    MENTOR = "mentor"
    PROGRAMME_ADMIN = "programme_admin"
    TENANT_ADMIN = "tenant_admin"
    AUDITOR = "auditor"

    @property
    def rank(self) -> int:
        """Who may act on whom: staff act only on members they outrank (`outranks`)."""
        return _RANKS[self]


_RANKS = {
    Role.ENTREPRENEUR: 0, Role.MENTOR: 0,
    # Auditors rank with programme admins: whoever they audit cannot suspend or erase them.
    Role.AUDITOR: 2, Role.PROGRAMME_ADMIN: 2,
    Role.TENANT_ADMIN: 3,
}


def outranks(staff: Iterable[Role], member: Iterable[Role]) -> bool:
    """Whether the highest of `staff`'s roles ranks above every one of `member`'s. Peers do
    not act on each other, nor on themselves: a tenant admin is answered for by the platform's
    operators."""
    return max((role.rank for role in staff), default=0) > max(
        (role.rank for role in member), default=0)


SELF_SERVICE_ROLES = frozenset({Role.ENTREPRENEUR, Role.MENTOR})
"""Roles a person may take at sign-up; the others are granted by a tenant admin."""


class MemberStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ERASED = "erased"


class SessionKind(StrEnum):
    BEARER = "bearer"  # API clients: Authorization: Bearer <token>
    COOKIE = "cookie"  # pages: a secure, HTTP-only cookie


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The address normalised, when it looks like one."""
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > _EMAIL_MAX or " " in email:
        raise InvalidInputError("'%(email)s' is not an e-mail address", field="email",
                                values={"email": email})
    return email


def check_password(password: str) -> None:
    if not _PASSWORD_MIN <= len(password) <= _PASSWORD_MAX:
        raise InvalidInputError(
            "must be %(least)s to %(most)s characters", field="password",
            values={"least": _PASSWORD_MIN, "most": _PASSWORD_MAX},
        )


class Member(Aggregate):
    """A person in a tenant: how they sign in, which roles they hold, whether they may act."""

    class SignedUp(Aggregate.Created):
        email: PersonalText
        name: PersonalText
        password_hash: PersonalText
        roles: list[Role]
        locale: str
        actor: Actor

    class EmailVerified(Aggregate.Event):
        actor: Actor

    class PasswordChanged(Aggregate.Event):
        password_hash: PersonalText
        actor: Actor
        reset_nonce: str = ""
        """The nonce of the reset link used, in changes recorded before nonces were kept out of
        the log; later changes record `used_reset_link` instead."""
        used_reset_link: str = ""
        """A digest of the nonce of the reset link used (`tokens.used_link_digest`)."""

    class VerificationMailRequested(Aggregate.Event):
        """The member asked for the verification mail again."""

        expires_at: datetime
        actor: Actor

    class PasswordResetRequested(Aggregate.Event):
        """Someone asked for a password-reset mail to the member's address."""

        nonce: str
        """Empty since nonces are derived (`TokenSigner.reset_nonce`); older requests kept it."""
        requested_at: datetime
        expires_at: datetime
        actor: Actor

    class SignUpAttempted(Aggregate.Event):
        """Someone signed up with the member's address; the answer was as for a new address.
        `mail`: whether the address's owner is told (not again within a short interval)."""

        at: datetime
        mail: bool
        actor: Actor

    class RolesChanged(Aggregate.Event):
        roles: list[Role]
        reason: str
        actor: Actor

    class LocaleChanged(Aggregate.Event):
        locale: str
        actor: Actor

    class SignInFailed(Aggregate.Event):
        at: datetime
        actor: Actor

    # Declared like a tenant's suspension and reinstatement (tenants.domain.Tenant), apart:
    # events are stored topics, each with its own schema.
    class Suspended(Aggregate.Event):
        reason: str
        actor: Actor

    class Reinstated(Aggregate.Event):
        reason: str
        actor: Actor

    class Erased(Aggregate.Event):
        """The member's personal data was erased; `certificate_id` names the erasure
        certificate (services.privacy). Carries no personal data."""

        certificate_id: UUID
        actor: Actor

    @staticmethod
    def create_id(email: str, stream_secret: bytes) -> UUID:
        digest = hmac.new(stream_secret, normalise_email(email).encode(), hashlib.sha256)
        return uuid5(_NAMESPACE, "member/" + digest.hexdigest())

    @staticmethod
    def unrelated_id() -> UUID:
        """An id shaped like a member's that leads to nobody: what a sign-up with an address
        already taken answers (a member's own id would tie the address to a profile)."""
        return uuid5(_NAMESPACE, "member/" + secrets.token_hex(32))

    @event(SignedUp)
    def __init__(
        self, id: UUID, email: str, name: str, password_hash: str, roles: list[Role],
        locale: str, actor: Actor,
    ) -> None:
        # `id` is `create_id(email, stream_secret)`, given by the caller: the secret is the
        # stream's, not the member's (the library keeps the id).
        self.email, self.name, self.password_hash = email, name, password_hash
        self.roles = set(roles)
        self.locale = locale
        self.email_verified = False
        self.status = MemberStatus.ACTIVE
        self.failed_sign_ins: list[datetime] = []
        # Sessions started under an older generation no longer authenticate.
        self.session_generation = 0
        self.used_reset_links: set[str] = set()  # digests (`tokens.used_link_digest`)
        self.last_reset_requested_at: datetime | None = None
        self.last_sign_up_mail_at: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.status is MemberStatus.SUSPENDED

    @property
    def erased(self) -> bool:
        return self.status is MemberStatus.ERASED

    def refuse_unless_outranked_by(self, staff: Member) -> None:
        """Staff commands (roles, warnings, suspension, erasure) reach only members whose roles
        the staff member's outrank (`outranks`)."""
        if not outranks(staff.roles, self.roles):
            raise ForbiddenError(
                "your roles do not outrank this member's (%(roles)s)", field="memberId",
                values={"roles": ", ".join(sorted(self.roles))},
            )

    def refuse_if_erased(self) -> None:
        if self.erased:
            raise ConflictError("the member's account has been erased", field="memberId")

    @event(EmailVerified)
    def verify_email(self, actor: Actor) -> None:
        self.email_verified = True

    def recent_failures(self, now: datetime, window: timedelta) -> list[datetime]:
        return [at for at in self.failed_sign_ins if now - window < at <= now]

    @event(PasswordChanged)
    def change_password(
        self, password_hash: str, actor: Actor, reset_nonce: str = "", used_reset_link: str = ""
    ) -> None:
        self.password_hash = password_hash
        self.failed_sign_ins = []
        self.session_generation += 1
        if reset_nonce:
            self.used_reset_links.add(used_link_digest(reset_nonce))
        if used_reset_link:
            self.used_reset_links.add(used_reset_link)

    def request_verification_mail(self, expires_at: datetime, actor: Actor) -> None:
        if self.email_verified:
            raise ConflictError("the e-mail address is already verified", field="emailVerified")
        self._request_verification_mail(expires_at=expires_at, actor=actor)

    @event(VerificationMailRequested)
    def _request_verification_mail(self, expires_at: datetime, actor: Actor) -> None:
        pass

    @event(PasswordResetRequested)
    def request_password_reset(
        self, nonce: str, requested_at: datetime, expires_at: datetime, actor: Actor
    ) -> None:
        self.last_reset_requested_at = requested_at

    @event(SignUpAttempted)
    def note_sign_up_attempt(self, at: datetime, mail: bool, actor: Actor) -> None:
        if mail:
            self.last_sign_up_mail_at = at

    @event(RolesChanged)
    def change_roles(self, roles: list[Role], reason: str, actor: Actor) -> None:
        self.roles = set(roles)

    @event(LocaleChanged)
    def change_locale(self, locale: str, actor: Actor) -> None:
        self.locale = locale

    @event(SignInFailed)
    def fail_sign_in(self, at: datetime, actor: Actor) -> None:
        self.failed_sign_ins = [*self.failed_sign_ins[-9:], at]

    def suspend(self, reason: str, actor: Actor) -> None:
        self.refuse_if_erased()
        if self.suspended:
            raise ConflictError("the member is already suspended", field="status")
        self._suspend(reason=reason, actor=actor)

    @event(Suspended)
    def _suspend(self, reason: str, actor: Actor) -> None:
        self.status = MemberStatus.SUSPENDED

    def reinstate(self, reason: str, actor: Actor) -> None:
        if not self.suspended:
            raise ConflictError("the member is not suspended", field="status")
        self._reinstate(reason=reason, actor=actor)

    @event(Reinstated)
    def _reinstate(self, reason: str, actor: Actor) -> None:
        self.status = MemberStatus.ACTIVE

    def erase(self, certificate_id: UUID, actor: Actor) -> None:
        """Closes the account for good: no sign-in, no session (the generation moves on)."""
        self.refuse_if_erased()
        self._erase(certificate_id=certificate_id, actor=actor)

    @event(Erased)
    def _erase(self, certificate_id: UUID, actor: Actor) -> None:
        self.status = MemberStatus.ERASED
        self.session_generation += 1
        self.erased_by_certificate = certificate_id


class Session(Aggregate):
    """A signed-in session: started at sign-in, ended at sign-out or by expiry."""

    class Started(Aggregate.Created):
        member_id: UUID
        kind: SessionKind
        expires_at: datetime
        actor: Actor
        generation: int = 0
        """The member's session generation when it started (see Member.session_generation)."""

    class Ended(Aggregate.Event):
        reason: str
        actor: Actor

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def create_id(token: str) -> UUID:
        return uuid5(_NAMESPACE, "session/" + hashlib.sha256(token.encode()).hexdigest())

    @event(Started)
    def __init__(
        self, id: UUID, member_id: UUID, kind: SessionKind, expires_at: datetime, actor: Actor,
        generation: int = 0,
    ) -> None:
        # `id` is `create_id(token)`, given by the caller: the token itself is never recorded
        # (the library keeps the id).
        self.member_id, self.kind, self.expires_at = member_id, kind, expires_at
        self.generation = generation
        self.ended = False

    @event(Ended)
    def end(self, reason: str, actor: Actor) -> None:
        self.ended = True

    def is_current(self, now: datetime) -> bool:
        return not self.ended and now < self.expires_at
