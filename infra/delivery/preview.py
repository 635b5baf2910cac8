"""Every kind of notification as a member would get it, for the tenant admin's preview: the
e-mail exactly as sent (`compose_message`), the SMS as the gateway gets it (shortened to two
segments with the link, its encoding and segment count) and the notification centre's line,
in any interface language, under the tenant's brand.

The words are each source's own (`DueWorkSource.texts`, translated from the catalogues), and
a nudge's subject and body are the tenant's own where its admins wrote them; what changes from
one member to the next is filled with samples that are plainly samples ("Ana
Example", a fixed date written the language's way, the tenant's product name, links on the
tenant's real address). A placeholder no sample answers is shown as `[name]` and listed in
`unfilled`: a new placeholder, or a translation that misspells one, shows up here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import msgspec

from infra.container import Ithaca
from infra.delivery.sms.segments import SmsEncoding, count_segments, fit_with_link
from infra.feature import Feature
from infra.mail.message import (
    RIGHT_TO_LEFT,
    MailContent,
    Recipient,
    compose_message,
    format_moment,
    tenant_link,
)
from infra.settings import Settings
from infra.translations import N_, translated, translations_for
from services.errors import InvalidInputError
from services.notifications.values import Category
from services.nudge_settings.application import Nudges, nudge_setting_in
from services.nudge_settings.values import NUDGES
from tenants.directory import TenantRecord
from tenants.domain import INTERFACE_LOCALES

__all__ = ["KindPreview", "NotificationKind", "notification_kinds", "preview", "tenant_preview"]

SAMPLE_NAME = "Ana Example"
SAMPLE_OTHER = "Ben Example"
SAMPLE_ADDRESS = "ana@example.org"
SAMPLE_INSTANT = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
SAMPLE_PATH = "/notifications"
_SAMPLES = {
    "name": SAMPLE_NAME, "other": SAMPLE_OTHER, "mentor": SAMPLE_OTHER,
    "member": "0f0e0d0c-0b0a-4908-8706-050403020100",
    "certificate": "01020304-0506-4708-890a-0b0c0d0e0f10",
    "count": "3", "days": "7", "minutes": "45", "months": "6", "code": "123456",
}
_SAMPLE_REASON = N_("Another reason")
"""A moderation warning's report category (the moderation pages' words)."""
_MOMENTS = ("when", "expires", "due")
_LINKS = ("link", "reset")
_OWN_PLACES = ("subject", "greeting", "action", "short")
_SMALL_PRINT = ("deadline", "expiry", "ignore", "why")
"""Parts that go in the small print; any other part is a paragraph, in the order given."""
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class NotificationKind(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str
    """A source's kind, or `kind:variant` for a kind worded another way (one side of it)."""
    category: Category
    source: str
    """The feature whose source tells it."""


