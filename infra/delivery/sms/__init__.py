"""The SMS channel: segments and encodings, and the gateways that send (Kannel, Twilio-shaped).

`sms_gateway(settings)` is the one place that turns the ITHACA_SMS_* settings into a gateway.
"""

from __future__ import annotations

from infra.delivery.sms.gateway import SmsGateway, SmsRefusedError, SmsUnavailableError
from infra.delivery.sms.http_provider import TWILIO_API, TwilioGateway
from infra.delivery.sms.kannel import KannelGateway
from infra.delivery.sms.segments import SmsEncoding, count_segments, fit_with_link, sms_encoding
from infra.settings import Settings, SettingsError

__all__ = [
    "KannelGateway",
    "SmsEncoding",
    "SmsGateway",
    "SmsRefusedError",
    "SmsUnavailableError",
    "TwilioGateway",
    "count_segments",
    "fit_with_link",
    "sms_encoding",
    "sms_gateway",
]


def sms_gateway(settings: Settings) -> SmsGateway | None:
    """The gateway ITHACA_SMS_PROVIDER names, or None when SMS is off ("none"). Raises
    SettingsError naming the variable a chosen provider still needs."""
    if settings.sms_provider == "none":
        return None
    if settings.sms_provider == "kannel":
        _require(settings, "sms_url", "sms_username", "sms_password")
        return KannelGateway(settings.sms_url, settings.sms_username, settings.sms_password,
                             sender=settings.sms_from, timeout=settings.sms_timeout)
    _require(settings, "sms_username", "sms_password", "sms_from")
    return TwilioGateway(settings.sms_url or TWILIO_API, settings.sms_username,
                         settings.sms_password, sender=settings.sms_from,
                         timeout=settings.sms_timeout)


def _require(settings: Settings, *fields: str) -> None:
    missing = [Settings.ENVIRONMENT[field] for field in fields if not getattr(settings, field)]
    if missing:
        raise SettingsError(
            f"ITHACA_SMS_PROVIDER={settings.sms_provider} needs {', '.join(missing)}")
