"""Account mail: which member events ask for mail, and its words in the five interface languages.

    Member.SignedUp, Member.VerificationMailRequested -> verify_email (link: /verify-email)
    Member.PasswordResetRequested                     -> password_reset (link: /reset-password)
    Member.SignUpAttempted (when it says `mail`)      -> sign_up_attempt (link: /sign-in)

The last tells an address's owner that someone signed up with it: the sign-up itself was
answered as for a new address, so that it tells nobody who is a member.

The link's token is minted when the mail is sent, from what the event recorded (its expiry and,
for resets, the moment of the request, from which the nonce is derived with the stream's
secret), so no token or nonce is ever stored. Mail that is no longer needed when its turn
comes (address already verified, link expired or used, member suspended or erased) is dropped.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from infra.mail.message import MailContent, Recipient, format_moment
from infra.mail.outbox import DueMail, QueuedMail
from infra.mail.sources import MailContext
from services.accounts.application import VERIFICATION_LIFETIME, Accounts
from services.accounts.domain import Member
from services.accounts.tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkToken, used_link_digest
from services.personal_data import ERASED_TEXT

__all__ = ["ACCOUNT_MAIL", "SIGN_UP_ATTEMPT", "AccountMail"]

SIGN_UP_ATTEMPT = "sign_up_attempt"

_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    VERIFY_EMAIL: {
        "en": {
            "subject": "Confirm your e-mail address for {product}",
            "greeting": "Hello {name},",
            "body": "Please confirm that this is your e-mail address by opening the link below.",
            "action": "Confirm my e-mail address",
            "expiry": "The link works until {expires}.",
            "ignore": "If you did not sign up for {product}, you can ignore this message.",
        },
        "es": {
            "subject": "Confirma tu dirección de correo electrónico en {product}",
            "greeting": "Hola, {name}:",
            "body": "Confirma que esta es tu dirección de correo electrónico abriendo el "
                    "enlace de abajo.",
            "action": "Confirmar mi correo electrónico",
            "expiry": "El enlace funciona hasta el {expires}.",
            "ignore": "Si no te registraste en {product}, puedes ignorar este mensaje.",
        },
        "fr": {
            "subject": "Confirmez votre adresse e-mail pour {product}",
            "greeting": "Bonjour {name},",
            "body": "Veuillez confirmer qu'il s'agit bien de votre adresse e-mail en ouvrant "
                    "le lien ci-dessous.",
            "action": "Confirmer mon adresse e-mail",
            "expiry": "Le lien est valable jusqu'au {expires}.",
            "ignore": "Si vous ne vous êtes pas inscrit sur {product}, ignorez ce message.",
        },
        "ar": {
            "subject": "أكّد عنوان بريدك الإلكتروني في {product}",
            "greeting": "مرحبًا {name}،",
            "body": "يُرجى تأكيد أن هذا هو عنوان بريدك الإلكتروني بفتح الرابط أدناه.",
            "action": "تأكيد بريدي الإلكتروني",
            "expiry": "يعمل الرابط حتى {expires}.",
            "ignore": "إذا لم تقم بالتسجيل في {product}، يمكنك تجاهل هذه الرسالة.",
        },
        "id": {
            "subject": "Konfirmasi alamat email Anda untuk {product}",
            "greeting": "Halo {name},",
            "body": "Silakan konfirmasi bahwa ini adalah alamat email Anda dengan membuka "
                    "tautan di bawah.",
            "action": "Konfirmasi email saya",
            "expiry": "Tautan ini berlaku hingga {expires}.",
            "ignore": "Jika Anda tidak mendaftar di {product}, abaikan pesan ini.",
        },
    },
    PASSWORD_RESET: {
        "en": {
            "subject": "Reset your {product} password",
            "greeting": "Hello {name},",
            "body": "Someone (hopefully you) asked to reset the password of your {product} "
                    "account. Open the link below to choose a new one.",
            "action": "Choose a new password",
            "expiry": "The link works once, until {expires}. Choosing a new password signs "
                      "you out everywhere.",
            "ignore": "If you did not ask for this, ignore this message: your password stays "
                      "as it is.",
        },
        "es": {
            "subject": "Restablece tu contraseña de {product}",
            "greeting": "Hola, {name}:",
            "body": "Alguien (esperamos que tú) pidió restablecer la contraseña de tu cuenta "
                    "de {product}. Abre el enlace de abajo para elegir una nueva.",
            "action": "Elegir una contraseña nueva",
            "expiry": "El enlace funciona una sola vez, hasta el {expires}. Al elegir una "
                      "contraseña nueva se cerrarán todas tus sesiones.",
            "ignore": "Si no lo pediste, ignora este mensaje: tu contraseña no cambia.",
        },
        "fr": {
            "subject": "Réinitialisez votre mot de passe {product}",
            "greeting": "Bonjour {name},",
            "body": "Quelqu'un (vous, nous l'espérons) a demandé à réinitialiser le mot de "
                    "passe de votre compte {product}. Ouvrez le lien ci-dessous pour en choisir "
                    "un nouveau.",
            "action": "Choisir un nouveau mot de passe",
            "expiry": "Le lien ne fonctionne qu'une fois, jusqu'au {expires}. Choisir un "
                      "nouveau mot de passe ferme toutes vos sessions.",
            "ignore": "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe "
                      "reste inchangé.",
        },
        "ar": {
            "subject": "أعد تعيين كلمة مرور {product}",
            "greeting": "مرحبًا {name}،",
            "body": "طلب شخص ما (نأمل أن تكون أنت) إعادة تعيين كلمة مرور حسابك في {product}. "
                    "افتح الرابط أدناه لاختيار كلمة مرور جديدة.",
            "action": "اختيار كلمة مرور جديدة",
            "expiry": "يعمل الرابط مرة واحدة فقط حتى {expires}. اختيار كلمة مرور جديدة يُنهي "
                      "جميع جلساتك.",
            "ignore": "إذا لم تطلب ذلك، تجاهل هذه الرسالة: ستبقى كلمة مرورك كما هي.",
        },
        "id": {
            "subject": "Atur ulang kata sandi {product} Anda",
            "greeting": "Halo {name},",
            "body": "Seseorang (semoga Anda) meminta untuk mengatur ulang kata sandi akun "
                    "{product} Anda. Buka tautan di bawah untuk memilih kata sandi baru.",
            "action": "Pilih kata sandi baru",
            "expiry": "Tautan ini hanya berlaku sekali, hingga {expires}. Memilih kata sandi "
                      "baru akan mengeluarkan Anda dari semua sesi.",
            "ignore": "Jika Anda tidak memintanya, abaikan pesan ini: kata sandi Anda tetap "
                      "sama.",
        },
    },
}

_ATTEMPT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Someone tried to sign up for {product} with your address",
        "greeting": "Hello {name},",
        "body": "Someone has just tried to create a {product} account with this e-mail "
                "address. You already have an account, so no new one was made.",
        "hint": "If it was you, sign in with your password. If you have forgotten it, you can "
                "choose a new one here: {reset}",
        "action": "Sign in",
        "ignore": "If it was not you, ignore this message: nothing has changed in your account.",
    },
    "es": {
        "subject": "Alguien intentó registrarse en {product} con tu dirección",
        "greeting": "Hola, {name}:",
        "body": "Alguien acaba de intentar crear una cuenta de {product} con esta dirección de "
                "correo electrónico. Ya tienes una cuenta, así que no se ha creado ninguna nueva.",
        "hint": "Si fuiste tú, inicia sesión con tu contraseña. Si la olvidaste, puedes elegir "
                "una nueva aquí: {reset}",
        "action": "Iniciar sesión",
        "ignore": "Si no fuiste tú, ignora este mensaje: tu cuenta no ha cambiado.",
    },
    "fr": {
        "subject": "Quelqu'un a tenté de s'inscrire sur {product} avec votre adresse",
        "greeting": "Bonjour {name},",
        "body": "Quelqu'un vient de tenter de créer un compte {product} avec cette adresse "
                "e-mail. Vous avez déjà un compte : aucun nouveau compte n'a été créé.",
        "hint": "Si c'était vous, connectez-vous avec votre mot de passe. Si vous l'avez oublié, "
                "vous pouvez en choisir un nouveau ici : {reset}",
        "action": "Se connecter",
        "ignore": "Si ce n'était pas vous, ignorez ce message : rien n'a changé dans votre "
                  "compte.",
    },
    "ar": {
        "subject": "حاول شخص ما التسجيل في {product} باستخدام عنوانك",
        "greeting": "مرحبًا {name}،",
        "body": "حاول شخص ما للتو إنشاء حساب في {product} باستخدام عنوان البريد الإلكتروني هذا. "
                "لديك حساب بالفعل، لذلك لم يُنشأ حساب جديد.",
        "hint": "إذا كنت أنت، فسجّل الدخول بكلمة مرورك. إذا نسيتها، يمكنك اختيار كلمة مرور جديدة "
                "من هنا: {reset}",
        "action": "تسجيل الدخول",
        "ignore": "إذا لم تكن أنت، تجاهل هذه الرسالة: لم يتغير شيء في حسابك.",
    },
    "id": {
        "subject": "Seseorang mencoba mendaftar di {product} dengan alamat Anda",
        "greeting": "Halo {name},",
        "body": "Seseorang baru saja mencoba membuat akun {product} dengan alamat email ini. "
                "Anda sudah memiliki akun, jadi tidak ada akun baru yang dibuat.",
        "hint": "Jika itu Anda, masuklah dengan kata sandi Anda. Jika Anda lupa, Anda dapat "
                "memilih kata sandi baru di sini: {reset}",
        "action": "Masuk",
        "ignore": "Jika itu bukan Anda, abaikan pesan ini: tidak ada yang berubah di akun Anda.",
    },
}

_PATHS = {VERIFY_EMAIL: "/verify-email", PASSWORD_RESET: "/reset-password"}


class AccountMail:
    """The mail source of accounts (see `infra.mail.sources.MailSource`)."""

    topics: tuple[str, ...] = (
        get_topic(Member.SignedUp),
        get_topic(Member.VerificationMailRequested),
        get_topic(Member.PasswordResetRequested),
        get_topic(Member.SignUpAttempted),
    )
    kinds: tuple[str, ...] = (VERIFY_EMAIL, PASSWORD_RESET, SIGN_UP_ATTEMPT)

    def derive(self, event: DomainEventProtocol[UUID], notification_id: int) -> list[QueuedMail]:
        if isinstance(event, Member.SignedUp):
            expires_at = event.timestamp + VERIFICATION_LIFETIME
            return [_queued(notification_id, VERIFY_EMAIL, event, expires_at)]
        if isinstance(event, Member.VerificationMailRequested):
            return [_queued(notification_id, VERIFY_EMAIL, event, event.expires_at)]
        if isinstance(event, Member.PasswordResetRequested):
            return [_queued(
                notification_id, PASSWORD_RESET, event, event.expires_at,
                requested_at=event.requested_at, nonce=event.nonce,
            )]
        if isinstance(event, Member.SignUpAttempted) and event.mail:
            return [QueuedMail(notification_id=notification_id, kind=SIGN_UP_ATTEMPT,
                               member_id=event.originator_id, payload={})]
        return []

    def compose(
        self, mail: DueMail, context: MailContext
    ) -> tuple[Recipient, MailContent] | None:
        accounts = context.application(Accounts)
        member = accounts.find(mail.member_id, Member)
        if mail.kind == SIGN_UP_ATTEMPT:
            return _attempt_told(member, context)
        expires_at = datetime.fromisoformat(mail.payload["expiresAt"])
        if member is None:
            return None
        nonce = _reset_nonce(mail, member, accounts) if mail.kind == PASSWORD_RESET else ""
        if (
            member.suspended or member.email == ERASED_TEXT
            or context.now >= expires_at
            or (mail.kind == VERIFY_EMAIL and member.email_verified)
            or (mail.kind == PASSWORD_RESET and used_link_digest(nonce) in member.used_reset_links)
        ):
            return None
        token = accounts.tokens.sign(LinkToken(
            purpose=mail.kind, member_id=member.id, expires_at=expires_at, nonce=nonce
        ))
        locale = member.locale if member.locale in _TEXTS[mail.kind] else "en"
        words = _TEXTS[mail.kind][locale]
        values = {
            "product": context.tenant.branding.product_name, "name": member.name,
            "expires": format_moment(expires_at, locale, context.tenant.time_zone),
        }
        content = MailContent(
            locale=locale,
            subject=words["subject"].format(**values),
            greeting=words["greeting"].format(**values),
            paragraphs=(words["body"].format(**values),),
            action_label=words["action"],
            action_url=context.link(f"{_PATHS[mail.kind]}?token={token}"),
            small_print=(words["expiry"].format(**values), words["ignore"].format(**values)),
        )
        return Recipient(name=member.name, address=member.email), content


def _reset_nonce(mail: DueMail, member: Member, accounts: Accounts) -> str:
    """The reset link's nonce: derived from the request (mail queued before nonces were kept
    out of the log carries the event's own)."""
    if "nonce" in mail.payload:
        return mail.payload["nonce"]
    requested_at = datetime.fromisoformat(mail.payload["requestedAt"])
    return accounts.tokens.reset_nonce(member.id, requested_at)