class KindPreview(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str
    category: Category
    source: str
    locale: str
    direction: str
    """`rtl` for Arabic, else `ltr`."""
    subject: str
    text: str
    """The e-mail's plain text part."""
    html: str
    """The e-mail's HTML part, as sent."""
    sms: str
    sms_encoding: str
    """`GSM-7` or `UCS-2`."""
    sms_segments: int
    centre_line: str
    link: str
    unfilled: list[str]
    """Placeholders no sample answered (shown as `[name]`)."""


class _Samples(dict[str, str]):
    """Answers every `%(key)s`: known keys with a sample, others with `[key]` (noted)."""

    def __init__(self, known: dict[str, str]) -> None:
        super().__init__(known)
        self.unfilled: list[str] = []

    def __missing__(self, key: str) -> str:
        if key not in self.unfilled:
            self.unfilled.append(key)
        return f"[{key}]"


def notification_kinds(features: Sequence[Feature]) -> list[NotificationKind]:
    """Every kind a feature's sources tell members about (actions tell nobody: none)."""
    kinds = []
    for feature in features:
        for source in feature.due_work:
            for key in source.texts:
                category = source.kinds.get(key.partition(":")[0])
                if category is not None:
                    kinds.append(NotificationKind(kind=key, category=category,
                                                  source=feature.name))
    return kinds


def tenant_preview(ithaca: Ithaca, tenant: TenantRecord, kind: str, locale: str) -> KindPreview:
    """The kind in the language as the tenant's members would get it, its own words included
    (a nudge's subject and body, where its admins wrote them)."""
    own: dict[str, str] = {}
    nudge = kind.partition(":")[0]  # a variant of a nudge is worded by the nudge's own words
    if nudge in NUDGES:
        words = nudge_setting_in(ithaca.tenant_application(tenant, Nudges), nudge).words_in(locale)
        own = {"subject": words.subject, "body": words.body}
    return preview(ithaca.features, kind, locale, tenant, ithaca.settings, own)


def preview(
    features: Sequence[Feature], kind: str, locale: str, tenant: TenantRecord,
    settings: Settings, own: Mapping[str, str] | None = None,
) -> KindPreview:
    """The kind in the language on every channel; an unknown kind or language is refused
    naming the field. `own`: the tenant's words for some parts, in this language (an empty
    one is the built-in)."""
    found = next((each for each in notification_kinds(features) if each.kind == kind), None)
    if found is None:
        raise InvalidInputError("no notification of the kind %(kind)s", field="kind",
                                values={"kind": kind})
    if locale not in INTERFACE_LOCALES:
        raise InvalidInputError("no interface language %(locale)s", field="locale",
                                values={"locale": locale})
    texts = next(source.texts[kind] for feature in features for source in feature.due_work
                 if kind in source.texts)
    link = tenant_link(tenant, settings, SAMPLE_PATH)
    samples = _samples(locale, tenant, settings)
    words = {part: translated(locale, "mail", text) % samples for part, text in texts.items()}
    words.update({part: _PLACEHOLDER.sub(lambda found: samples[found.group(1)], text)
                  for part, text in (own or {}).items() if text and part in words})
    action_link = link if "action" in words else ""
    content = MailContent(
        locale=locale, subject=words["subject"], greeting=words.get("greeting", ""),
        paragraphs=tuple(text for part, text in words.items()
                         if part not in _OWN_PLACES and part not in _SMALL_PRINT),
        action_label=words.get("action", ""), action_url=action_link,
        small_print=tuple(text for part, text in words.items() if part in _SMALL_PRINT),
    )
    message = compose_message(
        content, Recipient(name=SAMPLE_NAME, address=SAMPLE_ADDRESS), tenant, settings)
    plain, rich = (part.get_content() for part in message.iter_parts())  # text, then HTML
    sms = fit_with_link(words.get("short", content.subject), action_link)
    encoding, segments = count_segments(sms)
    return KindPreview(
        kind=kind, category=found.category, source=found.source, locale=locale,
        direction="rtl" if locale in RIGHT_TO_LEFT else "ltr", subject=content.subject,
        text=plain, html=rich, sms=sms,
        sms_encoding="GSM-7" if encoding is SmsEncoding.GSM7 else "UCS-2", sms_segments=segments,
        centre_line=content.subject, link=action_link, unfilled=samples.unfilled,
    )


def _samples(locale: str, tenant: TenantRecord, settings: Settings) -> _Samples:
    branding = tenant.branding
    moment = format_moment(SAMPLE_INSTANT, locale, tenant.time_zone)
    link = tenant_link(tenant, settings, SAMPLE_PATH)
    return _Samples({
        **_SAMPLES, "product": branding.product_name,
        "reason": translations_for(locale).gettext(_SAMPLE_REASON).lower(),
        "support": branding.support_email or f"support@{settings.base_domain}",
        **dict.fromkeys(_MOMENTS, moment), **dict.fromkeys(_LINKS, link),
    })
