"""A member's mail as it leaves: plain text and HTML, in their language, in the tenant's brand.

A mail kind supplies `MailContent` (its words, already in the member's language, and one link;
mail's words are in the catalogues, context "mail", see `infra.translations`);
this module wraps it in the tenant's brand: the product name as the sender's name and in the
header band, the brand colours, the support address as Reply-To and in the footer. Dates are
written the member's way by babel, in the tenant's time zone.
"""

from __future__ import annotations

import html
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from zoneinfo import ZoneInfo

import msgspec
from babel.dates import format_date, format_time, get_datetime_format

from infra.settings import Settings
from infra.translations import NC_, translated
from tenants.directory import TenantRecord

__all__ = ["MailContent", "Recipient", "compose_message", "format_moment", "tenant_link"]

RIGHT_TO_LEFT = frozenset({"ar"})

_SUPPORT_LINE = NC_("mail", "Questions? Write to %(support)s.")
_SENT_BY = NC_("mail", "Sent by %(product)s.")


class Recipient(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    address: str


class MailContent(msgspec.Struct, frozen=True, kw_only=True):
    """The words of one mail, in one language."""

    locale: str
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    action_label: str
    action_url: str
    small_print: tuple[str, ...] = ()


def format_moment(moment: datetime, locale: str, time_zone: str) -> str:
    """A date and time as the locale writes them, in the tenant's time zone."""
    local = moment.astimezone(ZoneInfo(time_zone))
    pattern = str(get_datetime_format("long", locale=locale)).replace("'", "")
    when = pattern.format(
        format_time(local, "short", locale=locale), format_date(local, "long", locale=locale)
    )
    return f"{when} ({time_zone})"


def tenant_link(tenant: TenantRecord, settings: Settings, path: str) -> str:
    """An absolute link into the tenant's site (`path` starts with a slash)."""
    host = tenant.domains[0] if tenant.domains else f"{tenant.slug}.{settings.base_domain}"
    return settings.link_base.replace("{host}", host).rstrip("/") + path


def compose_message(
    content: MailContent, recipient: Recipient, tenant: TenantRecord, settings: Settings
) -> EmailMessage:
    branding = tenant.branding
    product = branding.product_name
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = Address(display_name=product, addr_spec=settings.mail_from)
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.address)
    if branding.support_email:
        message["Reply-To"] = Address(display_name=product, addr_spec=branding.support_email)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.partition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    footer = _footer(content.locale, product, branding.support_email)
    message.set_content(_text(content, footer))
    message.add_alternative(_html(content, footer, tenant), subtype="html")
    message["Content-Language"] = content.locale  # after the parts: set_content clears it
    return message


def _footer(locale: str, product: str, support: str) -> list[str]:
    lines = [translated(locale, "mail", _SENT_BY) % {"product": product}]
    if support:
        lines.append(translated(locale, "mail", _SUPPORT_LINE) % {"support": support})
    return lines


def _text(content: MailContent, footer: list[str]) -> str:
    parts = [
        content.greeting, *content.paragraphs, f"{content.action_label}:\n{content.action_url}",
        *content.small_print, "-- \n" + "\n".join(footer),
    ]
    return "\n\n".join(parts) + "\n"


def _html(content: MailContent, footer: list[str], tenant: TenantRecord) -> str:
    branding = tenant.branding
    e = html.escape
    direction = "rtl" if content.locale in RIGHT_TO_LEFT else "ltr"
    paragraphs = "".join(f"<p>{e(text)}</p>" for text in content.paragraphs)
    small = "".join(
        f'<p style="font-size:13px;color:#555555">{e(text)}</p>' for text in content.small_print
    )
    foot = "<br>".join(e(line) for line in footer)
    return (
        f'<!doctype html><html lang="{e(content.locale)}" dir="{direction}"><head>'
        f'<meta charset="utf-8"><title>{e(content.subject)}</title></head>'
        '<body style="margin:0;padding:0;background:#f4f4f4;'
        'font-family:Arial,Helvetica,sans-serif;color:#222222">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"'
        ' style="max-width:600px;margin:0 auto;background:#ffffff">'
        f'<tr><td style="background:{branding.primary_colour};color:#ffffff;padding:20px 24px;'
        f'font-size:20px;font-weight:bold">{e(branding.product_name)}</td></tr>'
        f'<tr><td style="padding:24px;border-top:4px solid {branding.accent_colour}">'
        f"<p>{e(content.greeting)}</p>{paragraphs}"
        f'<p style="margin:28px 0"><a href="{e(content.action_url)}"'
        f' style="background:{branding.primary_colour};color:#ffffff;padding:12px 20px;'
        'border-radius:4px;text-decoration:none;display:inline-block">'
        f"{e(content.action_label)}</a></p>{small}</td></tr>"
        '<tr><td style="padding:16px 24px;font-size:12px;color:#777777;'
        f'border-top:1px solid #e5e5e5">{foot}</td></tr>'
        "</table></body></html>"
    )