def _attempt_told(
    member: Member | None, context: MailContext
) -> tuple[Recipient, MailContent] | None:
    if member is None or member.suspended or member.erased or member.email == ERASED_TEXT:
        return None
    locale = member.locale if member.locale in _ATTEMPT_TEXTS else "en"
    words = _ATTEMPT_TEXTS[locale]
    values = {"product": context.tenant.branding.product_name, "name": member.name,
              "reset": context.link("/forgot-password")}
    content = MailContent(
        locale=locale,
        subject=words["subject"].format(**values),
        greeting=words["greeting"].format(**values),
        paragraphs=(words["body"].format(**values), words["hint"].format(**values)),
        action_label=words["action"],
        action_url=context.link("/sign-in"),
        small_print=(words["ignore"].format(**values),),
    )
    return Recipient(name=member.name, address=member.email), content


def _queued(
    notification_id: int, kind: str, event: DomainEventProtocol[UUID], expires_at: datetime,
    requested_at: datetime | None = None, nonce: str = "",
) -> QueuedMail:
    payload = {"expiresAt": expires_at.isoformat()}
    if requested_at is not None:
        payload["requestedAt"] = requested_at.isoformat()
    if nonce:  # a request recorded before nonces were derived
        payload["nonce"] = nonce
    return QueuedMail(
        notification_id=notification_id, kind=kind, member_id=event.originator_id,
        payload=payload,
    )


ACCOUNT_MAIL = AccountMail()
